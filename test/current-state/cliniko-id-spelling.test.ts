import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalS3, startLocalS3 } from '../../scripts/local/local-s3.js';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import { idValueOf } from '../../shared/current-state/record-id.js';
import type { ExportSettings } from '../../shared/export/export-settings.js';
import { type ResourceResult, runExport } from '../../shared/export/run-export.js';
import { S3Sink } from '../../shared/output/s3-sink.js';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { readCurrent, readTombstones } from './read-current.js';

const BUCKET = 'id-spelling-bucket';
const SETTINGS: ExportSettings = { compress: true, maxPartBytes: 32 * 1024, overlapMs: 15 * 60_000 };
const PATIENTS = 250;

let s3: LocalS3;
let sim: ClinikoSimulator;
let sink: S3Sink;

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
  sim = await startClinikoSimulator({ requestsPerMinute: 0, seed: 11, rowsPerResource: PATIENTS });
  sink = new S3Sink({ client: s3.client, bucket: BUCKET, prefix: 'snapshots/account=main' });
});

afterAll(async () => {
  await sim?.stop();
  await s3?.stop();
});

async function exportPatients(mode: 'full' | 'incremental'): Promise<ResourceResult> {
  const { catalog } = clinikoCatalog({
    apiKey: sim.apiKey,
    userAgent: 'Clinic Pipe Tests (tests@example.com)',
    baseUrl: new URL(sim.url),
    requestsPerMinute: 100_000,
    timeoutMs: 2_000,
    retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20, rateLimitRetries: 3 },
  });
  const outcome = await runExport({
    catalog,
    sink,
    settings: SETTINGS,
    mode,
    resources: ['patients'],
    concurrency: 1,
  });
  if (!outcome.done || outcome.failures.length > 0) throw new Error(JSON.stringify(outcome.failures));
  return outcome.results[0] as ResourceResult;
}

/** The current state's ids by value, failing when one value is there twice (in any spelling). */
async function currentByValue(): Promise<Map<string, string>> {
  const current = await readCurrent(sink, 'cliniko', 'patients');
  const byValue = new Map<string, string>();
  for (const raw of current.records.keys()) {
    const value = idValueOf(raw);
    if (byValue.has(value)) throw new Error(`id ${value} twice in the current state (${raw})`);
    byValue.set(value, raw);
  }
  return byValue;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1_100));

describe('Cliniko ids switching between number and string spellings', () => {
  it('neither tombstones live patients on a full run nor doubles them on an incremental one', async () => {
    // Prepare: a full run with numeric ids.
    await exportPatients('full');
    const live = sim.liveIds('patients', { includeArchived: true });
    const first = await currentByValue();

    // Act 1: the API now spells ids as strings; a few rows are edited, then an incremental run.
    sim.setFaults({ stringIds: true });
    const edited = live.slice(5, 9);
    for (const id of edited) sim.touch('patients', id);
    await settle();
    const incremental = await exportPatients('incremental');
    const afterIncremental = await currentByValue();

    // Act 2: a full run, still strings, after one patient is removed.
    const removed = live[40] as string;
    sim.remove('patients', removed);
    const full = await exportPatients('full');
    const afterFull = await currentByValue();

    // Assess: every live patient once, by value; the edited ones now as the API last spelled them.
    expect([...first.keys()].sort()).toEqual([...live].sort());
    expect(first.get(live[0] as string)).toBe(live[0]);
    expect(incremental.mode).toBe('incremental');
    expect(afterIncremental.size).toBe(live.length);
    for (const id of edited) expect(afterIncremental.get(id)).toBe(`"${id}"`);
    expect(afterIncremental.get(live[0] as string)).toBe(live[0]);
    // The full run tombstoned only the removed patient, spelled as its live version was (a number).
    expect(full.mode).toBe('full');
    expect(afterFull.size).toBe(live.length - 1);
    expect([...afterFull.values()].every((raw) => raw.startsWith('"'))).toBe(true);
    const tombstones = await readTombstones(sink, 'cliniko', 'patients');
    expect(tombstones.map((tombstone) => tombstone.id)).toEqual([removed]);
    expect(full.deletedCount).toBe(1);
  });
});
