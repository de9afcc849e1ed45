import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalS3, startLocalS3 } from '../../scripts/local/local-s3.js';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import type { ExportSettings } from '../../shared/export/export-settings.js';
import { type ResourceResult, runExport } from '../../shared/export/run-export.js';
import { S3Sink } from '../../shared/output/s3-sink.js';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { readCurrent, readTombstones } from './read-current.js';
import { readRunLines } from './run-lines.js';

const BUCKET = 'current-state-bucket';
const SETTINGS: ExportSettings = { compress: true, maxPartBytes: 32 * 1024, overlapMs: 15 * 60_000 };

let s3: LocalS3;
let sim: ClinikoSimulator;
let sink: S3Sink;

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
  sim = await startClinikoSimulator({ requestsPerMinute: 0, seed: 7, rowsPerResource: 400 });
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

/** The lines of one completed run, by raw id, read back through its manifest. */
function runLines(result: ResourceResult): Promise<Map<string, string>> {
  return readRunLines(sink, strip(result.manifestKey));
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1_100));

describe('Cliniko current state over HTTP and S3', () => {
  it('follows full -> incremental -> full with edits and deletes, record by record', async () => {
    // Prepare: a first full run.
    const first = await exportPatients('full');
    const afterFirst = await readCurrent(sink, 'cliniko', 'patients');
    const firstLines = await runLines(first);
    const presentAtFirst = sim.everPresentIds('patients');
    const edited = sim.everPresentIds('patients').slice(10, 14);
    const removed = sim.everPresentIds('patients').slice(20, 23);
    for (const id of edited) sim.touch('patients', id);
    for (const id of removed) sim.remove('patients', id);
    await settle();

    // Act: an incremental run (edits only; deletions unseen), then a full run.
    const second = await exportPatients('incremental');
    const afterSecond = await readCurrent(sink, 'cliniko', 'patients');
    const secondLines = await runLines(second);
    const third = await exportPatients('full');
    const afterThird = await readCurrent(sink, 'cliniko', 'patients');
    const thirdLines = await runLines(third);

    // Assess: after the first run the current state is that run, line for line.
    expect(afterFirst.records).toEqual(firstLines);
    expect([...firstLines.keys()].sort()).toEqual([...presentAtFirst].sort());
    // The incremental merged its edited rows over the first run and deleted nothing.
    expect(second.mode).toBe('incremental');
    expect([...secondLines.keys()].sort()).toEqual([...edited].sort());
    expect(afterSecond.records).toEqual(new Map([...firstLines, ...secondLines]));
    expect(afterSecond.manifest.deletedCount).toBe(0);
    // The full run dropped exactly the removed rows, and tombstoned each once, by the full run.
    expect(afterThird.records).toEqual(thirdLines);
    for (const id of removed) expect(afterThird.records.has(id)).toBe(false);
    for (const id of edited) expect(afterThird.records.get(id)).toBe(secondLines.get(id));
    const tombstones = await readTombstones(sink, 'cliniko', 'patients');
    expect(tombstones.map((t) => t.id).sort()).toEqual([...removed].sort());
    for (const tombstone of tombstones) {
      expect(tombstone.runId).toBe(third.runId);
      expect(tombstone.key).toMatch(
        new RegExp(
          `^cliniko/patients/deletions/dt=\\d{4}-\\d{2}-\\d{2}/run=${third.runId}/part-00000\\.ndjson\\.gz$`,
        ),
      );
    }
    expect(third.deletedCount).toBe(removed.length);
    expect(afterThird.manifest).toMatchObject({
      mode: 'current',
      asOf: { runId: third.runId },
      deletedCount: 3,
    });
    expect(third.currentManifestKey).toBe('snapshots/account=main/cliniko/patients/current/_manifest.json');
  });

  it('writes Redshift COPY manifests for the run and the current state, and the Athena symlink file', async () => {
    // Prepare
    const result = await exportPatients('full');

    // Act
    const runCopy = JSON.parse((await sink.getText(strip(result.copyManifestKey))) ?? '{}');
    const currentCopy = JSON.parse((await sink.getText(strip(result.currentCopyManifestKey))) ?? '{}');
    const symlink = await sink.getText('cliniko/patients/current/_symlink/symlink.txt');
    const current = await readCurrent(sink, 'cliniko', 'patients');

    // Assess
    const runFolder = result.manifestKey.slice(0, -'/_manifest.json'.length);
    const runManifest = JSON.parse((await sink.getText(strip(result.manifestKey))) ?? '{}');
    expect(runCopy).toEqual({
      entries: runManifest.files.map((file: { path: string; bytes: number }) => ({
        url: `s3://${BUCKET}/${runFolder}/${file.path}`,
        mandatory: true,
        meta: { content_length: file.bytes },
      })),
    });
    const currentUrls = current.manifest.files.map(
      (file) => `s3://${BUCKET}/snapshots/account=main/cliniko/patients/current/${file.path}`,
    );
    expect(currentCopy.entries.map((entry: { url: string }) => entry.url)).toEqual(currentUrls);
    expect(
      currentCopy.entries.map((entry: { meta: { content_length: number } }) => entry.meta.content_length),
    ).toEqual(current.manifest.files.map((file) => file.bytes));
    expect(symlink).toBe(currentUrls.map((url) => `${url}\n`).join(''));
    expect(current.manifest.files.every((file) => file.path.startsWith(`v=${result.runId}/`))).toBe(true);
  });
});

function strip(key: string | undefined): string {
  if (!key) throw new Error('key missing from the result');
  return key.replace(/^snapshots\/account=main\//, '');
}
