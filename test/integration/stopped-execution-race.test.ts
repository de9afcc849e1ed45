import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalS3, startLocalS3 } from '../../scripts/local/local-s3.js';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import type { ResourceCatalog } from '../../shared/export/resource-catalog.js';
import type { RunCheckpoint } from '../../shared/export/run-export.js';
import { handleCleanupEvent } from '../../shared/lambda/cleanup-handler.js';
import { leaseGuard, MemoryLeaseStore } from '../../shared/lambda/lease.js';
import { runExportInvocation } from '../../shared/lambda/run-invocation.js';
import { currentManifestKey } from '../../shared/layout/index.js';
import { S3Sink } from '../../shared/output/s3-sink.js';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';

const BUCKET = 'race-bucket';
const ROWS = 700;
const WAIT_MS = 960_000;
const KEY = 'cliniko#main';
const ARN = 'arn:aws:states:ap-southeast-2:123456789012:execution:ClinikoExport';
const logger = new Logger({ serviceName: 'race-test', logLevel: 'SILENT' });

let s3: LocalS3;
let sim: ClinikoSimulator;
let prefix: string;
let leases: MemoryLeaseStore;
let queued: Array<{ body: string; delaySeconds: number }>;

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
  sim = await startClinikoSimulator({ requestsPerMinute: 0, seed: 7, rowsPerResource: ROWS });
});
afterAll(async () => {
  await sim.stop();
  await s3.stop();
});
beforeEach(() => {
  prefix = `snapshots-${Math.random().toString(16).slice(2)}`;
  leases = new MemoryLeaseStore();
  queued = [];
});

const sinkFor = (sub: string) =>
  new S3Sink({ client: s3.client, bucket: BUCKET, prefix: sub ? `${prefix}/${sub}` : prefix });

/** The export Lambda's catalog; `onRequest` runs before each request reaches Cliniko. */
function catalog(onRequest: (n: number) => Promise<void> = async () => undefined): ResourceCatalog {
  let n = 0;
  return clinikoCatalog(
    {
      apiKey: sim.apiKey,
      userAgent: 'Clinic Pipe Tests (tests@example.com)',
      baseUrl: new URL(sim.url),
      requestsPerMinute: 100_000,
      timeoutMs: 5_000,
      retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20, rateLimitRetries: 2 },
    },
    {
      fetch: async (input, init) => {
        n += 1;
        await onRequest(n);
        return fetch(input, init);
      },
    },
  ).catalog;
}

/** One export invocation of a Map item, as the Lambda runs it (`checkpoint`: the loop's next one). */
function invoke(
  execution: string,
  cat: ResourceCatalog,
  checkpoint?: RunCheckpoint,
  remainingMs: () => number = () => 900_000,
  resources = ['patients'],
) {
  return runExportInvocation({
    request: { account: 'main', resources, mode: 'full', execution, checkpoint },
    catalog: cat,
    sink: sinkFor('account=main'),
    settings: { compress: true, maxPartBytes: 16 * 1024, overlapMs: 60_000, concurrency: 2 },
    remainingMs,
    logger,
    guard: leaseGuard(leases, KEY, execution),
  });
}

/** What the EventBridge rule hands the clean-up function when the execution stops. */
function stoppedEvent(
  execution: string,
  name: string,
  startDate: number,
  stopDate: number,
  status = 'ABORTED',
  resources = ['patients'],
) {
  return {
    source: 'cliniko',
    perAccount: true,
    defaultAccount: 'main',
    defaultResources: ['patients'],
    execution: {
      executionArn: execution,
      name,
      status,
      startDate,
      stopDate,
      input: JSON.stringify({ account: 'main', mode: 'full', resources }),
    },
  };
}

function cleanup(now: () => number) {
  return (event: unknown) =>
    handleCleanupEvent(event, {
      leases,
      sinkFor,
      queue: { send: async (body, delaySeconds) => void queued.push({ body, delaySeconds }) },
      waitMs: WAIT_MS,
      graceMs: 2 * 3600_000,
      now,
    });
}

