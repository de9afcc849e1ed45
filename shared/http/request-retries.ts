import { HTTPError } from 'ky';
import { ConfigError, HttpError } from '../errors.js';
import { DEFAULT_MAX_RATE_LIMIT_WAIT_MS, planRateLimitWait } from './rate-limit-wait.js';
import type { RequestBudget } from './request-budget.js';
import { backoffDelayMs, type RetryPolicy } from './retry-policy.js';
import { AttemptFailed, HostUnreachableError, NEVER_ANSWERS } from './transport-error.js';

/** The statuses retried: ky throws for these (`throwHttpErrors`) so that its retry sees them; the rest return. */
export function isRetriedStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export interface RequestRetriesOptions {
  service: string;
  /** `METHOD redacted-url`, for messages. */
  where: string;
  policy: RetryPolicy;
  random?: () => number;
  retryAfterMs?: (response: Response) => number | undefined;
  maxRateLimitWaitMs?: number;
  maxRateLimitWaitHint?: string;
  budget?: RequestBudget;
  unreachableHint?: string;
  /** Some request of the client got an HTTP answer: the host exists and listens. */
  answered: () => boolean;
}

/**
 * The retry decisions of one request, made for ky's `retry.shouldRetry`; ky then waits `delayMs` (its
 * `retry.delay`, abortable by the run's signal) and sends the attempt again through its hooks.
 *
 * Why ky's own status/Retry-After handling is not used as is: (1) 429s and failures have separate allowances
 * (a 429 is expected under load and names its own wait; ky has one `limit`); (2) the wait a 429 asks for must
 * be known BEFORE waiting, to push back every request sharing the credential's budget and to fail at once when
 * it is longer than allowed (ky's `maxRetryAfter` shortens such a wait instead, and ky never tells the wait it
 * chose); (3) a refused connection or unknown host before any answer is a wrong host, failed at once; ky
 * would retry it like any network error. So this returns true/false for every error and ky's `statusCodes`,
 * `afterStatusCodes` and jitter are not consulted.
 */
export class RequestRetries {
  private failures = 0;
  private rateLimits = 0;
  /** The wait before the retry just granted; read by ky's `retry.delay`. */
  delayMs = 0;

  constructor(private readonly options: RequestRetriesOptions) {}

  readonly shouldRetry = ({ error }: { error: Error }): boolean => {
    if (error instanceof AttemptFailed) {
      if (!this.options.answered() && error.code && NEVER_ANSWERS.has(error.code)) {
        // Nothing on this host has answered yet: a wrong host or port, which no retry fixes.
        throw new ConfigError(
          `${this.options.service}: ${error.reason} on the first request: ${this.hint()} (${this.options.where})`,
          { cause: error.cause },
        );
      }
      return this.failure();
    }
    if (error instanceof HTTPError) {
      return error.response.status === 429 ? this.rateLimit(error.response) : this.failure();
    }
    // Credentials that could not be obtained, the progress guard, a stopped run: no retry fixes those.
    return false;
  };

  /** What the request fails with once ky gives up: one line, redacted URL, the attempts made. */
  finalError(error: unknown): unknown {
    const { service, where } = this.options;
    if (error instanceof AttemptFailed) {
      const attempts = `${error.reason} after ${this.failures + 1} attempts`;
      if (!this.options.answered()) {
        // Not one answer from this host in this run: every other request would wait the same way.
        return new HostUnreachableError(
          `${service}: ${attempts}; the host never answered: ${this.hint()} (${where})`,
          undefined,
          where,
          { cause: error.cause },
        );
      }
      return new HttpError(`${service}: ${attempts} (${where})`, error.status, where, {
        cause: error.cause,
      });
    }
    if (error instanceof HTTPError) {
      const { status } = error.response;
      const message =
        status === 429
          ? `${service}: still rate limited (429) after ${this.rateLimits + 1} attempts (${where})`
          : `${service}: server error ${status} after ${this.failures + 1} attempts (${where})`;
      return new HttpError(message, status, where);
    }
    return error;
  }

  private failure(): boolean {
    const { policy, random } = this.options;
    if (this.failures >= policy.retries) return false;
    this.delayMs = backoffDelayMs(this.failures, policy, random);
    this.failures += 1;
    return true;
  }

  private rateLimit(response: Response): boolean {
    const { policy, random } = this.options;
    if (this.rateLimits >= policy.rateLimitRetries) return false;
    this.delayMs = planRateLimitWait({
      service: this.options.service,
      where: this.options.where,
      waitMs: this.options.retryAfterMs?.(response) ?? backoffDelayMs(this.rateLimits, policy, random),
      maxWaitMs: this.options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS,
      maxWaitHint: this.options.maxRateLimitWaitHint,
      budget: this.options.budget,
    });
    this.rateLimits += 1;
    return true;
  }

  private hint(): string {
    return this.options.unreachableHint ?? 'check the base URL and the network';
  }
}
