import { JsonHttpClient } from '../http/json-http-client.js';
import { JsonReads, type ListPage } from '../http/json-reads.js';
import { sharedBudget } from '../http/request-budget.js';
import type { ClinikoConfig } from './config.js';

const HINTS: Record<number, string> = {
  400: 'bad request: a filter or sort is not supported on this endpoint',
  401: 'API key rejected: check CLINIKO_API_KEY and that its shard suffix matches the account',
  // Cliniko restricts some lists to roles (e.g. /settings: "only accessible to users with a role that can view
  // settings"): a 403 on one list is the user's role, not the key; a refused key is a 401 (HTTP's
  // meaning of it; a role cannot make one list unauthenticated).
  403:
    "forbidden: the role of the API key's user may not read this list: give the user a role that can, or " +
    'leave the resource out; when every list answers 403, check CLINIKO_USER_AGENT ("Name (email)")',
  404: 'not found: this endpoint does not exist for the account or shard',
};

/** Cliniko over HTTP: Basic auth with the key, the mandatory User-Agent, and the per-user rate budget. */
export class ClinikoClient {
  readonly http: JsonHttpClient;
  private readonly reads: JsonReads;

  constructor(config: ClinikoConfig, deps: { fetch?: typeof fetch } = {}) {
    const authorization = `Basic ${Buffer.from(`${config.apiKey}:`).toString('base64')}`;
    this.http = new JsonHttpClient({
      service: 'Cliniko',
      baseUrl: config.baseUrl,
      authorize: async () => ({ authorization }),
      headers: { accept: 'application/json', 'user-agent': config.userAgent },
      budget: sharedBudget(config.apiKey, config.requestsPerMinute),
      timeoutMs: config.timeoutMs,
      retry: config.retry,
      fetch: deps.fetch,
      retryAfterMs: rateLimitResetMs,
      maxRateLimitWaitMs: config.maxRateLimitWaitMs,
      maxRateLimitWaitHint: 'CLINIKO_MAX_RATE_LIMIT_WAIT_MINUTES allows longer waits',
      explain: (status) => HINTS[status] ?? (status >= 400 && status < 500 ? 'client error' : undefined),
      // A refused key is refused on every resource alike: it stops the run (AuthError). A 403 is one list the
      // user's role may not read: that resource fails, the others go on.
      credentialRejected: (status) => status === 401,
      unreachableHint: 'check CLINIKO_BASE_URL (or the shard suffix of CLINIKO_API_KEY) and the network',
    });
    this.reads = new JsonReads(this.http, 'Cliniko');
  }

  /** GET a JSON object; `pathOrUrl` is a path under the base URL or a same-origin absolute URL. */
  getObject(pathOrUrl: string): Promise<{ body: Record<string, unknown>; where: string }> {
    return this.reads.object(pathOrUrl);
  }

  /** GET a list page whose records are under `list`. */
  getPage(pathOrUrl: string, list: string, fields: readonly string[] = ['id']): Promise<ClinikoPage> {
    return this.reads.page(pathOrUrl, list, fields);
  }

  /** GET an object endpoint as one NDJSON line of the text sent. */
  getObjectText(pathOrUrl: string): Promise<string> {
    return this.reads.objectText(pathOrUrl);
  }
}

export type ClinikoPage = ListPage;

/** `X-RateLimit-Reset` is the unix second at which the window frees up. */
function rateLimitResetMs(response: Response): number | undefined {
  const reset = Number(response.headers.get('x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.max(0, reset * 1000 - Date.now()) + 250;
}
