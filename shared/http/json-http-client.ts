import ky from 'ky';
import { HttpError } from '../errors.js';
import { redactUrl } from '../redact.js';
import type { RequestBudget } from './request-budget.js';
import { sleep } from './request-budget.js';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

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
  timeoutMs?: number;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  /** When a 429 says to come back; undefined means use backoff. */
  retryAfterMs?: (response: Response) => number | undefined;
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
    for (;;) {
      await this.options.budget?.acquire();
      this.requests += 1;
      let response: Response;
      let text: string;
      // Outside the try: a failure to obtain credentials is not a transport error and must not be retried.
      const sentAuth = await this.options.authorize();
      const timeoutMs = this.options.timeoutMs ?? 30_000;
      try {
        response = await ky(url, {
          method,
          headers: { ...this.options.headers, ...sentAuth },
          json: body,
          timeout: timeoutMs,
          // ky's timeout stops at the headers; this signal also bounds reading the body, which can stall.
          signal: AbortSignal.timeout(timeoutMs),
          retry: 0,
          throwHttpErrors: false,
          redirect: 'manual',
          fetch: this.options.fetch,
        });
        text = await response.text();
      } catch (error) {
        const reason = describeTransportError(error);
        if (failures >= this.retry.retries) {
          throw new HttpError(
            `${service}: ${reason} after ${failures + 1} attempts (${where})`,
            undefined,
            where,
            {
              cause: error,
            },
          );
        }
        await sleep(backoffDelayMs(failures, this.retry, this.options.random));
        failures += 1;
        continue;
      }
      const { status } = response;
      if (status >= 200 && status < 300) return { status, headers: response.headers, text };
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
        const waitMs =
          this.options.retryAfterMs?.(response) ??
          backoffDelayMs(rateLimits, this.retry, this.options.random);
        this.options.budget?.pauseUntil(Date.now() + waitMs);
        if (!this.options.budget) await sleep(waitMs);
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
      if (status >= 500 || status === 408) {
        if (failures >= this.retry.retries) {
          throw new HttpError(
            `${service}: server error ${status} after ${failures + 1} attempts (${where})`,
            status,
            where,
          );
        }
        await sleep(backoffDelayMs(failures, this.retry, this.options.random));
        failures += 1;
        continue;
      }
      const hint = this.options.explain?.(status, text, url);
      throw new HttpError(`${service}: ${status}${hint ? ` ${hint}` : ''} (${where})`, status, where, {
        codes: this.options.errorCodes?.(text),
      });
    }
  }
}

function describeTransportError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'request timed out';
    const code = (error.cause as { code?: string } | undefined)?.code;
    return code ? `connection failed (${code})` : 'connection failed';
  }
  return 'connection failed';
}
