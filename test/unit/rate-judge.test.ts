import { describe, expect, it } from 'vitest';
import { judgeRate } from '../../scripts/bench/rate-judge.js';

const MINUTE = 60_000;

/** Send times of a client starting one request every 60 s / perMinute for `minutes`. */
function pacedAt(perMinute: number, minutes: number): number[] {
  const count = Math.round(perMinute * minutes);
  return Array.from({ length: count }, (_, index) => 1_000_000 + (index * MINUTE) / perMinute);
}

describe('rate judging', () => {
  it('fails a client pacing at 900/min against a 600/min limit (the old bench reported 1.49 and passed)', () => {
    // Act
    const judgement = judgeRate({ sentAt: pacedAt(900, 2.5), limit: 600, windowMs: MINUTE, rateLimited: 0 });

    // Assess
    expect(judgement.met).toBe(false);
    expect(judgement.ratio).toBeCloseTo(1.5, 2);
    expect(judgement.peakRatio).toBeCloseTo(1.5, 2);
    expect(judgement.failed).toContain('ratio 1.5 above 1');
  });

  it('fails a client that bursts past the limit once, even if it paces correctly afterwards', () => {
    // Prepare: 700 requests within the first 0.7 s, then one every 100.2 ms.
    const burst = Array.from({ length: 700 }, (_, index) => 1_000_000 + index);
    const sentAt = [...burst, ...pacedAt(599, 2.2).map((time) => time + 1_000)];

    // Act
    const judgement = judgeRate({ sentAt, limit: 600, windowMs: MINUTE, rateLimited: 0 });

    // Assess
    expect(judgement.windows).toBe(2);
    expect(judgement.peakRatio).toBeGreaterThan(1);
    expect(judgement.met).toBe(false);
  });

  it('passes a client paced just under the limit over two windows', () => {
    // Act
    const judgement = judgeRate({ sentAt: pacedAt(599, 2.2), limit: 600, windowMs: MINUTE, rateLimited: 1 });

    // Assess
    expect(judgement).toMatchObject({ windows: 2, met: true, failed: [] });
    expect(judgement.ratio).toBeGreaterThanOrEqual(0.95);
    expect(judgement.peakRatio).toBeLessThanOrEqual(1);
  });

  it('fails a slow client, a run shorter than two windows, and too many 429s', () => {
    // Act
    const slow = judgeRate({ sentAt: pacedAt(500, 2.5), limit: 600, windowMs: MINUTE, rateLimited: 0 });
    const short = judgeRate({ sentAt: pacedAt(599, 1.5), limit: 600, windowMs: MINUTE, rateLimited: 0 });
    const limited = judgeRate({ sentAt: pacedAt(599, 2.5), limit: 600, windowMs: MINUTE, rateLimited: 100 });

    // Assess
    expect(slow.failed).toEqual(['ratio 0.833 below 0.95']);
    expect(short.failed).toEqual(['only 1 whole window(s) measured']);
    expect(limited.failed).toEqual(['429s are 0.067 of requests']);
  });
});
