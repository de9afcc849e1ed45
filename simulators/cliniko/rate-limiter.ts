/** Sliding 60-second window per API key, as Cliniko documents (200 requests/min per user by default). */
export class SlidingWindowLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(public limitPerMinute: number) {}

  /** Records the request and returns undefined, or returns the unix second at which a slot frees. */
  take(key: string, nowMs: number): number | undefined {
    if (!Number.isFinite(this.limitPerMinute) || this.limitPerMinute <= 0) return undefined;
    let window = this.windows.get(key);
    if (!window) {
      window = [];
      this.windows.set(key, window);
    }
    let expired = 0;
    while (expired < window.length && (window[expired] as number) <= nowMs - 60_000) expired++;
    if (expired > 0) window.splice(0, expired);
    if (window.length >= this.limitPerMinute) {
      const oldest = window[window.length - this.limitPerMinute] as number;
      return Math.ceil((oldest + 60_000) / 1000);
    }
    window.push(nowMs);
    return undefined;
  }
}
