import { createHmac, randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const MAX_ASSERTION_AHEAD_SECONDS = 3600 + 60;

/** The reference's error shape. */
const errors = (status: number, code: string) => ({ errors: [{ status, code }] });

export interface IssuedToken {
  expiresAtMs: number;
  revoked: boolean;
}

/**
 * The v1 token endpoint's rules: the assertion is an HS256 JWT signed with the client secret, `iss` = client
 * id, `aud` = the token URL, `exp` at most an hour ahead, a `scope`. Access tokens come with `expires_in`.
 */
export class SimTokens {
  private readonly issued = new Map<string, IssuedToken>();
  private readonly key = randomBytes(32);
  requests = 0;
  rejections = 0;

  constructor(
    private readonly identity: { clientId: string; clientSecret: string },
    private readonly tokenUrl: () => string,
  ) {}

  async exchange(form: URLSearchParams, lifetimeSeconds: number): Promise<{ status: number; body: object }> {
    this.requests++;
    if (form.get('grant_type') !== JWT_BEARER_GRANT) {
      return { status: 400, body: errors(400, 'unsupported_grant_type') };
    }
    const assertion = form.get('assertion') ?? '';
    try {
      const { payload } = await jwtVerify(assertion, new TextEncoder().encode(this.identity.clientSecret), {
        algorithms: ['HS256'],
        issuer: this.identity.clientId,
        audience: this.tokenUrl(),
        requiredClaims: ['exp', 'scope'],
      });
      if ((payload.exp ?? 0) > Date.now() / 1000 + MAX_ASSERTION_AHEAD_SECONDS) {
        return { status: 400, body: errors(400, 'invalid_grant') };
      }
    } catch {
      return { status: 401, body: errors(401, 'unauthorized') };
    }
    const token = this.accessToken(lifetimeSeconds);
    this.issued.set(token, { expiresAtMs: Date.now() + lifetimeSeconds * 1000, revoked: false });
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: lifetimeSeconds } };
  }

  /** JWT-shaped (V8's tokens are JWTs; v1's format is not documented), signed with a key of this simulator. */
  private accessToken(lifetimeSeconds: number): string {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const iat = Math.floor(Date.now() / 1000);
    const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
      sub: this.identity.clientId,
      iat,
      exp: iat + lifetimeSeconds,
      jti: randomBytes(12).toString('hex'),
    })}`;
    return `${input}.${createHmac('sha256', this.key).update(input).digest('base64url')}`;
  }

  /** True when `token` was issued here, is not expired and was not revoked. */
  accepts(token: string | undefined): boolean {
    const issued = token ? this.issued.get(token) : undefined;
    const ok = issued !== undefined && !issued.revoked && issued.expiresAtMs > Date.now();
    if (!ok) this.rejections++;
    return ok;
  }

  revokeAll(): void {
    for (const token of this.issued.values()) token.revoked = true;
  }
}
