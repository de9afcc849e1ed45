import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { type RunCheckpoint, runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { welkinCatalog } from '../../shared/welkin/catalog.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import { readRuns } from '../support/read-output.js';

let sim: WelkinSimulator;
let out: string;

function catalogOf(simulator: WelkinSimulator) {
  return welkinCatalog(
    {
      tenant: simulator.tenant,
      instance: simulator.instance,
      clientName: simulator.clientName,
      secret: simulator.secret,
      env: 'live',
      baseUrl: new URL(simulator.baseUrl),
      timeoutMs: 5_000,
      retry: { retries: 10, baseDelayMs: 1, maxDelayMs: 5, rateLimitRetries: 5 },
    },
    new MemoryTokenStore(),
    { pollMs: 5 },
  ).catalog;
}

/** A full run of patients continued over invocations that each stop after `pagesPerInvocation` pages. */
async function continuedFullRun(
  pagesPerInvocation: number,
): Promise<{ invocations: number; ids: string[]; memorySaves: number }> {
  const catalog = catalogOf(sim);
  const sink = new LocalSink(out);
  let checkpoint: RunCheckpoint | undefined;
  let memorySaves = 0;
  for (let invocations = 1; invocations <= 50; invocations += 1) {
    let pages = 0;
    const outcome = await runExport({
      catalog,
      sink,
      settings: { compress: true, maxPartBytes: 256 * 1024, overlapMs: 0 },
      mode: 'full',
      resources: ['patients'],
      concurrency: 1,
      checkpoint,
      onProgress: (event) => {
        if (event.kind === 'page') pages += 1;
      },
      shouldStop: () => pages >= pagesPerInvocation,
    });
    expect(outcome.failures).toEqual([]);
    if (outcome.done) {
      const lines = (await readRuns(out, 'welkin', 'patients')).flatMap((run) => run.lines);
      return {
        invocations,
        memorySaves,
        ids: lines.map((line) => /^\{"id":"([^"]+)"/.exec(line)?.[1] as string),
      };
    }
    // As Step Functions would hand it on: through JSON.
    checkpoint = JSON.parse(JSON.stringify(outcome.checkpoint)) as RunCheckpoint;
    if (checkpoint.pending[0]?.checkpoint?.memoryKey) memorySaves += 1;
  }
  throw new Error('export never finished');
}

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'welkin-continuation-'));
});

afterEach(async () => {
  await sim?.stop();
  await rm(out, { recursive: true, force: true });
});

describe('a Welkin full snapshot continued over several invocations', () => {
  it('writes each record once while records are edited mid-run, and leaves no dedupe object behind', async () => {
    // Prepare: an edit before every export request moves a row, often one already written, to the end.
    sim = await startWelkinSimulator({
      rowsPerResource: { PATIENT: 2_600 },
      seed: 21,
      mutateWhilePaging: { editEveryNthRequest: 1 },
    });
    const before = sim.liveIds('PATIENT');

    // Act
    const { invocations, ids, memorySaves } = await continuedFullRun(2);

    // Assess
    expect(invocations).toBeGreaterThan(3);
    expect(sim.stats().mutations).toBeGreaterThan(4);
    expect(ids.length - new Set(ids).size).toBe(0);
    expect([...new Set(ids)].sort()).toEqual([...before].sort());
    expect(memorySaves).toBeGreaterThan(2);
    expect(await new LocalSink(out).list('_state/welkin/runs')).toEqual([]);
  });
});
