import { createSign, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { type SnsMessage, stringToSign } from '../../shared/welkin-v1/realtime/sns-message.js';
import { SNS_TEST_PRIVATE_KEY } from './sns-test-certificate.js';

export interface RealtimeChange {
  resource: string;
  id: string;
  action: 'create' | 'update' | 'delete';
  /** The record's GET URL; null for a delete, as the reference shows. */
  href: string | null;
}

/**
 * A stand-in for the Amazon SNS topic Welkin's realtime notifications come through: it signs messages with a
 * test-only certificate (simulators/welkin-v1/sns-test-certificate.ts). The receiver is handed
 * `fetchCertificate` and `confirmSubscription` from here; they take only this topic's
 * `https://sns.<region>.amazonaws.com` URLs and GET them, over HTTP, from the v1 simulator's `/sns/` paths
 * (which serve the certificate and record the confirmation). No internet.
 */
export class SnsStandIn {
  readonly region = 'us-east-1';
  readonly topicArn = `arn:aws:sns:${this.region}:000000000000:welkin-notifications`;
  readonly certUrl = `https://sns.${this.region}.amazonaws.com/SimpleNotificationService-test.pem`;
  /** Every certificate URL asked for and every SubscribeURL fetched, in order. */
  readonly certificateFetches: string[] = [];
  readonly confirmations: string[] = [];

  /** What the receiver gets instead of real https GETs. */
  constructor(private readonly simulatorUrl: string) {}

  readonly fetchCertificate = async (url: URL): Promise<string> => {
    this.certificateFetches.push(url.toString());
    if (url.toString() !== this.certUrl) throw new Error('no such certificate');
    return this.get(url);
  };

  readonly confirmSubscription = async (url: URL): Promise<void> => {
    this.confirmations.push(url.toString());
    await this.get(url);
  };

  /** The simulator's `/sns/…` for an SNS URL of this topic's region. */
  private async get(url: URL): Promise<string> {
    if (url.host !== `sns.${this.region}.amazonaws.com`) throw new Error('not this stand-in');
    const response = await fetch(`${this.simulatorUrl}/sns${url.pathname}${url.search}`);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`SNS stand-in answered ${response.status}`);
    return text;
  }

  /** The first message SNS sends a new HTTPS subscriber. */
  subscriptionConfirmation(overrides: Partial<SnsMessage> = {}, version: '1' | '2' = '1'): SnsMessage {
    const token = randomUUID().replaceAll('-', '');
    const subscribe = `https://sns.${this.region}.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${this.topicArn}&Token=${token}`;
    return this.signed({
      Type: 'SubscriptionConfirmation',
      MessageId: randomUUID(),
      Token: token,
      TopicArn: this.topicArn,
      Message: `You have chosen to subscribe to the topic ${this.topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: subscribe,
      Timestamp: new Date().toISOString(),
      SignatureVersion: version,
      Signature: '',
      SigningCertURL: this.certUrl,
      ...overrides,
    });
  }

  /** A notification in SNS's envelope: `Message` is the notification's JSON text. */
  notification(body: object, version: '1' | '2' = '2'): SnsMessage {
    return this.signed({
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: this.topicArn,
      Message: JSON.stringify(body),
      Timestamp: new Date().toISOString(),
      SignatureVersion: version,
      Signature: '',
      SigningCertURL: this.certUrl,
    });
  }

  /** Signs (again) with the test key, SHA1 or SHA256 as the message's SignatureVersion says. */
  signed(message: SnsMessage): SnsMessage {
    const signer = createSign(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    signer.update(stringToSign(message), 'utf8');
    return { ...message, Signature: signer.sign(SNS_TEST_PRIVATE_KEY, 'base64') };
  }
}

/**
 * A realtime notification as the reference shows it, its `jwt` signed HS256 with the secret we gave Welkin
 * (`aud` = the notify URL, scope `welkin`); `updated_at` written as the reference's example does (a space, no
 * offset).
 */
export async function realtimeNotification(
  change: RealtimeChange,
  notifyUrl: string,
  credentials: { clientId: string; secret: string },
): Promise<object> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({ scope: 'welkin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(credentials.clientId)
    .setAudience(notifyUrl)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(credentials.secret));
  return {
    notification: {
      provider_id: '9c64b12d-a70a-4c02-a58c-526e03a8e73b',
      resource: change.resource,
      resource_id: change.id,
      updated_at: new Date().toISOString().replace('T', ' ').replace('Z', '000'),
      href: change.href,
      action: change.action,
    },
    send_to: notifyUrl,
    jwt,
  };
}
