import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClinikoClient } from '../../shared/cliniko/client.js';
import { RequestBudget, sharedBudget } from '../../shared/http/request-budget.js';

/** Starts `count` acquires at once and records which have been granted, in grant order. */
function acquireMany(budget: RequestBudget, count: number): number[] {
  const granted: number[] = [];
  for (let index = 0; index < count; index += 1) {
    void budget.acquire().then(() => granted.push(index));
  }
  return granted;
}

describe('RequestBudget', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('spaces request starts evenly at 60 s / perMinute', async () => {
    // Prepare
    const budget = new RequestBudget(600); // one start every 100 ms

    // Act
    const granted = acquireMany(budget, 3);
    await vi.advanceTimersByTimeAsync(0);
    const atZero = [...granted];
    await vi.advanceTimersByTimeAsync(99);
    const at99 = [...granted];
    await vi.advanceTimersByTimeAsync(1);
    const at100 = [...granted];
    await vi.advanceTimersByTimeAsync(100);
    const at200 = [...granted];

    // Assess
    expect(atZero).toEqual([0]);
    expect(at99).toEqual([0]);
    expect(at100).toEqual([0, 1]);
    expect(at200).toEqual([0, 1, 2]);
    expect(budget.granted).toBe(3);
  });

  it('holds every caller back until a 429 pause has passed', async () => {
    // Prepare
    const budget = new RequestBudget(6000);
    budget.pauseUntil(Date.now() + 5_000);

    // Act
    const granted = acquireMany(budget, 1);
    await vi.advanceTimersByTimeAsync(4_999);
    const before = [...granted];
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(before).toEqual([]);
    expect(granted).toEqual([0]);
    expect(budget.rateLimited).toBe(1);
  });

  it('does not wait at all without a limit', async () => {
    // Prepare
    const budget = new RequestBudget(Number.POSITIVE_INFINITY);

    // Act
    const granted = acquireMany(budget, 5);
    await vi.advanceTimersByTimeAsync(0);

    // Assess
    expect(granted).toEqual([0, 1, 2, 3, 4]);
  });

  it('hands out one budget per credential and rate', () => {
    // Prepare
    const key = `budget-test-${Math.random()}`;

    // Act
    const first = sharedBudget(key, 100);
    const again = sharedBudget(key, 100);
    const otherKey = sharedBudget(`${key}-other`, 100);

    // Assess
    expect(again).toBe(first);
    expect(otherKey).not.toBe(first);
  });

  it('makes two Cliniko clients with the same key share one pace', async () => {
    // Prepare
    const apiKey = `shared-budget-${Math.random()}-au1`;
    const started: string[] = [];
    const fetch = vi.fn(async (input: Request | URL | string) => {
      started.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const config = {
      apiKey,
      userAgent: 'Test (t@example.com)',
      baseUrl: new URL('https://api.au1.cliniko.com/v1'),
      requestsPerMinute: 60, // one start per second
      timeoutMs: 60_000,
    };
    const first = new ClinikoClient(config, { fetch });
    const second = new ClinikoClient(config, { fetch });

    // Act
    const a = first.getObject('/a');
    const b = second.getObject('/b');
    await vi.advanceTimersByTimeAsync(999);
    const beforeOneSecond = [...started];
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([a, b]);

    // Assess
    expect(beforeOneSecond).toEqual(['/v1/a']);
    expect(started).toEqual(['/v1/a', '/v1/b']);
  });
});
