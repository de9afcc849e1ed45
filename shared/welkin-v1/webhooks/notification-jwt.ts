import { errors, jwtVerify } from 'jose';

/** A client id and secret we gave Welkin for signing notifications (a previous secret during a rotation). */
export interface NotifyCredential {
  clientId: string;
  secret: string;
}

/** Tokens valid for longer than this are refused: a leaked long-lived token could be replayed for long. */
const MAX_LIFETIME_SECONDS = 3600;
const CLOCK_TOLERANCE_SECONDS = 30;

/** Why a token was refused; safe to log (never the token). */
export type JwtRefusal =
  | 'missing'
  | 'malformed'
  | 'algorithm'
  | 'signature'
  | 'expired'
  | 'audience'
  | 'issuer'
  | 'scope'
  | 'lifetime';

/**
 * Checks the Bearer JWT Welkin signs a notification with: HS256 only (`none` and every other algorithm are
 * refused before any key is tried), signed with one of our secrets, `iss` = that secret's client id, `aud`
 * = our notify URL, `scope` = `welkin`, an `exp` that has not passed and is at most an hour ahead.
 */
export async function checkNotificationJwt(
  token: string | undefined,
  credentials: readonly NotifyCredential[],
  audiences: readonly string[],
  nowMs: number = Date.now(),
): Promise<JwtRefusal | undefined> {
  if (!token) return 'missing';
  let refusal: JwtRefusal = 'signature';
  for (const credential of credentials) {
    try {
      const { payload } = await jwtVerify(token, new TextEncoder().encode(credential.secret), {
        algorithms: ['HS256'],
        issuer: credential.clientId,
        audience: [...audiences],
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(nowMs),
      });
      if (payload.scope !== 'welkin') return 'scope';
      if ((payload.exp ?? 0) > nowMs / 1000 + MAX_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS)
        return 'lifetime';
      return undefined;
    } catch (error) {
      refusal = refusalOf(error);
      // Only a wrong signature may be another credential's token; anything else is final.
      if (refusal !== 'signature') return refusal;
    }
  }
  return refusal;
}

function refusalOf(error: unknown): JwtRefusal {
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return 'malformed';
    if (error.claim === 'aud') return 'audience';
    if (error.claim === 'iss') return 'issuer';
    if (error.claim === 'exp') return 'expired';
    return 'malformed';
  }
  return 'malformed';
}
