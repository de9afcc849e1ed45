import { createVerify, X509Certificate } from 'node:crypto';
import { type SnsMessage, snsUrl, stringToSign } from './sns-message.js';

/** Fetches a PEM certificate (injectable: tests serve a self-made one). Only ever called with an SNS URL. */
export type CertificateFetcher = (url: URL) => Promise<string>;

/** Why an SNS message was refused; safe to log. */
export type SnsRefusal = 'topic' | 'cert_url' | 'subscribe_url' | 'certificate' | 'signature';

const MAX_CERT_BYTES = 16 * 1024;
const FETCH_TIMEOUT_MS = 5_000;

/** GET of an https URL with a deadline and a size cap; the status must be 200. */
export async function fetchText(url: URL, maxBytes: number): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url.host} answered ${response.status}`);
  if (Buffer.byteLength(text) > maxBytes) throw new Error(`GET ${url.host}: more than ${maxBytes} bytes`);
  return text;
}

/** The production fetcher: the certificate over TLS from the SNS host itself. */
export const fetchSnsCertificate: CertificateFetcher = (url) => fetchText(url, MAX_CERT_BYTES);

/**
 * Verifies SNS message signatures (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) against the
 * certificate at SigningCertURL, fetched only when that URL is https on `sns.<region>.amazonaws.com` (the TLS
 * chain of that host vouches for the certificate). Certificates are cached per URL; one outside its validity
 * dates is refused.
 */
export class SnsVerifier {
  private readonly certificates = new Map<string, X509Certificate>();

  constructor(
    private readonly fetchCertificate: CertificateFetcher = fetchSnsCertificate,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async refusal(message: SnsMessage): Promise<SnsRefusal | undefined> {
    const certUrl = snsUrl(message.SigningCertURL);
    if (!certUrl?.pathname.endsWith('.pem')) return 'cert_url';
    if (message.Type !== 'Notification' && !snsUrl(message.SubscribeURL)) return 'subscribe_url';
    let certificate: X509Certificate;
    try {
      certificate = await this.certificate(certUrl);
    } catch {
      return 'certificate';
    }
    const at = this.now().getTime();
    if (at < Date.parse(certificate.validFrom) || at > Date.parse(certificate.validTo)) return 'certificate';
    const verify = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    verify.update(stringToSign(message), 'utf8');
    return verify.verify(certificate.publicKey, message.Signature, 'base64') ? undefined : 'signature';
  }

  private async certificate(url: URL): Promise<X509Certificate> {
    const key = url.toString();
    const cached = this.certificates.get(key);
    if (cached) return cached;
    const certificate = new X509Certificate(await this.fetchCertificate(url));
    if (this.certificates.size >= 16) this.certificates.clear();
    this.certificates.set(key, certificate);
    return certificate;
  }
}
