export interface TokenRequestLimit {
  max: number;
  windowSeconds: number;
  blockSeconds: number;
}

/**
 * Welkin's documented token limit: more than `max` token requests within `windowSeconds` blocks the API
 * client for `blockSeconds`. The window starts afresh after a block, so a client that backs off recovers.
 */
export class TokenLimiter {
  private recent: number[] = [];
  private blockedUntil = 0;

  constructor(private readonly limit: TokenRequestLimit) {}

  isBlocked(now = Date.now()): boolean {
    return now < this.blockedUntil;
  }

  /** Records one token request; false when it is refused (already blocked, or this one crosses the limit). */
  admit(now = Date.now()): boolean {
    if (this.isBlocked(now)) return false;
    const windowStart = now - this.limit.windowSeconds * 1000;
    this.recent = this.recent.filter((t) => t > windowStart);
    this.recent.push(now);
    if (this.recent.length <= this.limit.max) return true;
    this.blockedUntil = now + this.limit.blockSeconds * 1000;
    this.recent = [];
    return false;
  }
}
