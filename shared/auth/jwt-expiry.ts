/** Welkin documents no expiry field; its tokens have lasted one hour. Used only when `exp` cannot be read. */
const FALLBACK_LIFETIME_MS = 50 * 60_000;

function claimsOf(token: string): { exp?: unknown; iat?: unknown } {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? claims : {};
  } catch {
    return {};
  }
}

const seconds = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) ? value * 1000 : undefined;

/**
 * When a JWT expires, from its `exp` claim. The signature is not checked (the token is opaque to us; Welkin
 * checks it); nothing of the token is ever put in a message.
 */
export function jwtExpiresAt(token: string, now: number): Date {
  return new Date(seconds(claimsOf(token).exp) ?? now + FALLBACK_LIFETIME_MS);
}

/** `exp - iat` when both are present: lets the renewal margin scale down for short-lived (test) tokens. */
export function jwtLifetimeMs(token: string): number | undefined {
  const claims = claimsOf(token);
  const exp = seconds(claims.exp);
  const iat = seconds(claims.iat);
  return exp !== undefined && iat !== undefined && exp > iat ? exp - iat : undefined;
}
