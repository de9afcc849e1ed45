import { AuthError, HttpError } from '../errors.js';
import { JsonHttpClient } from '../http/json-http-client.js';
import { JsonReads, type ListPage } from '../http/json-reads.js';
import { sharedBudget } from '../http/request-budget.js';
import { apiClientKey, type WelkinConfig } from './config.js';
import { explainWelkinError, welkinErrorCodes } from './error-body.js';
import { type RenewalLimit, sharedRenewalLimit } from './renewal-limit.js';
import { TokenProvider } from './token-provider.js';
import type { TokenStore } from './token-store.js';

export type WelkinPage = ListPage;

export interface WelkinClientDeps {
  fetch?: typeof fetch;
  /** Overrides for tests: renewal limit, lease and poll timings. */
  limit?: RenewalLimit;
  leaseMs?: number;
  pollMs?: number;
}

const UNREACHABLE_HINT = 'check WELKIN_ENV (or WELKIN_BASE_URL) and the network';

/** Welkin over HTTP: the token endpoint, then Bearer-authorised GETs that renew once on a 401. */
export class WelkinClient {
  readonly http: JsonHttpClient;
  private readonly reads: JsonReads;
  readonly tokens: TokenProvider;
  private readonly tokenHttp: JsonHttpClient;

  constructor(
    readonly config: WelkinConfig,
    store: TokenStore,
    deps: WelkinClientDeps = {},
  ) {
    const explain = (status: number, text: string, url: URL) =>
      explainWelkinError(status, text, url.pathname);
    // One key per API client for the process-wide pacing budget and renewal cap (a hash, never the secret).
    const credentialKey = apiClientKey(config);
    this.tokenHttp = new JsonHttpClient({
      service: 'Welkin token endpoint',
      baseUrl: config.baseUrl,
      authorize: async () => ({}),
      headers: { accept: 'application/json' },
      // Short, so that three attempts fit in the renewal lease others wait on (TokenProvider, 45 s).
      timeoutMs: Math.min(config.timeoutMs, 10_000),
      // Every attempt counts toward Welkin's 100-per-5-minutes block: few retries, and a 429 (the block
      // itself) is final rather than retried into a longer block.
      retry: { retries: 2, baseDelayMs: 500, maxDelayMs: 5_000, rateLimitRetries: 0 },
      fetch: deps.fetch,
      explain,
      errorCodes: welkinErrorCodes,
      unreachableHint: UNREACHABLE_HINT,
    });
    this.tokens = new TokenProvider({
      store,
      requestToken: () => this.requestToken(),
      limit: deps.limit ?? sharedRenewalLimit(credentialKey),
      leaseMs: deps.leaseMs,
      pollMs: deps.pollMs,
    });
    this.http = new JsonHttpClient({
      service: 'Welkin',
      baseUrl: config.baseUrl,
      authorize: async () => ({ authorization: `Bearer ${await this.tokens.token()}` }),
      headers: { accept: 'application/json' },
      budget: sharedBudget(credentialKey, config.requestsPerMinute ?? Number.POSITIVE_INFINITY),
      timeoutMs: config.timeoutMs,
      retry: config.retry,
      fetch: deps.fetch,
      retryAfterMs,
      onUnauthorized: (text, sent) =>
        this.tokens.renewAfterRejection(text, sent.authorization?.replace(/^Bearer /, '')),
      explain,
      errorCodes: welkinErrorCodes,
      unreachableHint: UNREACHABLE_HINT,
    });
    this.reads = new JsonReads(this.http, 'Welkin');
  }

  /** `{tenant}/{instance}/...` */
  instancePath(path: string): string {
    return `${encodeURIComponent(this.config.tenant)}/${encodeURIComponent(this.config.instance)}/${path}`;
  }

  /** `{tenant}/...` (admin endpoints). */
  tenantPath(path: string): string {
    return `${encodeURIComponent(this.config.tenant)}/${path}`;
  }

  /** GET a JSON object, parsed losslessly. */
  getObject(path: string): Promise<{ body: Record<string, unknown>; where: string }> {
    return this.reads.object(path);
  }

  /** GET a list page whose records are under `list`: records kept as the text sent, `fields` read from each. */
  getPage(path: string, list: string, fields: readonly string[]): Promise<WelkinPage> {
    return this.reads.page(path, list, fields);
  }

  /** Token requests made through this client (HTTP attempts at the token endpoint). */
  get tokenRequests(): number {
    return this.tokenHttp.requests;
  }

  private async requestToken(): Promise<string> {
    const path = `${encodeURIComponent(this.config.tenant)}/admin/api_clients/${encodeURIComponent(this.config.clientName)}`;
    let text: string;
    try {
      ({ text } = await this.tokenHttp.request('POST', path, { secret: this.config.secret }));
    } catch (error) {
      // A host that never answered (ConfigError) or a stopped run keep their own meaning.
      if (!(error instanceof HttpError)) throw error;
      throw new AuthError(`cannot obtain a Welkin token: ${error.message}`, { cause: error });
    }
    let token: unknown;
    try {
      token = (JSON.parse(text) as { token?: unknown }).token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token.length === 0) {
      throw new AuthError('cannot obtain a Welkin token: the token endpoint answered without a token');
    }
    return token;
  }
}

/** `Retry-After` in seconds or as an HTTP date; Welkin's recorded responses carry none, so backoff applies. */
export function retryAfterMs(response: Response, now: number = Date.now()): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.min(Number(value) * 1000, 10 * 60_000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.min(Math.max(0, date - now), 10 * 60_000) : undefined;
}
