import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import { type ProgressEvent, runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { type HostileServer, sendJson, startHostileServer } from '../support/hostile-server.js';

let out: string;
let hostile: HostileServer | undefined;

/** A Cliniko stand-in that answers every request with 429 and a reset `resetInMs` from now. */
async function rateLimitedCliniko(resetInMs: number): Promise<HostileServer> {
  return startHostileServer((_request, response) => {
    const reset = Math.ceil((Date.now() + resetInMs) / 1000);
    sendJson(response, 429, { message: 'Too many requests' }, { 'x-ratelimit-reset': String(reset) });
  });
}

/**
 * Exports three resources concurrently, keeping every progress event. Each test has its own key: the rate
 * budget (and a pause a 429 put on it) is shared by everything using a key in the process.
 */
async function exportThree(server: HostileServer, apiKey: string, runDeadlineMs?: number) {
  const { catalog } = clinikoCatalog({
    apiKey,
    userAgent: 'Clinic Pipe Tests (tests@example.com)',
    baseUrl: new URL(`${server.url}/v1`),
    requestsPerMinute: 100_000,
    timeoutMs: 2_000,
    maxRateLimitWaitMs: 15 * 60_000,
  });
  const events: ProgressEvent[] = [];
  const outcome = await runExport({
    catalog,
    sink: new LocalSink(out),
    settings: { compress: true, maxPartBytes: 1 << 20, overlapMs: 0 },
    mode: 'full',
    resources: ['patients', 'invoices', 'taxes'],
    concurrency: 3,
    runDeadlineMs,
    onProgress: (event) => events.push(event),
  });
  const notices = events.flatMap((event) => (event.kind === 'notice' ? [event.message] : []));
  return { outcome, notices };
}

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'long-waits-'));
});

afterEach(async () => {
  await hostile?.stop();
  hostile = undefined;
  await rm(out, { recursive: true, force: true });
});

describe('long waits are told', () => {
  it('a 429 resetting more than a minute away prints one line saying how long and why', async () => {
    // Prepare: three resources hit the same limit; the watchdog ends the test's run after the notice.
    hostile = await rateLimitedCliniko(4 * 60_000);

    // Act
    const { outcome, notices } = await exportThree(hostile, 'told-wait-key-au1', 1_500);

    // Assess
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^Cliniko rate limit reached \(429\): waiting 4 min, until \d\d:\d\d:\d\d UTC, as the API asked$/,
    );
    expect(outcome.stopped?.message).toBe('cliniko: run deadline of 2 s reached: every resource was stopped');
  });

  it('a 429 resetting further away than allowed fails the run at once with one line', async () => {
    // Prepare
    hostile = await rateLimitedCliniko(20 * 60_000);

    // Act
    const { outcome, notices } = await exportThree(hostile, 'too-long-wait-key-au1');

    // Assess
    expect(notices).toEqual([]);
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]?.message).toMatch(
      /^cliniko\/\w+: Cliniko: rate limited \(429\) for 20 min, longer than the 15 min allowed: try again later; CLINIKO_MAX_RATE_LIMIT_WAIT_MINUTES allows longer waits \(GET .*\)$/,
    );
    expect(outcome.stopped?.errorName).toBe('RateLimitError');
    expect(outcome.stopped?.notStarted).toHaveLength(2);
  });
});
