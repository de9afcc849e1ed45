import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discardUnfinishedRuns, runStartOf } from '../../shared/export/discard-unfinished.js';
import { MemoryLeaseStore } from '../../shared/lambda/lease.js';
import {
  cleanUpStoppedExecution,
  FAILED_CAUSE_PREFIX,
  parseStoppedExecutionEvent,
} from '../../shared/lambda/stopped-execution.js';
import { LocalSink } from '../../shared/output/local-sink.js';

const STARTED = Date.parse('2026-12-01T03:00:00.400Z');
const STOPPED = Date.parse('2026-12-01T05:00:00Z');
const EXECUTION = 'arn:aws:states:ap-southeast-2:123456789012:execution:Cliniko:nightly-1';

/** The lease table in memory with the conditional writes of the DynamoDB one; `set` as the state machine puts. */
class MemoryLeases extends MemoryLeaseStore {
  set(key: string, holder: string) {
    this.items.set(key, { holder, stopping: false, expiresAt: Math.floor(STOPPED / 1000) + 3600 });
  }
}

function event(overrides: Record<string, unknown> = {}) {
  return parseStoppedExecutionEvent({
    source: 'cliniko',
    perAccount: true,
    defaultAccount: 'main',
    defaultResources: ['patients', 'invoices'],
    execution: {
      executionArn: EXECUTION,
      name: 'nightly-1',
      status: 'TIMED_OUT',
      startDate: STARTED,
      stopDate: STOPPED,
      input: '{"account":"main","mode":"full"}',
      ...overrides,
    },
  });
}

describe('clean-up after a stopped execution', () => {
  let root: string;
  let sink: LocalSink;
  let leases: MemoryLeases;
  const deps = () => ({ sinkFor: (sub: string) => new LocalSink(join(root, sub)), leases });
  const run = (resource: string, runId: string, files: string[]) =>
    Promise.all(
      files.map((f) =>
        sink.putText(`cliniko/${resource}/dt=${runId.slice(0, 4)}-12-01/run=${runId}/${f}`, 'x\n'),
      ),
    );

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'cleanup-'));
    sink = new LocalSink(join(root, 'account=main'));
    leases = new MemoryLeases();
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('discards the parts of runs the execution left without a manifest, records it, then frees the lease', async () => {
    // Prepare: an unfinished run of this execution, a finished one, and one from before it started.
    await run('patients', '20261201T030000Z-aaaaaa', ['part-00000.ndjson.gz', 'part-00001.ndjson.gz']);
    await run('invoices', '20261201T031500Z-bbbbbb', ['part-00000.ndjson.gz', '_manifest.json']);
    await run('patients', '20261201T025959Z-cccccc', ['part-00000.ndjson.gz']);
    leases.set('cliniko#main', EXECUTION);

    // Act
    const outcome = await cleanUpStoppedExecution(event(), deps());

    // Assess
    expect(outcome).toMatchObject({ leaseKey: 'cliniko#main', heldLease: true, released: true });
    expect(outcome.discarded).toEqual([{ resource: 'patients', runId: '20261201T030000Z-aaaaaa', parts: 2 }]);
    expect(await sink.list('cliniko')).toEqual([
      'cliniko/invoices/dt=2026-12-01/run=20261201T031500Z-bbbbbb/_manifest.json',
      'cliniko/invoices/dt=2026-12-01/run=20261201T031500Z-bbbbbb/part-00000.ndjson.gz',
      'cliniko/patients/dt=2026-12-01/run=20261201T025959Z-cccccc/part-00000.ndjson.gz',
    ]);
    const record = JSON.parse((await new LocalSink(root).getText(outcome.failureKey)) ?? '{}');
    expect(outcome.failureKey).toBe('_failures/cliniko/dt=2026-12-01/nightly-1.json');
    expect(record).toMatchObject({ account: 'main', status: 'TIMED_OUT', heldLease: true });
    expect(leases.items.size).toBe(0);
  });

  it('leaves everything alone for a start the lease refused, and keeps the running execution its lease', async () => {
    // Prepare: another execution holds the lease and is writing a run.
    const running = `${EXECUTION}-other`;
    leases.set('cliniko#main', running);
    await run('patients', '20261201T040000Z-dddddd', ['part-00000.ndjson.gz']);

    // Act
    const outcome = await cleanUpStoppedExecution(
      event({ status: 'FAILED', error: 'ExecutionAlreadyRunning' }),
      deps(),
    );

    // Assess
    expect(outcome).toMatchObject({ heldLease: false, released: false, discarded: [] });
    expect(await sink.list('cliniko')).toHaveLength(1);
    expect(leases.items.get('cliniko#main')?.holder).toBe(running);
  });

  it('uses the execution input for account and resources, and the defaults when it names none', async () => {
    // Prepare
    leases.set('cliniko#main', EXECUTION);
    await run('invoices', '20261201T030500Z-eeeeee', ['part-00000.ndjson.gz']);
    await run('patients', '20261201T030500Z-ffffff', ['part-00000.ndjson.gz']);

    // Act
    const outcome = await cleanUpStoppedExecution(event({ input: '{"resources":["invoices"]}' }), deps());

    // Assess: only the named resource was this execution's.
    expect(outcome.discarded.map((d) => d.resource)).toEqual(['invoices']);
  });

  it('refuses an event whose input names a path outside the output', async () => {
    // Prepare / Act / Assess
    await expect(cleanUpStoppedExecution(event({ input: '{"account":"../x"}' }), deps())).rejects.toThrow(
      /execution.input/,
    );
    expect(() => parseStoppedExecutionEvent({ source: 'cliniko' })).toThrow(/invalid event/);
  });
});

