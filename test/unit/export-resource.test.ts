import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportError } from '../../shared/errors.js';
import { resourceCheckpointSchema } from '../../shared/export/checkpoint.js';
import { type ExportResourceOptions, exportResource } from '../../shared/export/export-resource.js';
import type { ExportWindow, Page, PagedRecord, ResourcePager } from '../../shared/export/pager.js';
import { runFolder } from '../../shared/layout/index.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { type Manifest, manifestSchema } from '../../shared/output/manifest.js';
import type { Sink, Upload } from '../../shared/output/sink.js';
import { StateStore } from '../../shared/state/resource-state.js';

/** An in-memory resource: pages of `pageSize` records; the cursor is the index of the next record. */
class FakePager implements ResourcePager {
  readonly windows: Array<{ window: ExportWindow; cursor: string | undefined }> = [];

  constructor(
    private readonly records: PagedRecord[],
    private readonly options: {
      pageSize?: number;
      yieldsEachOnce?: boolean;
      pausable?: boolean;
      supportsIncremental?: boolean;
      /** Throw once this many pages were yielded. */
      failAfterPages?: number;
    } = {},
  ) {}

  get yieldsEachOnce(): boolean {
    return this.options.yieldsEachOnce ?? true;
  }

  get pausable(): boolean {
    return this.options.pausable ?? true;
  }

  get supportsIncremental(): boolean {
    return this.options.supportsIncremental ?? true;
  }

  async *pages(window: ExportWindow, cursor?: string): AsyncIterable<Page> {
    this.windows.push({ window, cursor });
    const size = this.options.pageSize ?? 10;
    let yielded = 0;
    for (let start = Number(cursor ?? 0); start < this.records.length; start += size) {
      if (yielded === this.options.failAfterPages) throw new Error('upstream went away');
      const end = Math.min(start + size, this.records.length);
      yield {
        records: this.records.slice(start, end),
        cursor: end < this.records.length ? String(end) : undefined,
      };
      yielded += 1;
    }
  }
}

/** A sink that records the order in which objects became visible. */
class RecordingSink implements Sink {
  readonly visible: string[] = [];

  constructor(private readonly inner: Sink) {}

  get location(): string {
    return this.inner.location;
  }

  storageKey(key: string): string {
    return this.inner.storageKey(key);
  }

  openUpload(key: string, contentType: string): Upload {
    const upload = this.inner.openUpload(key, contentType);
    return {
      write: (chunk) => upload.write(chunk),
      finish: async () => {
        await upload.finish();
        this.visible.push(key);
      },
      abort: () => upload.abort(),
    };
  }

  async putText(key: string, text: string, contentType?: string): Promise<void> {
    await this.inner.putText(key, text, contentType);
    this.visible.push(key);
  }

  putTextIfAbsent(key: string, text: string, contentType?: string): Promise<boolean> {
    return this.inner.putTextIfAbsent(key, text, contentType);
  }

  getText(key: string): Promise<string | undefined> {
    return this.inner.getText(key);
  }

