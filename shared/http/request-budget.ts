import { createHash } from 'node:crypto';
import { sleepWithinRun } from './run-scope.js';

/**
 * Even spacing puts exactly `perMinute` starts in some 60 s windows; the moment a request reaches the server
 * varies by tens of milliseconds on a busy machine (timers, the event loop), which would then make one window
 * hold one too many: a 429 from a sliding-window limiter, and a pause that costs far more than it saved.
 * Spreading `perMinute` starts over 1% more than 60 s (600 ms) absorbs that jitter for 1% of the rate.
 */
const JITTER_MARGIN_MS = 600;

/**
 * Paces request starts evenly so that no 60 s window holds more than `perMinute` of them, and lets a 429 push
 * every caller back at once. One budget is shared by every request made with the same credential in the
 * process, because the upstream limit is per user, not per connection.
 */
export class RequestBudget {
  private nextSlot = 0;
  private readonly intervalMs: number;
  private pausedUntil = 0;
  granted = 0;
  rateLimited = 0;

  constructor(readonly perMinute: number) {
    this.intervalMs =
      Number.isFinite(perMinute) && perMinute > 0 ? (60_000 + JITTER_MARGIN_MS) / perMinute : 0;
  }

  /** Resolves when the caller may start its request. */
  async acquire(now: () => number = Date.now): Promise<void> {
    const current = now();
    const slot = Math.max(current, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    this.granted += 1;
    if (slot > current) await sleep(slot - current);
  }

  /**
   * The upstream said "not before": nobody sharing this budget starts earlier. True when this moved the pause
   * later by more than a second (the first of several requests told the same thing).
   */
  pauseUntil(epochMs: number): boolean {
    this.rateLimited += 1;
    this.nextSlot = Math.max(this.nextSlot, epochMs);
    const extended = epochMs > this.pausedUntil + 1_000;
    this.pausedUntil = Math.max(this.pausedUntil, epochMs);
    return extended;
  }
}

const budgets = new Map<string, RequestBudget>();

/** The process-wide budget for one credential (held by its hash, never by the credential itself). */
export function sharedBudget(credential: string, perMinute: number): RequestBudget {
  const key = `${createHash('sha256').update(credential).digest('hex')}:${perMinute}`;
  let budget = budgets.get(key);
  if (!budget) {
    budget = new RequestBudget(perMinute);
    budgets.set(key, budget);
  }
  return budget;
}

/** Waits `ms`; inside a run, a stopped run ends the wait at once (with the stop reason). */
export function sleep(ms: number): Promise<void> {
  return sleepWithinRun(ms);
}
