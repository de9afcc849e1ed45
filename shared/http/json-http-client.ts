import ky from 'ky';
import { AuthError, ForbiddenError, HttpError } from '../errors.js';
import { redactUrl } from '../redact.js';
import type { RequestBudget } from './request-budget.js';
import { AttemptDeadline, readBodyText } from './request-deadline.js';
import { isRetriedStatus, RequestRetries } from './request-retries.js';
import { reportRequest } from './request-watch.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { assertRunGoing, currentRunSignal, requestStopSignal } from './run-scope.js';
import { AttemptFailed, HostUnreachableError, transportErrorCode } from './transport-error.js';

export { HostUnreachableError };

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
}

export interface JsonHttpClientOptions {
  /** Upstream name used in messages, e.g. 'Cliniko'. */
  service: string;
  /** Every request must stay on this URL's origin: credentials are never sent elsewhere. */
  baseUrl: URL;
  /** Headers added to every request, e.g. Authorization. Called per attempt so renewed tokens apply. */
  authorize: () => Promise<Record<string, string>>;
  headers?: Record<string, string>;
  budget?: RequestBudget;
  /** Hard deadline of one attempt, headers and body together (default 30 s). */
  timeoutMs?: number;
  /** Stops every request and wait of this client; defaults to the signal of the run the caller is in. */
  signal?: AbortSignal;
  /** What to check when the host never answered (wrong host or port), e.g. which variable sets it. */
  unreachableHint?: string;
  /** Statuses that mean the credential itself is refused: an AuthError, which stops the run. */
  credentialRejected?: (status: number) => boolean;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  /** When a 429 says to come back; undefined means use backoff. */
  retryAfterMs?: (response: Response) => number | undefined;
  /** A 429 asking for a longer wait fails (RateLimitError) instead; default 15 minutes. */
  maxRateLimitWaitMs?: number;
  /** Said with that failure: what raises the allowed wait. */
  maxRateLimitWaitHint?: string;
  /**
   * A 401 arrived: return true when credentials were renewed and the request should be tried once more.
   * `sentHeaders` are the ones `authorize` gave this attempt, so a caller can tell a stale credential from one
   * already replaced by a concurrent request.
   */
  onUnauthorized?: (bodyText: string, sentHeaders: Record<string, string>) => Promise<boolean>;
  /** A safe, actionable explanation of a failure status (never echo the body; it may hold PHI). */
  explain?: (status: number, bodyText: string, url: URL) => string | undefined;
  /** Error codes to keep on the HttpError for callers to branch on (codes only, never the body). */
  errorCodes?: (bodyText: string) => string[];
  random?: () => number;
}

/**
 * The one place that talks HTTP for every source: pacing, retries with jittered backoff, 429 handling,
 * origin pinning, no redirects with credentials, and one-line errors with redacted URLs.
 *
 * ky does the attempt loop: its `retry` (limit, methods, the wait between attempts, ended by the run's stop)
 * decides through `RequestRetries`; its `beforeRequest` hook paces (the shared budget), counts and authorises
 * every attempt, so a renewed credential applies to the retry; its `afterResponse` hook renews a refused
 * credential once and retries with `ky.retry()`. What ky cannot do stays here: ky's `timeout` ends at the
 * headers, while a body can stall after them, so each attempt runs under our own deadline over headers and
 * body (`fetchWhole`, handed to ky as its `fetch`), and a host that never answered fails fast.
 */
export class JsonHttpClient {
  private readonly retry: RetryPolicy;
  /** Some request of this client got an HTTP answer: the host exists and listens. */
  private answered = false;
  requests = 0;

