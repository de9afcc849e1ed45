import type { RequestWatcher } from '../http/request-watch.js';

/** The HTTP requests a run sent (every attempt: retries and token requests too) and how fast, for its summary. */
export interface RequestRate {
  requests: number;
  ms: number;
  /** Requests per minute over the run, rounded; what the upstream saw of us on average. */
  perMinute: number;
}

/** Counts the requests made inside a watch (see shared/http/request-watch.ts) since it was created. */
export class RequestCounter {
  private requests = 0;
  private readonly startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  readonly watcher: RequestWatcher = () => {
    this.requests += 1;
  };

  rate(): RequestRate {
    const ms = Math.max(0, this.now() - this.startedAt);
    // A run shorter than a minute sent all its requests within one minute: that count is its rate (scaling
    // 20 requests in 2 s up to "600/min" would report a pace the upstream never saw).
    const perMinute = Math.round((this.requests * 60_000) / Math.max(ms, 60_000));
    return { requests: this.requests, ms, perMinute };
  }
}

/** One phrase for summaries: "120 requests in 42.0s (171/min)". */
export function describeRequestRate(rate: RequestRate): string {
  return `${rate.requests} requests in ${(rate.ms / 1000).toFixed(1)}s (${rate.perMinute}/min)`;
}
