import ky from 'ky';
import { AuthError, ConfigError, HttpError } from '../errors.js';
import { redactUrl } from '../redact.js';
import { DEFAULT_MAX_RATE_LIMIT_WAIT_MS, waitOutRateLimit } from './rate-limit-wait.js';
import type { RequestBudget } from './request-budget.js';
import { sleep } from './request-budget.js';
import { AttemptDeadline, readBodyText } from './request-deadline.js';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { assertRunGoing, currentRunSignal } from './run-scope.js';
import { HostUnreachableError, NEVER_ANSWERS, transportErrorCode } from './transport-error.js';

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
    const { service } = this.options;
    let failures = 0;
    let rateLimits = 0;
    let renewed = false;
    const run = this.options.signal ?? currentRunSignal();
    for (;;) {
      assertRunGoing(run);
      await this.options.budget?.acquire();
      assertRunGoing(run);
      this.requests += 1;
      let response: Response;
      let text: string;
      // Outside the try: a failure to obtain credentials is not a transport error and must not be retried.
      const sentAuth = await this.options.authorize();
      const deadline = new AttemptDeadline(this.options.timeoutMs ?? 30_000, run);
      try {
        response = await deadline.race(
          ky(url, {
            method,
            headers: { ...this.options.headers, ...sentAuth },
            // A form (OAuth token endpoints) goes as application/x-www-form-urlencoded, anything else as JSON.
            ...(body instanceof URLSearchParams ? { body } : { json: body }),
            // The attempt deadline bounds headers and body; ky's own timeout would stop at the headers.
            timeout: false,
            signal: deadline.signal,
            retry: 0,
            throwHttpErrors: false,
            redirect: 'manual',
            fetch: this.options.fetch,
          }),
        );
        // Headers came back: the host exists and listens, whatever happens to the body.
        this.answered = true;
        text = await readBodyText(response, deadline);
      } catch (error) {
        if (deadline.ended?.kind === 'run-stopped') throw deadline.ended.reason;
        const code = deadline.ended ? undefined : transportErrorCode(error);
        const reason = code
          ? `connection failed (${code})`
          : deadline.ended
            ? 'request timed out'
            : 'connection failed';
        if (!this.answered && code && NEVER_ANSWERS.has(code)) {
          // Nothing on this host has answered yet: a wrong host or port, which no retry fixes.
          const hint = this.options.unreachableHint ?? 'check the base URL and the network';
          throw new ConfigError(`${service}: ${reason} on the first request: ${hint} (${where})`, {
            cause: error,
          });
        }
        if (failures >= this.retry.retries) {
          const attempts = `${reason} after ${failures + 1} attempts`;
          if (!this.answered) {
            // Not one answer from this host in this run: every other request would wait the same way.
            const hint = this.options.unreachableHint ?? 'check the base URL and the network';
            throw new HostUnreachableError(
              `${service}: ${attempts}; the host never answered: ${hint} (${where})`,
              undefined,
              where,
              { cause: error },
            );
          }
          throw new HttpError(`${service}: ${attempts} (${where})`, undefined, where, { cause: error });
        }
        await sleep(backoffDelayMs(failures, this.retry, this.options.random));
        failures += 1;
        continue;
      } finally {
        deadline.dispose();
      }
      const { status } = response;
      // A maintenance page served with 200 is an outage, not data: retried like a 5xx (issue 19).
      const html = status >= 200 && status < 300 && isHtmlPage(response.headers, text);
      if (status >= 200 && status < 300 && !html) return { status, headers: response.headers, text };
      if (status >= 300 && status < 400) {
        throw new HttpError(
          `${service}: redirect ${status} refused; credentials are never sent to a redirect target (${where})`,
          status,
          where,
        );
      }
      if (status === 429) {
        if (rateLimits >= this.retry.rateLimitRetries) {
          throw new HttpError(
            `${service}: still rate limited (429) after ${rateLimits + 1} attempts (${where})`,
            status,
            where,
          );
        }
        await waitOutRateLimit({
          service,
          where,
          waitMs:
            this.options.retryAfterMs?.(response) ??
            backoffDelayMs(rateLimits, this.retry, this.options.random),
          maxWaitMs: this.options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS,
          maxWaitHint: this.options.maxRateLimitWaitHint,
          budget: this.options.budget,
        });
        rateLimits += 1;
        continue;
      }
      if (
        status === 401 &&
        !renewed &&
        this.options.onUnauthorized &&
        (await this.options.onUnauthorized(text, sentAuth))
      ) {
        renewed = true;
        continue;
      }
      if (status >= 500 || status === 408 || html) {
        if (failures >= this.retry.retries) {
          const what = html
            ? `an HTML page (status ${status}; maintenance?) instead of JSON`
            : `server error ${status}`;
          throw new HttpError(`${service}: ${what} after ${failures + 1} attempts (${where})`, status, where);
        }
        await sleep(backoffDelayMs(failures, this.retry, this.options.random));
        failures += 1;
        continue;
      }
      const hint = this.options.explain?.(status, text, url);
      if (this.options.credentialRejected?.(status)) {
        throw new AuthError(`${service}: ${status}${hint ? ` ${hint}` : ''} (${where})`);
      }
      throw new HttpError(`${service}: ${status}${hint ? ` ${hint}` : ''} (${where})`, status, where, {
        codes: this.options.errorCodes?.(text),
      });
    }
  }
}

/** An HTML document where JSON was asked for (by its content type, or its first bytes). */
function isHtmlPage(headers: Headers, text: string): boolean {
  if (/^text\/html\b/i.test(headers.get('content-type') ?? '')) return true;
  return /^\s*<(!doctype html|html)\b/i.test(text.slice(0, 64));
}
