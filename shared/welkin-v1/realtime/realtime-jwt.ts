import { errors, jwtVerify } from 'jose';
import type { JwtRefusal, NotifyCredential } from '../webhooks/notification-jwt.js';

const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * The `jwt` of a realtime notification. The reference says only that it proves the notification came from
 * Welkin; we read it as the legacy bearer is made (HS256 with the secret we gave Welkin): the signature must
 * verify with one of our secrets (`none` and every other algorithm are refused before any key is tried);
 * `exp` when present must not have passed; `aud` when present must be our notify URL, `iss` when present the
 * client id we gave Welkin, `scope` when present `welkin`.
 */
export async function checkRealtimeJwt(
  token: string,
  credentials: readonly NotifyCredential[],
  notifyUrl: string,
  nowMs: number = Date.now(),
): Promise<JwtRefusal | undefined> {
  let refusal: JwtRefusal = 'signature';
  for (const credential of credentials) {
    try {
      const { payload } = await jwtVerify(token, new TextEncoder().encode(credential.secret), {
        algorithms: ['HS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(nowMs),
      });
      if (payload.aud !== undefined && ![payload.aud].flat().includes(notifyUrl)) return 'audience';
      if (payload.iss !== undefined && payload.iss !== credential.clientId) return 'issuer';
      if (payload.scope !== undefined && payload.scope !== 'welkin') return 'scope';
      return undefined;
    } catch (error) {
      if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
      if (error instanceof errors.JWTExpired) return 'expired';
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) return 'malformed';
      refusal = 'signature';
    }
  }
  return refusal;
}
