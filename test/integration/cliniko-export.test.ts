import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExportCli } from '../../scripts/export.js';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import type { ExportSettings } from '../../shared/export/export-settings.js';
import type { ResourceCatalog } from '../../shared/export/resource-catalog.js';
import { type RunCheckpoint, runExport } from '../../shared/export/run-export.js';
import type { RetryPolicy } from '../../shared/http/retry-policy.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { idOfLine, readRuns } from '../support/read-output.js';

const SETTINGS: ExportSettings = { compress: true, maxPartBytes: 64 * 1024, overlapMs: 15 * 60_000 };
const FAST_RETRY_ENV = { CLINIKO_USER_AGENT: 'Clinic Pipe Tests (tests@example.com)' };

let sim: ClinikoSimulator;
let out: string;

async function start(
  options: Parameters<typeof startClinikoSimulator>[0],
  client: { retry?: RetryPolicy; fetch?: typeof fetch } = {},
) {
  sim = await startClinikoSimulator({ requestsPerMinute: 0, seed: 42, ...options });
  return clinikoCatalog(
    {
      apiKey: sim.apiKey,
      userAgent: FAST_RETRY_ENV.CLINIKO_USER_AGENT,
      baseUrl: new URL(sim.url),
      requestsPerMinute: 100_000,
      timeoutMs: 2_000,
      retry: client.retry ?? { retries: 6, baseDelayMs: 5, maxDelayMs: 50, rateLimitRetries: 5 },
    },
    { fetch: client.fetch },
  );
}

/** A full export of `resources` into the test's output folder, one resource at a time. */
function exportFull(catalog: ResourceCatalog, resources?: string[], concurrency = 1) {
  return runExport({
    catalog,
    sink: new LocalSink(out),
    settings: SETTINGS,
    mode: 'full',
    resources,
    concurrency,
  });
}

function exportIncremental(catalog: ResourceCatalog, resource: string) {
  return runExport({
    catalog,
    sink: new LocalSink(out),
    settings: SETTINGS,
    mode: 'incremental',
    resources: [resource],
    concurrency: 1,
  });
}

function ids(lines: string[]): string[] {
  return lines.map(idOfLine);
}

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'cliniko-export-'));
});

afterEach(async () => {
  await sim?.stop();
  await rm(out, { recursive: true, force: true });
});