describe('a stop while an export invocation is still writing (issue 19, item 1)', () => {
  it('never publishes the leftover run; the clean-up waits it out; the next execution succeeds and builds current state', async () => {
    // Prepare: execution A (a manual rerun named with a dot) holds the lease.
    const first = `${ARN}:rerun.2026-12-07`;
    const startDate = Date.now() - 1_000;
    leases.acquire(KEY, first, Math.floor(startDate / 1000) + 90_000, Math.floor(Date.now() / 1000));
    // The first invocation reaches its deadline after a few pages and hands back a checkpoint.
    let remaining = 900_000;
    const firstLoop = await invoke(
      first,
      catalog(async (n) => {
        if (n === 3) remaining = 30_000;
      }),
      undefined,
      () => remaining,
    );
    if (firstLoop.done) throw new Error('expected a checkpoint');
    const sink = sinkFor('account=main');
    const earlierParts = await sink.list('cliniko/patients');
    let stopDate = 0;
    const stopOnThirdPage = async (n: number) => {
      if (n !== 3) return;
      // StopExecution: the rule fires within seconds; Step Functions does not stop the Lambda.
      stopDate = Date.now();
      await cleanup(Date.now)(stoppedEvent(first, 'rerun.2026-12-07', startDate, stopDate));
    };

    // Act 1: the next invocation continues from the checkpoint, is stopped mid-way and finishes after the stop.
    const leftover = await invoke(first, catalog(stopOnThirdPage), firstLoop.checkpoint).then(
      () => undefined,
      (error: Error) => error,
    );

    // Assess 1: refused at the manifest, with a non-retryable name; no manifest, no watermark.
    expect(leftover?.name).toBe('RunAbandonedError');
    expect(leftover?.message).toMatch(/stopped and is being cleaned up.*Start a new execution/);
    const written = await sink.list('cliniko/patients');
    expect(earlierParts.length).toBeGreaterThan(0);
    expect(written).toEqual(earlierParts);
    expect(written.filter((k) => k.endsWith('_manifest.json'))).toEqual([]);
    expect(await sink.list('_state/cliniko')).toEqual([]);
    // The lease is still held (marked), so nothing else can start; the second phase is queued after the wait.
    expect((await leases.leaseOf(KEY))?.stopping).toBe(true);
    // Should the second phase never complete, the lease frees itself 2 hours after the wait, not a day later.
    const expiresAt = leases.items.get(KEY)?.expiresAt ?? 0;
    expect(expiresAt * 1000).toBeGreaterThanOrEqual(stopDate + WAIT_MS + 2 * 3600_000 - 1_000);
    expect(expiresAt * 1000).toBeLessThanOrEqual(Date.now() + WAIT_MS + 2 * 3600_000);
    expect(queued).toHaveLength(1);
    expect(queued[0]?.delaySeconds).toBeGreaterThanOrEqual(900);
    const retake = leases.acquire(KEY, `${ARN}:too-soon`, 0, Math.floor(Date.now() / 1000));
    expect(retake).toBe(false);

    // Act 2: the queued second phase arrives early (refused to act), then after the wait.
    const early = await cleanup(() => stopDate + 60_000)({ Records: [{ body: queued[0]?.body }] });
    const beforeWaitList = await sink.list('cliniko/patients');
    const steps = await cleanup(() => stopDate + WAIT_MS)({ Records: [{ body: queued[0]?.body }] });

    // Assess 2
    expect(early).toEqual([expect.objectContaining({ phase: 'waiting' })]);
    expect(beforeWaitList).toEqual(written);
    expect(steps).toEqual([
      expect.objectContaining({
        phase: 'cleaned',
        outcome: expect.objectContaining({ heldLease: true, released: true }),
      }),
    ]);
    expect(await sink.list('cliniko/patients')).toEqual([]);
    expect(await leases.leaseOf(KEY)).toBeUndefined();
    const failures = await sinkFor('').list('_failures/cliniko');
    expect(failures).toEqual([expect.stringMatching(/\/rerun\.2026-12-07\.json$/)]);
    // A redelivered second phase changes nothing, and keeps the record of the one that held the lease.
    const again = await cleanup(() => stopDate + WAIT_MS)({ Records: [{ body: queued[0]?.body }] });
    expect(again).toEqual([
      expect.objectContaining({ outcome: expect.objectContaining({ heldLease: false, discarded: [] }) }),
    ]);
    const record = JSON.parse((await sinkFor('').getText(failures[0] as string)) ?? '{}');
    expect(record).toMatchObject({ heldLease: true, status: 'ABORTED' });
    expect(record.discarded.length).toBeGreaterThan(0);

    // Act 3: a fresh execution takes the lease and exports.
    const second = `${ARN}:nightly-2026-12-08`;
    expect(
      leases.acquire(KEY, second, Math.floor(Date.now() / 1000) + 90_000, Math.floor(Date.now() / 1000)),
    ).toBe(true);
    const response = await invoke(second, catalog());

    // Assess 3: a complete run and a current state holding every patient.
    expect(response.done).toBe(true);
    const result = response.done ? response.results[0] : undefined;
    const patients = sim.liveIds('patients', { includeArchived: true }).length;
    expect(result?.recordCount).toBe(patients);
    expect(result?.currentRecordCount).toBe(patients);
    const current = JSON.parse((await sink.getText(currentManifestKey('cliniko', 'patients'))) ?? '{}');
    expect(current.runIds).toEqual([result?.runId]);
    const stored = await sink.list('cliniko/patients/current');
    const listed = (current.files as Array<{ path: string }>).map(
      (f) => `cliniko/patients/current/${f.path}`,
    );
    expect(listed.length).toBeGreaterThan(0);
    expect(stored).toEqual(expect.arrayContaining(listed));
  });

  it('refuses to continue a checkpoint whose parts a clean-up removed, even without a lease', async () => {
    // Prepare: an invocation that pauses at the deadline, then a clean-up that deleted its parts.
    const execution = `${ARN}:timed-out`;
    leases.acquire(KEY, execution, Math.floor(Date.now() / 1000) + 90_000, 0);
    let remaining = 900_000;
    const paused = await runExportInvocation({
      request: { account: 'main', resources: ['patients'], mode: 'full', execution },
      catalog: catalog(async (n) => {
        if (n === 3) remaining = 30_000;
      }),
      sink: sinkFor('account=main'),
      settings: { compress: true, maxPartBytes: 16 * 1024, overlapMs: 60_000 },
      remainingMs: () => remaining,
      logger,
    });
    expect(paused.done).toBe(false);
    const sink = sinkFor('account=main');
    const parts = await sink.list('cliniko/patients');
    for (const key of parts) await sink.delete(key);

    // Act
    const retry = runExportInvocation({
      request: {
        account: 'main',
        resources: ['patients'],
        mode: 'full',
        checkpoint: paused.done ? undefined : paused.checkpoint,
      },
      catalog: catalog(),
      sink,
      settings: { compress: true, maxPartBytes: 16 * 1024, overlapMs: 60_000 },
      remainingMs: () => 900_000,
      logger,
    });

    // Assess
    expect(parts.length).toBeGreaterThan(0);
    await expect(retry).rejects.toMatchObject({ name: 'RunAbandonedError', message: /parts are missing/ });
    expect((await sink.list('cliniko/patients')).filter((k) => k.endsWith('_manifest.json'))).toEqual([]);
  });

  it('a timeout with two resources in flight: neither publishes, both are discarded, the next execution has both', async () => {
    // Prepare
    const resources = ['patients', 'invoices'];
    const first = `${ARN}:nightly-2026-12-07`;
    const startDate = Date.now() - 1_000;
    leases.acquire(KEY, first, Math.floor(startDate / 1000) + 90_000, Math.floor(Date.now() / 1000));
    let stopDate = 0;
    const timeOutMidway = async (n: number) => {
      if (n !== 6) return;
      stopDate = Date.now();
      await cleanup(Date.now)(
        stoppedEvent(first, 'nightly-2026-12-07', startDate, stopDate, 'TIMED_OUT', resources),
      );
    };

    // Act: both resources are being written when the execution times out; the invocation runs on.
    const leftover = await invoke(first, catalog(timeOutMidway), undefined, () => 900_000, resources).then(
      () => undefined,
      (error: Error) => error,
    );
    const sink = sinkFor('account=main');
    const manifests = async () =>
      [...(await sink.list('cliniko/patients')), ...(await sink.list('cliniko/invoices'))].filter(
        (k) => k.includes('/run=') && k.endsWith('/_manifest.json'),
      );
    const leftManifests = await manifests();
    await cleanup(() => stopDate + WAIT_MS)({ Records: [{ body: queued[0]?.body }] });
    const afterCleanup = [...(await sink.list('cliniko/patients')), ...(await sink.list('cliniko/invoices'))];
    const second = `${ARN}:nightly-2026-12-08`;
    const acquired = leases.acquire(
      KEY,
      second,
      Math.floor(Date.now() / 1000) + 90_000,
      Math.floor(Date.now() / 1000),
    );
    const response = await invoke(second, catalog(), undefined, () => 900_000, resources);

    // Assess
    expect(leftover?.name).toBe('RunAbandonedError');
    expect(leftManifests).toEqual([]);
    expect(afterCleanup).toEqual([]);
    expect(acquired).toBe(true);
    expect(response.done).toBe(true);
    const results = response.done ? response.results : [];
    expect(results.map((r) => r.resource).sort()).toEqual(['invoices', 'patients']);
    for (const result of results) {
      const live = sim.liveIds(result.resource, { includeArchived: true }).length;
      expect(result.recordCount).toBe(live);
      expect(result.currentRecordCount).toBe(live);
    }
    expect(await manifests()).toHaveLength(2);
  });
});
