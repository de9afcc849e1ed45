import { jwtExpiresAt } from '../auth/jwt-expiry.js';
import { type TokenAuthorisedDeps, tokenAuthorisedHttp } from '../auth/token-authorised-http.js';
import type { TokenProvider } from '../auth/token-provider.js';
import type { CachedToken, TokenStore } from '../auth/token-store.js';
import { AuthError, HttpError, MalformedResponseError } from '../errors.js';
import type { JsonHttpClient } from '../http/json-http-client.js';
import { redactUrl } from '../redact.js';
import { signAssertion } from './assertion.js';
import { clientKey, type WelkinV1Config } from './config.js';
import { explainWelkinV1Error, welkinV1ErrorCodes } from './error-body.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export type WelkinV1ClientDeps = TokenAuthorisedDeps;

/**
 * Welkin v1 over HTTP: the JWT-bearer token exchange, then Bearer-authorised GETs that renew once on a 401.
 * The access token is shared through the same token store (and claim protocol) as Welkin V8's.
 */
export class WelkinV1Client {
  readonly http: JsonHttpClient;
  readonly tokens: TokenProvider;
  private readonly tokenHttp: JsonHttpClient;

  constructor(
    readonly config: WelkinV1Config,
    store: TokenStore,
    deps: WelkinV1ClientDeps = {},
  ) {
    ({
      tokenHttp: this.tokenHttp,
      tokens: this.tokens,
      http: this.http,
    } = tokenAuthorisedHttp({
      service: 'Welkin v1',
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      retry: config.retry,
      requestsPerMinute: config.requestsPerMinute,
      credentialKey: clientKey(config),
      store,
      deps,
      requestToken: () => this.requestToken(),
      // The v1 reference documents no 401 body: any 401 renews once (the HTTP client allows one retry).
      isRenewableRejection: () => true,
      explain: (status, text) => explainWelkinV1Error(status, text),
      errorCodes: welkinV1ErrorCodes,
    }));
  }

  /** `{base}/v1/{path}?{params}` as an absolute URL. */
  findUrl(path: string, params: URLSearchParams): URL {
    const url = this.http.resolve(`v1/${path}`);
    url.search = params.toString();
    return url;
  }

  /** GET the text of a URL on the API's origin; `where` is safe for messages. */
  async getText(url: URL): Promise<{ text: string; where: string }> {
    const { text } = await this.http.request('GET', url.toString());
    return { text, where: `Welkin v1 ${redactUrl(url)}` };
  }

  /** Token requests made through this client (HTTP attempts at the token endpoint). */
  get tokenRequests(): number {
    return this.tokenHttp.requests;
  }

  private async requestToken(): Promise<CachedToken> {
    const now = Date.now();
    const form = new URLSearchParams({
      grant_type: JWT_BEARER_GRANT,
      assertion: await signAssertion(this.config, now),
    });
    let text: string;
    try {
      ({ text } = await this.tokenHttp.request('POST', this.config.tokenUrl.toString(), form));
    } catch (error) {
      throw new AuthError(`cannot obtain a Welkin v1 token: ${tokenFailure(error)}`, { cause: error });
    }
    return accessTokenOf(text, now);
  }
}

/** Why a token request failed: the status and the `errors[].code` values, or the transport's reason. */
function tokenFailure(error: unknown): string {
  if (error instanceof HttpError && error.status !== undefined) {
    const codes = error.codes.length > 0 ? ` (${error.codes.join(', ')})` : '';
    const hint =
      error.status === 401 || error.status === 403
        ? '; check WELKIN_V1_CLIENT_ID, WELKIN_V1_CLIENT_SECRET and the scopes the client may request'
        : error.status === 400
          ? '; the assertion or grant was refused (clock, scope or token URL)'
          : '';
    return `the token endpoint answered ${error.status}${codes}${hint}`;
  }
  return error instanceof Error ? error.message : 'request failed';
}

/** `{access_token, expires_in?}` → the cached form; the expiry from `expires_in`, else the JWT's `exp`. */
export function accessTokenOf(text: string, nowMs: number): CachedToken {
  let body: { access_token?: unknown; expires_in?: unknown } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new MalformedResponseError('Welkin v1 token endpoint: the answer is not JSON');
  }
  const token = body?.access_token;
  if (typeof token !== 'string' || token.length === 0) {
    throw new AuthError('cannot obtain a Welkin v1 token: the token endpoint answered without access_token');
  }
  const seconds = Number(body?.expires_in);
  const expiresAt =
    Number.isFinite(seconds) && seconds > 0 ? new Date(nowMs + seconds * 1000) : jwtExpiresAt(token, nowMs);
  return { token, expiresAt: expiresAt.toISOString() };
}
