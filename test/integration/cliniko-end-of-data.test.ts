import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import { runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import {
  type ClinikoSimulator,
  type ClinikoSimulatorOptions,
  startClinikoSimulator,
} from '../../simulators/cliniko/index.js';
import { idOfLine, readRuns } from '../support/read-output.js';

const SETTINGS = { compress: true, maxPartBytes: 64 * 1024, overlapMs: 15 * 60_000 };
let sim: ClinikoSimulator | undefined;
let out: string;

/** A full export of one resource from a simulator started with `options`. */
async function exportFrom(options: ClinikoSimulatorOptions, resource: string) {
  sim = await startClinikoSimulator({ requestsPerMinute: 0, seed: 9, ...options });
  const { catalog } = clinikoCatalog({
    apiKey: sim.apiKey,
    userAgent: 'Clinic Pipe Tests (tests@example.com)',
    baseUrl: new URL(sim.url),
    requestsPerMinute: 100_000,
    timeoutMs: 2_000,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5, rateLimitRetries: 2 },
  });
  return runExport({
    catalog,
    sink: new LocalSink(out),
    settings: SETTINGS,
    mode: 'full',
    resources: [resource],
    concurrency: 1,
  });
}

async function exportedIds(resource: string): Promise<string[]> {
  const runs = await readRuns(out, 'cliniko', resource);
  return runs.flatMap((run) => run.lines.map(idOfLine));
}

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'cliniko-end-'));
});

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  await rm(out, { recursive: true, force: true });
});

describe('Cliniko end of data', () => {
  it('keeps paging a keyset list past full pages that lack links.next: 350 of 350 rows', async () => {
    // Prepare: every second list request answers without links.next (today: 200 of 350 published).
    const options = { rowsPerResource: { patients: 350 }, omitNextLinkEveryNthList: 2 };

    // Act
    const outcome = await exportFrom(options, 'patients');

    // Assess
    expect(outcome.failures).toEqual([]);
    const ids = await exportedIds('patients');
    expect(ids).toHaveLength(350);
    expect(new Set(ids)).toEqual(new Set(sim?.liveIds('patients', { includeArchived: true })));
  });

  it('asks again after an empty keyset page while total_entries says more, and exports every row', async () => {
    // Prepare
    const options = { rowsPerResource: { patients: 350 }, emptyPageEveryNthList: 3 };

    // Act
    const outcome = await exportFrom(options, 'patients');

    // Assess
    expect(outcome.failures).toEqual([]);
    expect(await exportedIds('patients')).toHaveLength(350);
  });

  it('fails the resource when empty pages keep contradicting total_entries: nothing published, no state', async () => {
    // Prepare
    const options = { rowsPerResource: { patients: 350 }, emptyPageEveryNthList: 1 };

    // Act
    const outcome = await exportFrom(options, 'patients');

    // Assess
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]?.message).toMatch(
      /^cliniko\/patients: Cliniko .*\/patients\?.*: an empty page while total_entries says 350 rows follow; cannot tell where the data ends$/,
    );
    expect(await readRuns(out, 'cliniko', 'patients')).toEqual([]);
    expect(await new LocalSink(out).list('_state')).toEqual([]);
  });

  it('asks a links.next list for the next page when its pages hold fewer rows than total_entries', async () => {
    // Prepare
    const options = { rowsPerResource: { services: 250 }, omitNextLinkEveryNthList: 2 };

    // Act
    const outcome = await exportFrom(options, 'services');

    // Assess
    expect(outcome.failures).toEqual([]);
    const ids = await exportedIds('services');
    // services documents no archived_at (no q[] at all): the simulator's list holds every row.
    const expected = sim?.liveIds('services') ?? [];
    expect(expected.length).toBeGreaterThan(200);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids).toHaveLength(expected.length);
  });
});
