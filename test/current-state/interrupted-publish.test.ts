import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalS3, startLocalS3 } from '../../scripts/local/local-s3.js';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import { SinkError } from '../../shared/errors.js';
import type { ExportSettings } from '../../shared/export/export-settings.js';
import { type RunOutcome, runExport } from '../../shared/export/run-export.js';
import { S3Sink } from '../../shared/output/s3-sink.js';
import type { Sink, Upload } from '../../shared/output/sink.js';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { readCurrent } from './read-current.js';
import { readRunLines } from './run-lines.js';

const BUCKET = 'interrupted-bucket';
const SETTINGS: ExportSettings = { compress: true, maxPartBytes: 8 * 1024, overlapMs: 15 * 60_000 };

/** An S3 sink whose write of one key fails while `failing` is set, as a crash right before it would. */
class FailingSink implements Sink {
  failing = false;
  constructor(
    private readonly inner: Sink,
    private readonly failAt: string,
  ) {}
  get location(): string {
    return this.inner.location;
  }
  storageKey(key: string): string {
    return this.inner.storageKey(key);
  }
  openUpload(key: string, contentType: string): Upload {
    return this.inner.openUpload(key, contentType);
  }
  async putText(key: string, text: string, contentType?: string): Promise<void> {
    if (this.failing && key.endsWith(this.failAt)) throw new SinkError(`write to ${key} failed: injected`);
    await this.inner.putText(key, text, contentType);
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

let s3: LocalS3;
let sim: ClinikoSimulator;
let sink: FailingSink;

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
  sim = await startClinikoSimulator({ requestsPerMinute: 0, seed: 3, rowsPerResource: 300 });
  sink = new FailingSink(
    new S3Sink({ client: s3.client, bucket: BUCKET, prefix: 'p' }),
    'current/_manifest.json',
  );
});

afterAll(async () => {
  await sim?.stop();
  await s3?.stop();
});

function exportPatients(mode: 'full' | 'incremental'): Promise<RunOutcome> {
  const { catalog } = clinikoCatalog({
    apiKey: sim.apiKey,
    userAgent: 'Clinic Pipe Tests (tests@example.com)',
    baseUrl: new URL(sim.url),
    requestsPerMinute: 100_000,
    timeoutMs: 2_000,
    retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20, rateLimitRetries: 3 },
  });
  return runExport({ catalog, sink, settings: SETTINGS, mode, resources: ['patients'], concurrency: 1 });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1_100));

describe('an interrupted current-state publish', () => {
  it('keeps the previous current state readable, removes its own files, and is merged by the next run', async () => {
    // Prepare: a published current state, then edits.
    const first = await exportPatients('full');
    const before = await readCurrent(sink, 'cliniko', 'patients');
    const firstEdits = sim.everPresentIds('patients').slice(0, 3);
    for (const id of firstEdits) sim.touch('patients', id);
    await settle();

    // Act: the publish after the second run fails right before its manifest; a third run follows.
    sink.failing = true;
    const second = await exportPatients('incremental');
    sink.failing = false;
    const during = await readCurrent(sink, 'cliniko', 'patients');
    const leftovers = await sink.list('cliniko/patients/current');
    const symlinkDuring = await sink.getText('cliniko/patients/current/_symlink/symlink.txt');
    const copyDuring = JSON.parse(
      (await sink.getText('cliniko/patients/current/_copy_manifest.json')) ?? '{}',
    );
    const laterEdits = sim.everPresentIds('patients').slice(50, 52);
    for (const id of laterEdits) sim.touch('patients', id);
    await settle();
    const third = await exportPatients('incremental');
    const after = await readCurrent(sink, 'cliniko', 'patients');

    // Assess: the failure names the resource and the step; the run itself stays complete.
    expect(first.done && first.failures).toEqual([]);
    expect(second.failures.map((failure) => [failure.errorName, failure.message])).toEqual([
      [
        'CurrentStateError',
        expect.stringMatching(
          /^cliniko\/patients: current state not published: write to .*_manifest\.json failed/,
        ),
      ],
    ]);
    // Readers still see the previous version, whole, and no file of the failed version is left.
    expect(during.manifest).toEqual(before.manifest);
    expect(during.records).toEqual(before.records);
    const previousVersion = `v=${before.manifest.asOf.runId}/`;
    expect(leftovers.filter((key) => key.includes('/v=') && !key.includes(previousVersion))).toEqual([]);
    // Loaders and Athena are pointed back at the previous version's files.
    const previousUrls = before.manifest.files.map(
      (file) => `s3://${BUCKET}/p/cliniko/patients/current/${file.path}`,
    );
    expect(symlinkDuring).toBe(previousUrls.map((url) => `${url}\n`).join(''));
    expect(copyDuring.entries.map((entry: { url: string }) => entry.url)).toEqual(previousUrls);
    // The next publish merged the run whose publish failed and its own.
    if (!third.done) throw new Error('third run paused');
    const [result] = third.results;
    expect(after.manifest.runIds).toHaveLength(2);
    expect(after.manifest.asOf.runId).toBe(result?.runId);
    const secondManifests = (await sink.list('cliniko/patients')).filter(
      (key) => key.endsWith('/_manifest.json') && key.includes(`run=${after.manifest.runIds[0]}/`),
    );
    const secondLines = await readRunLines(sink, secondManifests[0] as string);
    const thirdLines = await readRunLines(sink, String(result?.manifestKey).replace(/^p\//, ''));
    expect(after.records).toEqual(new Map([...before.records, ...secondLines, ...thirdLines]));
    for (const id of [...firstEdits, ...laterEdits])
      expect(after.records.get(id)).not.toBe(before.records.get(id));
  }, 60_000);
});
