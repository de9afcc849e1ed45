import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { exportSettingsFrom } from '../../shared/export/export-settings.js';
import type { Page, ResourcePager } from '../../shared/export/pager.js';
import type { ResourceCatalog } from '../../shared/export/resource-catalog.js';
import { type RunExportOptions, runCheckpointSchema, runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'run-export-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Two pages of `count` records each; 'broken' fails on its first page. */
function pager(resource: string, count = 3): ResourcePager {
  return {
    yieldsEachOnce: true,
    pausable: true,
    supportsIncremental: true,
    async *pages(_window, cursor): AsyncIterable<Page> {
      if (resource === 'broken') throw new Error('HTTP 500 from upstream');
      const values = (from: number) =>
        Array.from({ length: count }, (_, index) => {
          const id = String(from + index);
          return { id, json: JSON.stringify({ id, resource }) };
        });
      if (cursor === undefined) yield { records: values(1), cursor: 'half' };
      yield { records: values(count + 1), cursor: undefined };
    },
  };
}

const catalog: ResourceCatalog = {
  source: 'fake',
  resourceNames: ['alpha', 'broken', 'gamma'],
  pagerFor: (resource) => pager(resource),
};

function options(overrides: Partial<RunExportOptions> = {}): RunExportOptions {
  return {
    catalog,
    sink: new LocalSink(root),
    settings: exportSettingsFrom({}),
    mode: 'full',
    concurrency: 2,
    ...overrides,
  };
}

describe('runExport', () => {
  it('finishes the healthy resources and reports the failing one in one line', async () => {
    // Prepare
    const run = options();

    // Act
    const outcome = await runExport(run);

    // Assess
    if (!outcome.done) throw new Error('expected a finished run');
    expect(outcome.results.map((result) => [result.resource, result.recordCount]).sort()).toEqual([
      ['alpha', 6],
      ['gamma', 6],
    ]);
    expect(outcome.failures).toEqual([
      { resource: 'broken', message: 'fake/broken: HTTP 500 from upstream', errorName: 'Error' },
    ]);
  });

  it('refuses a checkpoint made for another source or filed under another resource', async () => {
    // Prepare
    const foreign = {
      source: 'welkin',
      mode: 'full' as const,
      pending: [{ resource: 'alpha' }],
      results: [],
    };
    const misfiled = {
      source: 'fake',
      mode: 'full' as const,
      pending: [
        {
          resource: 'alpha',
          checkpoint: {
            resource: 'gamma',
            runId: 'r',
            mode: 'full' as const,
            startedAt: 'x',
            until: 'x',
            nextPartIndex: 0,
            recordCount: 0,
            files: [],
          },
        },
      ],
      results: [],
    };

    // Act
    const foreignRun = runExport(options({ checkpoint: foreign }));
    const misfiledRun = runExport(options({ checkpoint: misfiled }));

    // Assess
    await expect(foreignRun).rejects.toThrow('checkpoint is for source welkin, not fake');
    await expect(misfiledRun).rejects.toThrow('checkpoint for gamma was filed under alpha');
  });

  it('exports only the named resources and refuses unknown names', async () => {
    // Prepare
    const named = options({ resources: ['gamma'] });
    const unknown = options({ resources: ['gamma', 'delta'] });

    // Act
    const outcome = await runExport(named);
    const act = runExport(unknown);

    // Assess
    expect(outcome.done && outcome.results.map((result) => result.resource)).toEqual(['gamma']);
    await expect(act).rejects.toThrow(ConfigError);
    await expect(act).rejects.toThrow('unknown fake resource(s): delta');
  });

  it('pauses at the deadline and a continuation from the JSON checkpoint finishes the rest', async () => {
    // Prepare
    // The deadline arrives once alpha has started: alpha pauses after its first page, gamma never starts.
    let stop = true;
    let asked = 0;
    const deadline = () => stop && ++asked > 1;
    const healthy = { ...catalog, resourceNames: ['alpha', 'gamma'] };

    // Act
    const paused = await runExport(options({ catalog: healthy, concurrency: 1, shouldStop: deadline }));
    if (paused.done) throw new Error('expected a checkpoint');
    const checkpoint = runCheckpointSchema.parse(JSON.parse(JSON.stringify(paused.checkpoint)));
    stop = false;
    const resumed = await runExport(options({ catalog: healthy, checkpoint, shouldStop: deadline }));

    // Assess
    expect(checkpoint.pending.map((item) => item.resource)).toEqual(['alpha', 'gamma']);
    expect(checkpoint.pending[0]?.checkpoint?.recordCount).toBe(3);
    expect(checkpoint.pending[1]?.checkpoint).toBeUndefined();
    if (!resumed.done) throw new Error('expected the continuation to finish');
    expect(resumed.results.map((result) => [result.resource, result.recordCount]).sort()).toEqual([
      ['alpha', 6],
      ['gamma', 6],
    ]);
  });
});

describe('exportSettingsFrom', () => {
  it('applies defaults', () => {
    // Prepare
    const env = {};

    // Act
    const settings = exportSettingsFrom(env);

    // Assess
    expect(settings).toEqual({
      compress: true,
      maxPartBytes: 256 * 1024 * 1024,
      overlapMs: 15 * 60_000,
      concurrency: undefined,
    });
  });

  it('reads every knob and refuses nonsense', () => {
    // Prepare
    const env = {
      EXPORT_COMPRESS: 'false',
      EXPORT_MAX_PART_MB: '0.5',
      EXPORT_OVERLAP_MINUTES: '0',
      EXPORT_CONCURRENCY: '4',
    };

    // Act
    const settings = exportSettingsFrom(env);
    const act = () => exportSettingsFrom({ EXPORT_CONCURRENCY: '99', EXPORT_COMPRESS: 'yes' });

    // Assess
    expect(settings).toEqual({ compress: false, maxPartBytes: 524_288, overlapMs: 0, concurrency: 4 });
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/EXPORT_COMPRESS/);
    expect(act).toThrow(/EXPORT_CONCURRENCY/);
  });
});
