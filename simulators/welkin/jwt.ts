import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  sub: string;
  clientName: string;
  tenant: string;
  iat: number;
  exp: number;
  /** Issue serial: expireAllTokens() invalidates every serial issued so far. */
  jti: string;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

function signature(input: string, key: Buffer): string {
  return createHmac('sha256', key).update(input).digest('base64url');
}

/** A compact HS256 JWT (real Welkin tokens are RS256 from Cognito; clients must treat them as opaque). */
export function signJwt(claims: TokenClaims, key: Buffer): string {
  const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${signature(input, key)}`;
}

/** The claims of a token signed with `key`, or undefined for anything malformed or forged. */
export function verifyJwt(token: string, key: Buffer): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, sig] = parts as [string, string, string];
  const expected = Buffer.from(signature(`${header}.${payload}`, key));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    return typeof claims.exp === 'number' && typeof claims.jti === 'string' ? claims : undefined;
  } catch {
    return undefined;
  }
}
