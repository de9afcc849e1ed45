/**
 * Sliding 60-second window per API key, as Cliniko documents (200 requests/min per user by default). Tests may
 * shorten the window so a 429's reset comes within seconds.
 */
export class SlidingWindowLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(
    public limitPerMinute: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Records the request and returns undefined, or returns the unix second at which a slot frees. */
  take(key: string, nowMs: number): number | undefined {
    if (!Number.isFinite(this.limitPerMinute) || this.limitPerMinute <= 0) return undefined;
    let window = this.windows.get(key);
    if (!window) {
      window = [];
      this.windows.set(key, window);
    }
    let expired = 0;
    while (expired < window.length && (window[expired] as number) <= nowMs - this.windowMs) expired++;
    if (expired > 0) window.splice(0, expired);
    if (window.length >= this.limitPerMinute) {
      const oldest = window[window.length - this.limitPerMinute] as number;
      return Math.ceil((oldest + this.windowMs) / 1000);
    }
    window.push(nowMs);
    return undefined;
  }
}
