import { MalformedResponseError } from '../errors.js';
import { JsonHttpClient } from '../http/json-http-client.js';
import { sharedBudget } from '../http/request-budget.js';
import { isRecord, parseLossless } from '../json/lossless.js';
import { type ScannedPage, scanObject, scanPage } from '../json/page-scanner.js';
import { redactUrl } from '../redact.js';
import type { ClinikoConfig } from './config.js';

const HINTS: Record<number, string> = {
  400: 'bad request: a filter or sort is not supported on this endpoint',
  401: 'API key rejected: check CLINIKO_API_KEY and that its shard suffix matches the account',
  403: 'forbidden: check CLINIKO_USER_AGENT ("Name (email)") and the API user\'s permissions',
  404: 'not found: this endpoint does not exist for the account or shard',
};

/** Cliniko over HTTP: Basic auth with the key, the mandatory User-Agent, and the per-user rate budget. */
export class ClinikoClient {
  readonly http: JsonHttpClient;

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
      explain: (status) => HINTS[status] ?? (status >= 400 && status < 500 ? 'client error' : undefined),
      // A refused key or User-Agent is refused on every resource alike: it stops the run (AuthError).
      credentialRejected: (status) => status === 401 || status === 403,
      unreachableHint: 'check CLINIKO_BASE_URL (or the shard suffix of CLINIKO_API_KEY) and the network',
    });
  }

  /** GET a JSON object; `pathOrUrl` is a path under the base URL or a same-origin absolute URL. */
  async getObject(pathOrUrl: string): Promise<{ body: Record<string, unknown>; where: string }> {
    const { text } = await this.http.request('GET', pathOrUrl);
    const where = `Cliniko ${redactUrl(this.http.resolve(pathOrUrl))}`;
    const body = parseLossless(text, where);
    if (!isRecord(body)) throw new MalformedResponseError(`${where}: expected a JSON object`);
    return { body, where };
  }

  /** GET a list page whose records are under `list`. */
  async getPage(pathOrUrl: string, list: string, fields: readonly string[] = ['id']): Promise<ClinikoPage> {
    const { text } = await this.http.request('GET', pathOrUrl);
    const where = `Cliniko ${redactUrl(this.http.resolve(pathOrUrl))}`;
    return { ...scanPage(text, where, list, fields), where };
  }

  /** GET an object endpoint as one NDJSON line of the text sent. */
  async getObjectText(pathOrUrl: string): Promise<string> {
    const { text } = await this.http.request('GET', pathOrUrl);
    return scanObject(text, `Cliniko ${redactUrl(this.http.resolve(pathOrUrl))}`);
  }
}

/** A list page: its records kept as the text sent (reading only `fields` from each) and its parsed envelope. */
export interface ClinikoPage extends ScannedPage {
  where: string;
}

/** `X-RateLimit-Reset` is the unix second at which the window frees up. */
function rateLimitResetMs(response: Response): number | undefined {
  const reset = Number(response.headers.get('x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.max(0, reset * 1000 - Date.now()) + 250;
}
