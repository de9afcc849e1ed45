import { describe, expect, it } from 'vitest';
import { describeRequestRate, RequestCounter } from '../../shared/export/request-rate.js';
import { reportRequest, watchRequests } from '../../shared/http/request-watch.js';

const request = { method: 'GET', url: new URL('https://api.example.com/x'), attempt: 0 };

describe('RequestCounter', () => {
  it('counts the requests reported inside its watch, and none outside', async () => {
    // Prepare
    let now = 0;
    const counter = new RequestCounter(() => now);

    // Act
    await watchRequests(counter.watcher, async () => {
      for (let index = 0; index < 5; index += 1) reportRequest({ ...request, attempt: index });
      now = 120_000;
    });
    reportRequest(request);

    // Assess: 5 requests in 2 minutes
    expect(counter.rate()).toEqual({ requests: 5, ms: 120_000, perMinute: 3 });
    expect(describeRequestRate(counter.rate())).toBe('5 requests in 120.0s (3/min)');
  });

  it('reports a run shorter than a minute at its count, not scaled up to a pace never reached', async () => {
    // Prepare
    let now = 0;
    const counter = new RequestCounter(() => now);

    // Act
    await watchRequests(counter.watcher, async () => {
      for (let index = 0; index < 20; index += 1) reportRequest(request);
      now = 2_000;
    });

    // Assess
    expect(counter.rate().perMinute).toBe(20);
  });
});