describe('discardUnfinishedRuns', () => {
  it('finds runs over a day boundary and never deletes anything but part files', async () => {
    // Prepare
    const root = await mkdtemp(join(tmpdir(), 'discard-'));
    const sink = new LocalSink(root);
    for (const key of [
      'welkin/patients/dt=2026-11-30/run=20261130T235900Z-000001/part-00000.ndjson.gz',
      'welkin/patients/dt=2026-11-30/run=20261130T235900Z-000001/notes.txt',
      'welkin/patients/dt=2026-12-01/run=20261201T000100Z-000002/part-00000.ndjson.gz',
      'welkin/patients/current/v=20261201T000100Z-000002/part-00000.ndjson.gz',
    ]) {
      await sink.putText(key, 'x\n');
    }

    // Act
    const discarded = await discardUnfinishedRuns(sink, {
      source: 'welkin',
      resources: ['patients'],
      from: new Date('2026-11-30T23:58:00Z'),
      to: new Date('2026-12-01T00:30:00Z'),
    });

    // Assess
    expect(discarded.map((d) => d.runId)).toEqual(['20261130T235900Z-000001', '20261201T000100Z-000002']);
    expect(await sink.list('welkin')).toEqual([
      'welkin/patients/current/v=20261201T000100Z-000002/part-00000.ndjson.gz',
      'welkin/patients/dt=2026-11-30/run=20261130T235900Z-000001/notes.txt',
    ]);
    expect(runStartOf('not-a-run')).toBeUndefined();
    await rm(root, { recursive: true, force: true });
  });
});

describe('execution names (issue 19, item 2)', () => {
  it('accepts every name Step Functions accepts, and only those', () => {
    // Prepare
    const accepted = ['rerun.2026-12-07', 'a+b=c@d', 'ünïcode-run', '..', 'x'.repeat(80), "it's(1)!"];
    const refused = ['a b', 'a/b', 'a:b', 'a#b', 'tab\there', 'x'.repeat(81), '', 'a\u0085b', 'q?', 'p%20'];

    // Act
    const ok = (name: string) => {
      try {
        event({ name });
        return true;
      } catch {
        return false;
      }
    };

    // Assess
    expect(accepted.filter((n) => !ok(n))).toEqual([]);
    expect(refused.filter(ok)).toEqual([]);
  });
});

describe('the failures record (issue 19, item 9)', () => {
  it('lists every failed resource with its error line, from the ExportFailed cause', async () => {
    // Prepare
    const root = await mkdtemp(join(tmpdir(), 'failures-'));
    const leases = new MemoryLeases();
    const failed = [
      {
        resource: 'patients',
        status: 'failed',
        error: 'HttpError',
        message: 'cliniko/patients: server error 503',
      },
      { resource: 'invoices', status: 'failed', error: 'ExportDidNotFinish', message: null },
    ];
    const stopped = event({
      status: 'FAILED',
      error: 'ResourcesFailed',
      cause: `${FAILED_CAUSE_PREFIX}${JSON.stringify(failed)}`,
    });

    // Act
    const outcome = await cleanUpStoppedExecution(stopped, {
      sinkFor: (sub: string) => new LocalSink(join(root, sub)),
      leases,
    });
    const record = JSON.parse((await new LocalSink(root).getText(outcome.failureKey)) ?? '{}');
    await rm(root, { recursive: true, force: true });

    // Assess
    expect(record.failedResources).toEqual([
      { resource: 'patients', error: 'HttpError', message: 'cliniko/patients: server error 503' },
      { resource: 'invoices', error: 'ExportDidNotFinish', message: null },
    ]);
    expect(record.error).toBe('ResourcesFailed');
  });
});