describe('Cliniko export against the simulator', () => {
  it('exports every resource, archived and cancelled rows included, each record once and byte-exact', async () => {
    // Prepare
    const { catalog } = await start({ rowsPerResource: 130 });

    // Act
    const outcome = await exportFull(catalog, undefined, 3);

    // Assess
    expect(outcome.done && outcome.failures).toEqual([]);
    for (const resource of ['patients', 'individual_appointments', 'invoices', 'contacts']) {
      const [run] = await readRuns(out, 'cliniko', resource);
      const exported = ids(run?.lines ?? []);
      expect(new Set(exported).size).toBe(exported.length);
      expect([...exported].sort()).toEqual([...sim.everPresentIds(resource)].sort());
      expect(run?.manifest.recordCount).toBe(exported.length);
    }
    const [patients] = await readRuns(out, 'cliniko', 'patients');
    const raw = patients?.lines.join('\n') ?? '';
    expect(raw).not.toMatch(/[\u2028\u2029]/);
    expect(raw).toMatch(/\\u2028/);
    for (const line of patients?.lines ?? []) expect(() => JSON.parse(line)).not.toThrow();
    const [settings] = await readRuns(out, 'cliniko', 'settings');
    expect(settings?.lines).toHaveLength(1);
  });

  it('keeps 64-bit ids digit for digit', async () => {
    // Prepare
    const { catalog } = await start({ rowsPerResource: 20 });

    // Act
    await exportFull(catalog, ['patients']);

    // Assess
    const [run] = await readRuns(out, 'cliniko', 'patients');
    const exported = ids(run?.lines ?? []);
    expect(exported.every((id) => BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
    expect([...exported].sort()).toEqual([...sim.everPresentIds('patients')].sort());
    expect(run?.lines[0]).toMatch(/"id":\d{17,}/);
  });

  it('loses nothing and repeats nothing with 5xx, dropped connections, latency and rows changing mid-run', async () => {
    // Prepare
    const { catalog } = await start({
      rowsPerResource: 1_500,
      latencyMs: 3,
      errorRate: 0.15,
      dropRate: 0.1,
      mutateWhilePaging: { deleteEveryNthRequest: 2, editEveryNthRequest: 3, insertEveryNthRequest: 4 },
    });
    const resources = ['patients', 'individual_appointments'];

    // Act
    const outcome = await exportFull(catalog, resources, 2);

    // Assess
    expect(outcome.failures).toEqual([]);
    expect(sim.stats().errors + sim.stats().drops).toBeGreaterThan(0);
    for (const resource of resources) {
      const [run] = await readRuns(out, 'cliniko', resource);
      const exported = ids(run?.lines ?? []);
      expect(new Set(exported).size).toBe(exported.length);
      const missing = sim.everPresentIds(resource).filter((id) => !exported.includes(id));
      expect(missing).toEqual([]);
      expect(sim.deletedIds(resource).length).toBeGreaterThan(0);
    }
  });

  it('waits out 429s until X-RateLimit-Reset and still exports every record once', async () => {
    // Prepare: the simulator allows 4 requests per 1.5 s window; the client is configured far above that.
    const { catalog } = await start(
      { requestsPerMinute: 4, rateLimitWindowMs: 1_500, rowsPerResource: 700 },
      { retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 50, rateLimitRetries: 30 } },
    );

    // Act
    const outcome = await exportFull(catalog, ['patients']);

    // Assess
    expect(outcome.failures).toEqual([]);
    expect(sim.stats().rateLimited).toBeGreaterThan(0);
    const [run] = await readRuns(out, 'cliniko', 'patients');
    expect(ids(run?.lines ?? []).sort()).toEqual([...sim.everPresentIds('patients')].sort());
  });

  it('re-scans an offset-paged list until a scan saw it hold still', async () => {
    // Prepare: rows are deleted while the first scan pages, then the list holds still.
    let requests = 0;
    const countingFetch: typeof fetch = (input, init) => {
      requests += 1;
      if (requests === 3) sim.setFaults({ mutateWhilePaging: {} });
      return fetch(input, init);
    };
    const { catalog } = await start(
      { rowsPerResource: { referral_sources: 330 }, mutateWhilePaging: { deleteEveryNthRequest: 2 } },
      { fetch: countingFetch },
    );

    // Act
    const outcome = await exportFull(catalog, ['referral_sources']);

    // Assess
    expect(outcome.failures).toEqual([]);
    const [run] = await readRuns(out, 'cliniko', 'referral_sources');
    const exported = ids(run?.lines ?? []);
    expect(new Set(exported).size).toBe(exported.length);
    expect(sim.deletedIds('referral_sources').length).toBeGreaterThan(0);
    // The docs list no filters for referral_sources, so archived ones cannot be asked for: the visible rows are the data.
    const visibleThroughout = sim
      .liveIds('referral_sources')
      .filter((id) => sim.everPresentIds('referral_sources').includes(id));
    expect(visibleThroughout.filter((id) => !exported.includes(id))).toEqual([]);
  });

  it('continues from a checkpoint with no gap and no duplicate', async () => {
    // Prepare
    const { catalog } = await start({ rowsPerResource: 1_300, latencyMs: 10 });
    let pagesBeforeStop = 2;
    const shouldStop = () => --pagesBeforeStop < 0;
    let checkpoint: RunCheckpoint | undefined;
    let invocations = 0;

    // Act
    for (;;) {
      invocations += 1;
      pagesBeforeStop = 2;
      const outcome = await runExport({
        catalog,
        sink: new LocalSink(out),
        settings: SETTINGS,
        mode: 'full',
        resources: ['patients'],
        checkpoint,
        concurrency: 1,
        shouldStop,
      });
      if (outcome.done) break;
      checkpoint = outcome.checkpoint;
    }

    // Assess
    expect(invocations).toBeGreaterThan(2);
    // One resource, one worker: overlapping requests mean the id space was split into ranges.
    expect(sim.stats().maxInFlight).toBeGreaterThan(1);
    const runs = await readRuns(out, 'cliniko', 'patients');
    expect(runs).toHaveLength(1);
    const exported = ids(runs[0]?.lines ?? []);
    expect(new Set(exported).size).toBe(exported.length);
    expect([...exported].sort()).toEqual([...sim.everPresentIds('patients')].sort());
    expect(runs[0]?.manifest.files.length).toBeGreaterThan(2);
  });

  it('runs incrementally from the stored watermark and picks up edited rows', async () => {
    // Prepare
    const { catalog } = await start({ rowsPerResource: 200 });
    await exportIncremental(catalog, 'patients');
    const edited = sim.everPresentIds('patients').slice(5, 8);
    for (const id of edited) sim.touch('patients', id);
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    // Act
    const outcome = await exportIncremental(catalog, 'patients');

    // Assess
    expect(outcome.done).toBe(true);
    const runs = (await readRuns(out, 'cliniko', 'patients')).sort((a, b) =>
      a.manifest.startedAt.localeCompare(b.manifest.startedAt),
    );
    expect(runs.map((run) => run.manifest.mode)).toEqual(['full', 'incremental']);
    const second = runs[1];
    expect(second?.manifest.since).toBeDefined();
    expect(ids(second?.lines ?? []).sort()).toEqual([...edited].sort());
  });

  it('publishes nothing and keeps the state when the API keeps failing', async () => {
    // Prepare
    const { catalog } = await start({ rowsPerResource: 50, errorRate: 1 });

    // Act
    const outcome = await exportFull(catalog, ['patients']);

    // Assess
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]?.message).toMatch(
      /^cliniko\/patients: Cliniko: server error 5\d\d after \d+ attempts \(GET http:\/\/127\.0\.0\.1:\d+\/v1\/patients\?/,
    );
    expect(outcome.failures[0]?.message).not.toContain(sim.apiKey);
    expect(await readRuns(out, 'cliniko', 'patients')).toEqual([]);
    expect(await new LocalSink(out).list('')).toEqual([]);
  });
});