  openRead(key: string): Promise<AsyncIterable<Uint8Array> | undefined> {
    return this.inner.openRead(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}

function records(count: number, firstId = 1, noise = 0): PagedRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const id = String(firstId + index);
    const value = { id, name: `record ${id}`, note: randomBytes(noise).toString('base64') };
    return { id, json: JSON.stringify(value) };
  });
}

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'export-resource-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function options(
  pager: ResourcePager,
  overrides: Partial<ExportResourceOptions> = {},
): ExportResourceOptions {
  return {
    source: 'cliniko',
    resource: 'patients',
    pager,
    sink: new LocalSink(root),
    mode: 'full',
    overlapMs: 15 * 60_000,
    compress: true,
    maxPartBytes: 1_000,
    now: () => new Date('2026-03-04T05:06:07.089Z'),
    ...overrides,
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

/** Reads every part of a finished run and checks each against its manifest entry. */
async function linesOf(manifestKey: string, manifest: Manifest): Promise<string[]> {
  const folder = join(root, manifestKey.replace(/\/_manifest\.json$/, ''));
  const out: string[] = [];
  for (const file of manifest.files) {
    const stored = await readFile(join(folder, file.path));
    expect(stored.length).toBe(file.bytes);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(file.sha256);
    const text = file.path.endsWith('.gz') ? gunzipSync(stored).toString('utf8') : stored.toString('utf8');
    const fileLines = text.trimEnd().split('\n');
    expect(fileLines).toHaveLength(file.recordCount);
    out.push(...fileLines);
  }
  return out;
}

function idsOf(lines: string[]): string[] {
  return lines.map((line) => (JSON.parse(line) as { id: string }).id);
}

async function finished(promise: ReturnType<typeof exportResource>) {
  const outcome = await promise;
  if (!outcome.done) throw new Error('expected the export to finish');
  return outcome;
}

describe('exportResource', () => {
  it('writes gzip parts, then a manifest that matches them, then the state', async () => {
    // Prepare
    const sink = new RecordingSink(new LocalSink(root));
    // Random notes barely compress, so the gzip output crosses maxPartBytes several times.
    const all = records(95, 1, 600);
    const pager = new FakePager(all);

    // Act
    const outcome = await finished(exportResource(options(pager, { sink, maxPartBytes: 16_000 })));

    // Assess
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(join(root, outcome.manifestKey), 'utf8')),
    );
    expect(manifest).toEqual(outcome.manifest);
    expect(outcome.manifestKey).toMatch(
      /^cliniko\/patients\/dt=2026-03-04\/run=20260304T050607Z-[0-9a-f]{6}\/_manifest\.json$/,
    );
    expect(manifest).toMatchObject({
      source: 'cliniko',
      resource: 'patients',
      mode: 'full',
      startedAt: '2026-03-04T05:06:07.089Z',
      watermark: '2026-03-04T05:06:07.089Z',
      recordCount: 95,
    });
    expect(manifest.since).toBeUndefined();
    expect(manifest.files.length).toBeGreaterThan(1);
    expect(await linesOf(outcome.manifestKey, manifest)).toEqual(all.map((record) => record.json));
    const partKeys = manifest.files.map((file) => outcome.manifestKey.replace('_manifest.json', file.path));
    expect(sink.visible).toEqual([...partKeys, outcome.manifestKey, '_state/cliniko/patients.json']);
    expect(await new StateStore(sink).get('cliniko', 'patients')).toMatchObject({
      watermark: '2026-03-04T05:06:07.089Z',
      lastRunId: manifest.runId,
      lastManifestKey: outcome.manifestKey,
      lastMode: 'full',
    });
  });

  it('keeps ids above 2^53 exactly as the API sent them', async () => {
    // Prepare
    const json = '{"id":123456789012345678901,"balance":12.50}';
    const pager = new FakePager([{ id: '123456789012345678901', json }]);

    // Act
    const outcome = await finished(exportResource(options(pager, { compress: false })));

    // Assess
    expect(await linesOf(outcome.manifestKey, outcome.manifest)).toEqual([
      '{"id":123456789012345678901,"balance":12.50}',
    ]);
  });

  it('leaves no manifest, no open part and the previous state when the pager fails mid-run', async () => {
    // Prepare
    const first = await finished(exportResource(options(new FakePager(records(5)))));
    const stateBefore = await readFile(join(root, '_state/cliniko/patients.json'), 'utf8');
    const failing = new FakePager(records(50), { failAfterPages: 2 });

    // Act
    const act = exportResource(
      options(failing, {
        mode: 'incremental',
        maxPartBytes: 10_000_000,
        now: () => new Date('2026-03-05T00:00:00.000Z'),
      }),
    );

    // Assess
    await expect(act).rejects.toThrow(ExportError);
    await expect(act).rejects.toThrow('cliniko/patients: upstream went away');
    const files = await filesUnder(root);
    expect(files.filter((file) => file.includes('dt=2026-03-05'))).toEqual([]);
    expect(files.filter((file) => file.endsWith('.partial'))).toEqual([]);
    expect(files.filter((file) => file.endsWith('_manifest.json'))).toEqual([first.manifestKey]);
    expect(await readFile(join(root, '_state/cliniko/patients.json'), 'utf8')).toBe(stateBefore);
  });

  it('removes the parts a failed invocation finished, keeping those of earlier invocations for a retry', async () => {
    // Prepare: a first invocation stops at a checkpoint after 3 pages, the continuation fails after 10 more.
    let pages = 0;
    const first = await exportResource(
      options(new FakePager(records(200)), {
        compress: false,
        maxPartBytes: 500,
        shouldStop: () => ++pages >= 3,
      }),
    );
    if (first.done) throw new Error('expected a checkpoint');
    const failing = new FakePager(records(200), { failAfterPages: 10 });

    // Act
    const act = exportResource(
      options(failing, { compress: false, maxPartBytes: 500, checkpoint: first.checkpoint }),
    );

    // Assess
    await expect(act).rejects.toThrow(ExportError);
    const folder = runFolder('cliniko', 'patients', first.checkpoint.startedAt, first.checkpoint.runId);
    const expected = first.checkpoint.files.map((file) => `${folder}/${file.path}`).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect((await filesUnder(root)).sort()).toEqual(expected);
  });

  it('keeps the published snapshot when only the state write fails after the manifest', async () => {
    // Prepare: a sink whose state writes fail (e.g. S3 SlowDown) after the data and manifest went through.
    const inner = new LocalSink(root);
    const sink: Sink = Object.assign(Object.create(inner) as LocalSink, {
      putText: async (key: string, text: string) => {
        if (key.startsWith('_state/')) throw new Error('SlowDown');
        return inner.putText(key, text);
      },
    });

    // Act
    const act = exportResource(options(new FakePager(records(30)), { sink, maxPartBytes: 200 }));

    // Assess
    await expect(act).rejects.toThrow('cliniko/patients: SlowDown');
    const files = await filesUnder(root);
    const manifestFile = files.find((file) => file.endsWith('_manifest.json'));
    expect(manifestFile).toBeDefined();
    const manifest = JSON.parse(await readFile(join(root, manifestFile as string), 'utf8')) as Manifest;
    const folder = (manifestFile as string).replace(/\/_manifest\.json$/, '');
    expect(files.filter((file) => file.includes('/part-')).sort()).toEqual(
      manifest.files.map((file) => `${folder}/${file.path}`).sort(),
    );
  });

  it('never stops a pager that cannot be paused, even when asked to', async () => {
    // Prepare
    const pager = new FakePager(records(60), { pausable: false, yieldsEachOnce: false });

    // Act
    const outcome = await exportResource(options(pager, { shouldStop: () => true }));

    // Assess
    expect(outcome.done).toBe(true);
  });

  it('starts an incremental run at the previous watermark minus the overlap', async () => {
    // Prepare
    await finished(exportResource(options(new FakePager(records(3)))));
    const pager = new FakePager(records(2, 100));

    // Act
    const outcome = await finished(
      exportResource(
        options(pager, {
          mode: 'incremental',
          overlapMs: 15 * 60_000,
          now: () => new Date('2026-03-05T00:00:00.000Z'),
        }),
      ),
    );

    // Assess
    expect(pager.windows).toEqual([
      { window: { since: '2026-03-04T04:51:07.089Z', until: '2026-03-05T00:00:00.000Z' }, cursor: undefined },
    ]);
    expect(outcome.manifest).toMatchObject({
      mode: 'incremental',
      since: '2026-03-04T04:51:07.089Z',
      watermark: '2026-03-05T00:00:00.000Z',
      recordCount: 2,
    });
    expect(await new StateStore(new LocalSink(root)).get('cliniko', 'patients')).toMatchObject({
      watermark: '2026-03-05T00:00:00.000Z',
      lastMode: 'incremental',
    });
  });

  it('runs a full snapshot when incremental is asked but there is no state or no updated-at filter', async () => {
    // Prepare
    const noState = new FakePager(records(2));
    const noFilter = new FakePager(records(2), { supportsIncremental: false });

    // Act
    const first = await finished(exportResource(options(noState, { mode: 'incremental' })));
    const second = await finished(
      exportResource(options(noFilter, { mode: 'incremental', now: () => new Date('2026-03-06T00:00:00Z') })),
    );

    // Assess
    expect(first.manifest.mode).toBe('full');
    expect(second.manifest.mode).toBe('full');
    expect(noFilter.windows[0]?.window.since).toBeUndefined();
  });

  it('stops at a page boundary with a checkpoint and continues to a run holding every record once', async () => {
    // Prepare
    const all = records(87);
    let pagesSeen = 0;
    const stopAfterThree = () => {
      pagesSeen += 1;
      return pagesSeen >= 3;
    };

    // Act
    const paused = await exportResource(
      options(new FakePager(all), { shouldStop: stopAfterThree, maxPartBytes: 700 }),
    );
    if (paused.done) throw new Error('expected a checkpoint');
    // The checkpoint crosses a Lambda boundary as JSON.
    const checkpoint = resourceCheckpointSchema.parse(JSON.parse(JSON.stringify(paused.checkpoint)));
    const filesWhilePaused = await filesUnder(root);
    const resumedPager = new FakePager(all);
    const outcome = await finished(
      exportResource(
        options(resumedPager, {
          checkpoint,
          maxPartBytes: 700,
          now: () => new Date('2026-03-04T05:20:00.000Z'),
        }),
      ),
    );

    // Assess
    expect(checkpoint).toMatchObject({ cursor: '30', recordCount: 30 });
    expect(filesWhilePaused.length).toBe(checkpoint.files.length);
    expect(
      filesWhilePaused.some((file) => file.endsWith('_manifest.json') || file.startsWith('_state')),
    ).toBe(false);
    expect(resumedPager.windows[0]?.cursor).toBe('30');
    expect(outcome.manifest.runId).toBe(checkpoint.runId);
    expect(outcome.manifest.startedAt).toBe('2026-03-04T05:06:07.089Z');
    expect(outcome.manifest.recordCount).toBe(87);
    const paths = outcome.manifest.files.map((file) => file.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.slice(0, checkpoint.files.length)).toEqual(checkpoint.files.map((file) => file.path));
    expect(idsOf(await linesOf(outcome.manifestKey, outcome.manifest))).toEqual(
      all.map((record) => record.id),
    );
  });

  it('does not pause after the last page: there is nothing left to continue', async () => {
    // Prepare
    const pager = new FakePager(records(10), { pageSize: 10 });

    // Act
    const outcome = await exportResource(options(pager, { shouldStop: () => true }));

    // Assess
    expect(outcome.done).toBe(true);
  });

  it('writes each record once when the pager may repeat records', async () => {
    // Prepare
    const repeated = [...records(6), ...records(4, 3), ...records(3, 7)];
    const pager = new FakePager(repeated, { yieldsEachOnce: false, pageSize: 4 });

    // Act
    const outcome = await finished(exportResource(options(pager)));

    // Assess
    expect(idsOf(await linesOf(outcome.manifestKey, outcome.manifest))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    expect(outcome.manifest.recordCount).toBe(9);
  });

  it('trusts a pager that promises increasing ids and keeps no id set', async () => {
    // Prepare
    const pager = new FakePager([...records(2), ...records(1)], { yieldsEachOnce: true });

    // Act
    const outcome = await finished(exportResource(options(pager)));

    // Assess
    expect(outcome.manifest.recordCount).toBe(3);
  });

  it('publishes an empty snapshot as a manifest with no files', async () => {
    // Prepare
    const pager = new FakePager([]);

    // Act
    const outcome = await finished(exportResource(options(pager)));

    // Assess
    expect(outcome.manifest.recordCount).toBe(0);
    expect(outcome.manifest.files).toEqual([]);
  });
});
