import { describeDuration } from '../describe-duration.js';
import { HttpError } from '../errors.js';
import type { RequestBudget } from './request-budget.js';
import { notifyRun } from './run-scope.js';

/** Waits longer than this are told on a progress line: silence that long looks like a hang. */
export const TOLD_WAIT_MS = 60_000;
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 15 * 60_000;

/** The API asked for a wait longer than allowed; the limit is per API user, so every resource would wait. */
export class RateLimitError extends HttpError {}

export interface RateLimitWait {
  service: string;
  where: string;
  waitMs: number;
  maxWaitMs: number;
  /** What raises the allowed wait, e.g. the variable that sets it. */
  maxWaitHint?: string;
  budget?: RequestBudget;
}

/**
 * What a 429 asking for `waitMs` does: fail when it is longer than allowed; otherwise push back everyone
 * sharing the budget and, when the wait is long, tell it once on a progress line. Returns how long the caller
 * itself must wait before its retry: nothing with a budget (its next slot waits for the pause, and for any
 * later pause another request extends it), else `waitMs`.
 */
export function planRateLimitWait(wait: RateLimitWait): number {
  const { service, where, waitMs, maxWaitMs, budget } = wait;
  if (waitMs > maxWaitMs) {
    const hint = wait.maxWaitHint ? `; ${wait.maxWaitHint}` : '';
    // `retry after <ISO>` is read by the state machine, which waits until then in a Wait state.
    const retryAt = new Date(Date.now() + waitMs).toISOString();
    throw new RateLimitError(
      `${service}: rate limited (429) for ${describeDuration(waitMs)}, longer than the ${describeDuration(maxWaitMs)} allowed: try again later${hint} (${where}; retry after ${retryAt})`,
      429,
      where,
    );
  }
  const until = Date.now() + waitMs;
  // Concurrent requests hit the same limit: only the one that moves the shared pause says so.
  const extended = budget ? budget.pauseUntil(until) : true;
  if (waitMs > TOLD_WAIT_MS && extended) {
    const at = new Date(until).toISOString().slice(11, 19);
    notifyRun(
      `${service} rate limit reached (429): waiting ${describeDuration(waitMs)}, until ${at} UTC, as the API asked`,
    );
  }
  return budget ? 0 : waitMs;
}