describe('export CLI', () => {
  it('exports the named resources and exits 0, or exits non-zero with one line per failure', async () => {
    // Prepare
    await start({ rowsPerResource: 40 });
    const err: string[] = [];
    const io = (env: Record<string, string>) => ({
      env,
      err: (line: string) => err.push(line),
      out: () => undefined,
    });
    const env = { ...FAST_RETRY_ENV, CLINIKO_API_KEY: sim.apiKey, CLINIKO_BASE_URL: sim.url };

    // Act
    const ok = await runExportCli(['cliniko', '--out', out, '--resources', 'patients,taxes'], io(env));
    const badKey = await runExportCli(
      ['cliniko', '--out', out, '--resources', 'patients'],
      io({ ...env, CLINIKO_API_KEY: 'wrong-key-au1' }),
    );
    const unknown = await runExportCli(['cliniko', '--out', out, '--resources', 'nope'], io(env));

    // Assess
    expect(ok).toBe(0);
    expect(await readdir(join(out, 'cliniko'))).toEqual(['patients', 'taxes']);
    expect(badKey).toBe(1);
    expect(err.some((line) => /^error: cliniko\/patients: Cliniko: 401 API key rejected/.test(line))).toBe(
      true,
    );
    expect(err.join('\n')).not.toContain('wrong-key-au1');
    expect(unknown).toBe(2);
  });
});
