/**
 * Judges a client's pacing against a sliding-window rate limit from the times it sent its requests. A short
 * run flatters a client that sends too fast (a 60 s limiter lets a whole window's worth through at once), so
 * the figures only count over whole windows and at least two of them:
 * - `ratio`: requests sent in the whole windows measured ÷ what the limit allows in them (target 0.95..1.0);
 * - `peakRatio`: the most requests sent in any one window ÷ the limit (never above 1.0);
 * - `rateLimitedShare`: 429s ÷ requests (at most 1%).
 */
export interface RateJudgement {
  windows: number;
  requests: number;
  ratio: number;
  peakRatio: number;
  rateLimited: number;
  rateLimitedShare: number;
  met: boolean;
  /** Why `met` is false; empty when it is true. */
  failed: string[];
}

export interface RateRun {
  /** Epoch ms at which each request was sent, in any order. */
  sentAt: number[];
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  /** Requests the server answered with 429. */
  rateLimited: number;
}

export const RATE_TARGETS = { minWindows: 2, minRatio: 0.95, maxRatio: 1.0, maxRateLimitedShare: 0.01 };

export function judgeRate(run: RateRun): RateJudgement {
  const times = [...run.sentAt].sort((a, b) => a - b);
  const first = times[0] ?? 0;
  const last = times.at(-1) ?? 0;
  const windows = Math.floor((last - first) / run.windowMs);
  const measuredEnd = first + windows * run.windowMs;
  const inWindows = times.filter((time) => time < measuredEnd).length;
  const ratio = windows > 0 ? inWindows / (windows * run.limit) : 0;
  const peakRatio = peakInAnyWindow(times, run.windowMs) / run.limit;
  const rateLimitedShare = run.rateLimited / Math.max(1, times.length);
  const failed = [
    windows < RATE_TARGETS.minWindows ? `only ${windows} whole window(s) measured` : '',
    ratio < RATE_TARGETS.minRatio ? `ratio ${round(ratio)} below ${RATE_TARGETS.minRatio}` : '',
    ratio > RATE_TARGETS.maxRatio ? `ratio ${round(ratio)} above ${RATE_TARGETS.maxRatio}` : '',
    peakRatio > RATE_TARGETS.maxRatio ? `a window held ${round(peakRatio)} of the limit` : '',
    rateLimitedShare > RATE_TARGETS.maxRateLimitedShare
      ? `429s are ${round(rateLimitedShare)} of requests`
      : '',
  ].filter(Boolean);
  return {
    windows,
    requests: times.length,
    ratio: round(ratio),
    peakRatio: round(peakRatio),
    rateLimited: run.rateLimited,
    rateLimitedShare: round(rateLimitedShare),
    met: failed.length === 0,
    failed,
  };
}

/** The most sorted times inside any half-open window [t, t + windowMs). */
function peakInAnyWindow(sorted: number[], windowMs: number): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