  constructor(private readonly options: JsonHttpClientOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  /** Resolves a path or absolute URL against the base and refuses other origins. */
  resolve(pathOrUrl: string): URL {
    const base = this.options.baseUrl;
    const url = /^https?:\/\//i.test(pathOrUrl)
      ? new URL(pathOrUrl)
      : new URL(`${base.pathname.replace(/\/$/, '')}/${pathOrUrl.replace(/^\//, '')}`, base);
    if (url.origin !== base.origin) {
      throw new HttpError(
        `${this.options.service}: refusing to send credentials to another origin (${redactUrl(url)}); expected ${base.origin}`,
        undefined,
        redactUrl(url),
      );
    }
    return url;
  }

  async request(method: 'GET' | 'POST', pathOrUrl: string, body?: unknown): Promise<HttpResult> {
    const url = this.resolve(pathOrUrl);
    const where = `${method} ${redactUrl(url)}`;
    const { options } = this;
    const run = options.signal ?? currentRunSignal();
    const retries = new RequestRetries({
      ...options,
      where,
      policy: this.retry,
      answered: () => this.answered,
    });
    let sentAuth: Record<string, string> = {};
    // The text of the latest attempt's body (ky runs attempts one after another), read once by fetchWhole.
    let bodyText = '';
    let renewed = false;
    let response: Response;
    const stop = requestStopSignal(run);
    try {
      response = await ky(url, {
        method,
        headers: options.headers,
        // A form (OAuth token endpoints) goes as application/x-www-form-urlencoded, anything else as JSON.
        ...(body instanceof URLSearchParams ? { body } : { json: body }),
        redirect: 'manual',
        // ky's timeout would stop at the headers; fetchWhole's deadline bounds headers and body.
        timeout: false,
        fetch: (input, init) =>
          this.fetchWhole(input, init, run, (text) => {
            bodyText = text;
          }),
        // Ends ky's wait between attempts when the run stops.
        ...(stop.signal ? { signal: stop.signal } : {}),
        throwHttpErrors: isRetriedStatus,
        retry: {
          // Room for every retry RequestRetries may grant, plus the one after a renewed credential.
          limit: this.retry.retries + this.retry.rateLimitRetries + 1,
          // Token requests (POST) are retried like reads: a token endpoint hiccup must not fail the run.
          methods: ['get', 'post'],
          shouldRetry: retries.shouldRetry,
          delay: () => retries.delayMs,
        },
        hooks: {
          beforeRequest: [
            async (request, _options, { retryCount }) => {
              assertRunGoing(run);
              // The engine counts requests and may refuse one that cannot make progress (never retried).
              reportRequest({ method, url, attempt: retryCount });
              await options.budget?.acquire();
              assertRunGoing(run);
              this.requests += 1;
              // Per attempt, so a renewed credential applies to the retry.
              sentAuth = await options.authorize();
              for (const [name, value] of Object.entries(sentAuth)) request.headers.set(name, value);
            },
          ],
          afterResponse: [
            async (_request, _options, answer) => {
              if (answer.status !== 401 || renewed || !options.onUnauthorized) return;
              if (!(await options.onUnauthorized(bodyText, sentAuth))) return;
              renewed = true;
              return ky.retry({ delay: 0 });
            },
          ],
        },
      });
    } catch (error) {
      throw retries.finalError(error);
    } finally {
      stop.dispose();
    }
    return this.settle(response, bodyText, url, where);
  }

  /** The answer ky did not retry: 2xx is the result, anything else one safe line (never the body). */
  private settle(response: Response, text: string, url: URL, where: string): HttpResult {
    const { service } = this.options;
    const { status } = response;
    if (status >= 200 && status < 300) return { status, headers: response.headers, text };
    if (status >= 300 && status < 400) {
      throw new HttpError(
        `${service}: redirect ${status} refused; credentials are never sent to a redirect target (${where})`,
        status,
        where,
      );
    }
    const hint = this.options.explain?.(status, text, url);
    if (this.options.credentialRejected?.(status)) {
      throw new AuthError(`${service}: ${status}${hint ? ` ${hint}` : ''} (${where})`);
    }
    const Failure = status === 403 ? ForbiddenError : HttpError;
    throw new Failure(`${service}: ${status}${hint ? ` ${hint}` : ''} (${where})`, status, where, {
      codes: this.options.errorCodes?.(text),
    });
  }

  /**
   * ky's `fetch`: one attempt under a hard deadline over headers AND body (ky's own timeout ends at the
   * headers). The body is read here, once, and handed to `read`; ky gets a bodyless Response with the same
   * status and headers (a Response built from the text would cost an encode, a tee for each afterResponse
   * hook's clone and a second decode of every page). A failure becomes AttemptFailed, which RequestRetries
   * retries; the run's stop passes unchanged and ends the request.
   */
  private async fetchWhole(
    input: Request | URL | string,
    init: RequestInit | undefined,
    run: AbortSignal | undefined,
    read: (text: string) => void,
  ) {
    const deadline = new AttemptDeadline(this.options.timeoutMs ?? 30_000, run);
    try {
      // The attempt's own signal, so the connection is torn down when its deadline fires.
      const request = new Request(input, { signal: deadline.signal });
      const response = await deadline.race((this.options.fetch ?? fetch)(request, init));
      // Headers came back: the host exists and listens, whatever happens to the body.
      this.answered = true;
      const text = await readBodyText(response, deadline);
      const { status, statusText, headers } = response;
      if (status >= 200 && status < 300 && isHtmlPage(headers, text)) {
        // A maintenance page served with 2xx is an outage, not data: a failed attempt, retried like a 5xx.
        throw new AttemptFailed(
          `an HTML page (status ${status}; maintenance?) instead of JSON`,
          undefined,
          null,
          status,
        );
      }
      read(text);
      return new Response(null, { status, statusText, headers });
    } catch (error) {
      if (deadline.ended?.kind === 'run-stopped') throw deadline.ended.reason;
      if (error instanceof AttemptFailed) throw error;
      const code = deadline.ended ? undefined : transportErrorCode(error);
      const reason = code
        ? `connection failed (${code})`
        : deadline.ended
          ? 'request timed out'
          : 'connection failed';
      throw new AttemptFailed(reason, code, error);
    } finally {
      deadline.dispose();
    }
  }
}

/** An HTML document where JSON was asked for (by its content type, or its first bytes). */
function isHtmlPage(headers: Headers, text: string): boolean {
  if (/^text\/html\b/i.test(headers.get('content-type') ?? '')) return true;
  return /^\s*<(!doctype html|html)\b/i.test(text.slice(0, 64));
}
