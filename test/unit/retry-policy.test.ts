import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../shared/http/retry-policy.js';

const policy: RetryPolicy = { retries: 6, baseDelayMs: 100, maxDelayMs: 5_000, rateLimitRetries: 3 };

describe('backoffDelayMs', () => {
  it('stays between half and all of the doubling ceiling', () => {
    // Prepare
    const attempts = [0, 1, 2, 3, 4, 5];

    // Act
    const lowest = attempts.map((attempt) => backoffDelayMs(attempt, policy, () => 0));
    const highest = attempts.map((attempt) => backoffDelayMs(attempt, policy, () => 0.999_999));

    // Assess
    expect(lowest).toEqual([50, 100, 200, 400, 800, 1600]);
    expect(highest).toEqual([100, 200, 400, 800, 1600, 3200]);
  });

  it('never exceeds maxDelayMs however many attempts failed', () => {
    // Prepare
    const attempts = [6, 10, 30, 100];

    // Act
    const delays = attempts.map((attempt) => backoffDelayMs(attempt, policy, () => 0.999_999));
    const floors = attempts.map((attempt) => backoffDelayMs(attempt, policy, () => 0));

    // Assess
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(policy.maxDelayMs);
    for (const floor of floors) expect(floor).toBe(policy.maxDelayMs / 2);
  });

  it('uses Math.random by default and stays in bounds', () => {
    // Prepare
    const ceiling = Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** 3);

    // Act
    const delays = Array.from({ length: 50 }, () => backoffDelayMs(3, DEFAULT_RETRY_POLICY));

    // Assess
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});
