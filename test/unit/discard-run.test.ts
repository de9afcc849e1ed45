import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, SinkError } from '../../shared/errors.js';
import type { ResourceCheckpoint } from '../../shared/export/checkpoint.js';
import { discardRun } from '../../shared/export/discard-run.js';
import { exportResource } from '../../shared/export/export-resource.js';
import type { Page, ResourcePager } from '../../shared/export/pager.js';
import type { RunCheckpoint } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import type { Sink } from '../../shared/output/sink.js';

const SHA = 'a'.repeat(64);
const RUN_ID = '20260101T020000Z-abc123';
const STARTED_AT = '2026-01-01T02:00:00.000Z';
const FOLDER = `cliniko/patients/dt=2026-01-01/run=${RUN_ID}`;

let root: string;
let sink: LocalSink;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'discard-run-'));
  sink = new LocalSink(root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function resourceCheckpoint(
  paths: string[],
  overrides: Partial<ResourceCheckpoint> = {},
): ResourceCheckpoint {
  return {
    resource: 'patients',
    runId: RUN_ID,
    mode: 'full',
    startedAt: STARTED_AT,
    until: STARTED_AT,
    cursor: 'c',
    nextPartIndex: paths.length,
    recordCount: paths.length,
    files: paths.map((path) => ({ path, recordCount: 1, bytes: 10, sha256: SHA })),
    ...overrides,
  };
}

function runCheckpoint(...items: Array<ResourceCheckpoint | string>): RunCheckpoint {
  return {
    source: 'cliniko',
    mode: 'full',
    pending: items.map((item) =>
      typeof item === 'string' ? { resource: item } : { resource: item.resource, checkpoint: item },
    ),
    results: [],
  };
}

async function put(...keys: string[]): Promise<void> {
  for (const key of keys) await sink.putText(key, '{"id":1}\n');
}

describe('discardRun', () => {
  it('deletes the parts the checkpoint lists and nothing outside the run folder', async () => {
    // Prepare
    const others = [
      `cliniko/patients/dt=2026-01-01/run=20260101T010000Z-000001/_manifest.json`,
      `cliniko/patients/dt=2026-01-01/run=20260101T010000Z-000001/part-00000.ndjson.gz`,
      `cliniko/invoices/dt=2026-01-01/run=${RUN_ID}/part-00000.ndjson.gz`,
      '_state/cliniko/patients.json',
    ];
    await put(`${FOLDER}/part-00000.ndjson.gz`, `${FOLDER}/part-00001.ndjson.gz`, ...others);
    const checkpoint = runCheckpoint(resourceCheckpoint(['part-00000.ndjson.gz', 'part-00001.ndjson.gz']));

    // Act
    const outcome = await discardRun(sink, checkpoint, 'cliniko');

    // Assess
    expect(outcome).toEqual({ discarded: 2 });
    expect(await sink.list('')).toEqual([...others].sort());
  });

  it('also deletes parts in the run folder that the checkpoint does not list yet', async () => {
    // Prepare: part-00001 came from an invocation that timed out before it could clean up.
    await put(`${FOLDER}/part-00000.ndjson`, `${FOLDER}/part-00001.ndjson`, `${FOLDER}/notes.txt`);
    const checkpoint = runCheckpoint(resourceCheckpoint(['part-00000.ndjson']));

    // Act
    const outcome = await discardRun(sink, checkpoint, 'cliniko');

    // Assess
    expect(outcome).toEqual({ discarded: 2 });
    expect(await sink.list('')).toEqual([`${FOLDER}/notes.txt`]);
  });

  it("deletes the run's saved pager memory, not another run's", async () => {
    // Prepare
    const memory = `_state/cliniko/runs/patients/${RUN_ID}/emitted-500.json`;
    const otherRun = '_state/cliniko/runs/patients/20260101T010000Z-000001/emitted-500.json';
    await put(`${FOLDER}/part-00000.ndjson.gz`, memory, otherRun);
    const checkpoint = runCheckpoint(resourceCheckpoint(['part-00000.ndjson.gz'], { memoryKey: memory }));

    // Act
    const outcome = await discardRun(sink, checkpoint, 'cliniko');

    // Assess
    expect(outcome).toEqual({ discarded: 2 });
    expect(await sink.list('')).toEqual([otherRun]);
  });

  it('leaves a run alone once its manifest exists: that snapshot is complete', async () => {
    // Prepare
    await put(`${FOLDER}/part-00000.ndjson.gz`, `${FOLDER}/_manifest.json`);
    const checkpoint = runCheckpoint(resourceCheckpoint(['part-00000.ndjson.gz']));

    // Act
    const outcome = await discardRun(sink, checkpoint, 'cliniko');

    // Assess
    expect(outcome).toEqual({ discarded: 0 });
    expect(await sink.list('')).toEqual([`${FOLDER}/_manifest.json`, `${FOLDER}/part-00000.ndjson.gz`]);
  });

  it('skips resources that had not started (no resource checkpoint)', async () => {
    // Prepare
    await put(`${FOLDER}/part-00000.ndjson.gz`);
    const checkpoint = runCheckpoint('invoices', resourceCheckpoint(['part-00000.ndjson.gz']));

    // Act
    const outcome = await discardRun(sink, checkpoint, 'cliniko');

    // Assess
    expect(outcome).toEqual({ discarded: 1 });
    expect(await sink.list('')).toEqual([]);
  });

  it.each([
    '_manifest.json',
    '../../../../_state/cliniko/patients.json',
    '../run=other/part-00000.ndjson.gz',
    'sub/part-00000.ndjson.gz',
    'part-1.ndjson',
    'part-00000.ndjson.gz.bak',
    'part-00000.json',
    '',
  ])('refuses the file path %j before deleting anything', async (path) => {
    // Prepare
    const invoices = resourceCheckpoint(['part-00000.ndjson.gz'], { resource: 'invoices' });
    const invoicePart = `cliniko/invoices/dt=2026-01-01/run=${RUN_ID}/part-00000.ndjson.gz`;
    await put(invoicePart, `${FOLDER}/_manifest.json`, '_state/cliniko/patients.json');
    const checkpoint = runCheckpoint(invoices, resourceCheckpoint([path]));

    // Act
    const act = discardRun(sink, checkpoint, 'cliniko');

    // Assess
    await expect(act).rejects.toThrow(ConfigError);
    await expect(act).rejects.toThrow(/^discard: patients: .* is not a part file name$/);
    expect(await sink.list('')).toContain(invoicePart);
    expect(await sink.list('')).toHaveLength(3);
  });

  it.each([
    [{ runId: '../../_state' }, /resource, runId or startedAt is not a plain value/],
    [{ runId: 'a/b' }, /resource, runId or startedAt is not a plain value/],
    [{ startedAt: 'yesterday' }, /resource, runId or startedAt is not a plain value/],
    [{ resource: 'invoices' }, /^discard: checkpoint for invoices was filed under patients$/],
  ])('refuses a checkpoint with %j', async (overrides, message) => {
    // Prepare
    await put(`${FOLDER}/part-00000.ndjson.gz`);
    const checkpoint = runCheckpoint(resourceCheckpoint(['part-00000.ndjson.gz']));
    const item = checkpoint.pending[0] as RunCheckpoint['pending'][number];
    item.checkpoint = { ...(item.checkpoint as ResourceCheckpoint), ...overrides };

    // Act
    const act = discardRun(sink, checkpoint, 'cliniko');

    // Assess
    await expect(act).rejects.toThrow(message);
    await expect(act).rejects.toBeInstanceOf(ConfigError);
    expect(await sink.list('')).toEqual([`${FOLDER}/part-00000.ndjson.gz`]);
  });

  it("refuses another source's checkpoint", async () => {
    // Prepare
    await put(`${FOLDER}/part-00000.ndjson.gz`);
    const checkpoint = runCheckpoint(resourceCheckpoint(['part-00000.ndjson.gz']));

    // Act
    const act = discardRun(sink, checkpoint, 'welkin');

    // Assess
    await expect(act).rejects.toThrow('discard: checkpoint is for source cliniko, not welkin');
    expect(await sink.list('')).toHaveLength(1);
  });

  it('removes every part a run wrote over two invocations, leaving the folder empty', async () => {
    // Prepare: each invocation writes one page (one part) and pauses, as at a Lambda deadline.
    const pager: ResourcePager = {
      yieldsEachOnce: true,
      pausable: true,
      supportsIncremental: false,
      async *pages(_window, cursor): AsyncIterable<Page> {
        for (let page = Number(cursor ?? 0); page < 3; page += 1) {
          yield { records: [{ id: String(page), json: `{"id":${page}}` }], cursor: String(page + 1) };
        }
      },
    };
    const invoke = async (checkpoint?: ResourceCheckpoint): Promise<ResourceCheckpoint> => {
      const outcome = await exportResource({
        source: 'cliniko',
        resource: 'patients',
        pager,
        sink,
        mode: 'full',
        overlapMs: 0,
        compress: true,
        maxPartBytes: 1024,
        checkpoint,
        shouldStop: () => true,
      });
      if (outcome.done) throw new Error('expected a paused run');
      return outcome.checkpoint;
    };
    const last = await invoke(await invoke());
    expect(last.files.map((file) => file.path)).toEqual(['part-00000.ndjson.gz', 'part-00001.ndjson.gz']);

    // Act
    const outcome = await discardRun(sink, runCheckpoint(last), 'cliniko');

    // Assess
    expect(outcome).toEqual({ discarded: 2 });
    expect(await sink.list('cliniko')).toEqual([]);
  });

  it('keeps deleting after one delete fails, then reports the failure', async () => {
    // Prepare
    const paths = ['part-00000.ndjson', 'part-00001.ndjson', 'part-00002.ndjson'];
    await put(...paths.map((path) => `${FOLDER}/${path}`));
    const failing: Sink = Object.assign(Object.create(sink) as Sink, {
      delete: async (key: string) => {
        if (key.endsWith('part-00001.ndjson')) throw new SinkError(`delete of ${key} failed: AccessDenied`);
        await sink.delete(key);
      },
    });

    // Act
    const act = discardRun(failing, runCheckpoint(resourceCheckpoint(paths)), 'cliniko');

    // Assess
    await expect(act).rejects.toThrow(/part-00001\.ndjson failed: AccessDenied/);
    expect(await sink.list('')).toEqual([`${FOLDER}/part-00001.ndjson`]);
  });
});
