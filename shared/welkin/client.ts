import { type TokenAuthorisedDeps, tokenAuthorisedHttp } from '../auth/token-authorised-http.js';
import type { TokenProvider } from '../auth/token-provider.js';
import type { TokenStore } from '../auth/token-store.js';
import { AuthError, HttpError } from '../errors.js';
import type { JsonHttpClient } from '../http/json-http-client.js';
import { JsonReads, type ListPage } from '../http/json-reads.js';
import { type ScannedRecord, scanArray } from '../json/page-scanner.js';
import { apiClientKey, type WelkinConfig } from './config.js';
import { explainWelkinError, welkinErrorCodes } from './error-body.js';

export type WelkinPage = ListPage;

export type WelkinClientDeps = TokenAuthorisedDeps;

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
    ({
      tokenHttp: this.tokenHttp,
      tokens: this.tokens,
      http: this.http,
    } = tokenAuthorisedHttp({
      service: 'Welkin',
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      retry: config.retry,
      requestsPerMinute: config.requestsPerMinute,
      credentialKey: apiClientKey(config),
      store,
      deps,
      requestToken: () => this.requestToken(),
      explain,
      errorCodes: welkinErrorCodes,
      unreachableHint: UNREACHABLE_HINT,
    }));
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

  /** GET a bare JSON array of records: each kept as the text sent, `fields` read from each. */
  async getArray(
    path: string,
    fields: readonly string[],
  ): Promise<{ records: ScannedRecord[]; where: string }> {
    const { text } = await this.http.request('GET', path);
    const where = this.reads.where(path);
    return { records: scanArray(text, where, fields), where };
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
