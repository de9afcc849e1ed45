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

  it('spaces request starts evenly at (60 s + a 600 ms jitter margin) / perMinute', async () => {
    // Prepare
    const budget = new RequestBudget(600); // one start every 101 ms

    // Act
    const granted = acquireMany(budget, 3);
    await vi.advanceTimersByTimeAsync(0);
    const atZero = [...granted];
    await vi.advanceTimersByTimeAsync(100);
    const at100 = [...granted];
    await vi.advanceTimersByTimeAsync(1);
    const at101 = [...granted];
    await vi.advanceTimersByTimeAsync(100);
    const at201 = [...granted];
    await vi.advanceTimersByTimeAsync(1);
    const at202 = [...granted];

    // Assess
    expect(atZero).toEqual([0]);
    expect(at100).toEqual([0]);
    expect(at101).toEqual([0, 1]);
    expect(at201).toEqual([0, 1]);
    expect(at202).toEqual([0, 1, 2]);
    expect(budget.granted).toBe(3);
  });

  it('never grants more than perMinute starts in any 60 s window, with 600 ms to spare', async () => {
    // Prepare
    const budget = new RequestBudget(600);
    const times: number[] = [];

    // Act
    for (let index = 0; index < 1_300; index += 1) void budget.acquire().then(() => times.push(Date.now()));
    await vi.advanceTimersByTimeAsync(140_000);

    // Assess
    expect(times).toHaveLength(1_300);
    const spans = times.slice(600).map((time, index) => time - (times[index] as number));
    expect(Math.min(...spans)).toBeGreaterThanOrEqual(60_599);
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
      requestsPerMinute: 60, // one start per 1.01 s
      timeoutMs: 60_000,
    };
    const first = new ClinikoClient(config, { fetch });
    const second = new ClinikoClient(config, { fetch });

    // Act
    const a = first.getObject('/a');
    const b = second.getObject('/b');
    await vi.advanceTimersByTimeAsync(1_009);
    const beforeTheSlot = [...started];
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([a, b]);

    // Assess
    expect(beforeTheSlot).toEqual(['/v1/a']);
    expect(started).toEqual(['/v1/a', '/v1/b']);
  });
});
