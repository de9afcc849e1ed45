export interface RetryPolicy {
  /** Retries after the first attempt for 5xx, timeouts and dropped connections. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Separate allowance for 429s, which are expected under load and carry their own wait. */
  rateLimitRetries: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 6,
  baseDelayMs: 250,
  maxDelayMs: 20_000,
  rateLimitRetries: 20,
};

/** "Full jitter" backoff: spreads retries of many workers so they do not return in lockstep. */
export function backoffDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() / 2));
}
