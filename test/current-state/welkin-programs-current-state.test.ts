import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import type { ExportSettings } from '../../shared/export/export-settings.js';
import { runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { joinKey } from '../../shared/output/sink.js';
import { welkinCatalog } from '../../shared/welkin/catalog.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import { readRuns } from '../support/read-output.js';
import { readCurrent } from './read-current.js';

const SETTINGS: ExportSettings = { compress: true, maxPartBytes: 16 * 1024, overlapMs: 15 * 60_000 };

let sim: WelkinSimulator;
let out: string;
let sink: LocalSink;

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'welkin-programs-'));
  sink = new LocalSink(out);
  sim = await startWelkinSimulator({ rowsPerResource: { PROGRAM: 7 } });
});

afterEach(async () => {
  await sim.stop();
  await rm(out, { recursive: true, force: true });
});

async function exportPrograms(): Promise<void> {
  const { catalog } = welkinCatalog(
    {
      tenant: sim.tenant,
      instance: sim.instance,
      clientName: sim.clientName,
      secret: sim.secret,
      env: 'live',
      baseUrl: new URL(sim.baseUrl),
      timeoutMs: 5_000,
    },
    new MemoryTokenStore(),
  );
  const outcome = await runExport({
    catalog,
    sink,
    settings: SETTINGS,
    mode: 'full',
    resources: ['programs'],
    concurrency: 1,
  });
  if (!outcome.done || outcome.failures.length > 0) throw new Error(JSON.stringify(outcome.failures));
}

const nameOf = (id: string) => (sim.getRecord('PROGRAM', id) as { name: string }).name;

/** Every tombstone line under `welkin/programs/deletions/` (gzip parts). */
async function tombstoneLines(): Promise<string[]> {
  const lines: string[] = [];
  for (const key of await sink.list(joinKey('welkin', 'programs', 'deletions'))) {
    const chunks: Buffer[] = [];
    for await (const chunk of (await sink.openRead(key)) ?? []) chunks.push(Buffer.from(chunk));
    const bytes = Buffer.concat(chunks);
    const text = key.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    lines.push(...text.split('\n').filter(Boolean));
  }
  return lines;
}

describe('Welkin program definitions (keyed by name, no id)', () => {
  it('are read from formations/current/programs in one request and kept in the current state by name', async () => {
    // Prepare
    const [gone, ...kept] = sim.liveIds('PROGRAM') as [string, ...string[]];
    const goneName = nameOf(gone);
    await exportPrograms();
    const dataRequests = () => sim.stats().requests - sim.stats().tokenRequests;
    const requestsBefore = dataRequests();
    sim.remove('PROGRAM', gone);

    // Act
    await exportPrograms();

    // Assess: one data request per run; each definition once, keyed by its name; the removed one tombstoned.
    expect(dataRequests() - requestsBefore).toBe(1);
    const runs = await readRuns(out, 'welkin', 'programs');
    expect(runs.map((run) => run.manifest.key)).toEqual(['name', 'name']);
    const current = await readCurrent(sink, 'welkin', 'programs', 'name');
    expect([...current.records.keys()].sort()).toEqual(kept.map((id) => JSON.stringify(nameOf(id))).sort());
    for (const id of kept) {
      const sent = (sim.getRecordText('PROGRAM', id) as string)
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029');
      expect(current.records.get(JSON.stringify(nameOf(id)))).toBe(sent);
    }
    const tombstones = (await tombstoneLines()).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(tombstones).toHaveLength(1);
    // The deletions table has one shape: `id` holds the key value, here the program's name.
    expect(Object.keys(tombstones[0] as object)).toEqual(['id', '_deleted_at', '_run_id']);
    expect(tombstones[0]?.id).toBe(goneName);
  });
});
