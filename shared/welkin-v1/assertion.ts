import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { WelkinV1Config } from './config.js';

/**
 * The reference's token example signs `exp` one hour ahead ("recommended 1 hours from current time"), and its
 * access tokens "expire after 1 hour": the assertion asks for that hour.
 */
export const ASSERTION_LIFETIME_SECONDS = 60 * 60;

/**
 * The OAuth 2 JWT-bearer assertion (RFC 7523) Welkin v1 exchanges for an access token: HS256 with the client
 * secret, `iss` = client id, `aud` = the token URL, `scope`, and an `exp` an hour ahead.
 */
export async function signAssertion(config: WelkinV1Config, nowMs: number = Date.now()): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return new SignJWT({ scope: config.scope })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(config.clientId)
    .setAudience(config.tokenUrl.toString())
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(config.clientSecret));
}
