import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import { readCurrentManifest } from '../../shared/current-state/publish-current-state.js';
import { runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { README } from './readme-facts.js';

let root: string;
let sim: ClinikoSimulator;
let sink: LocalSink;
let duck: DuckDBConnection;

/** The statements of the README's DuckDB block, comments dropped, in order. */
function duckdbRecipes(): string[] {
  const from = README.indexOf('**DuckDB** (after `npm start`');
  const block = /```sql\n([\s\S]*?)```/.exec(README.slice(from))?.[1];
  if (from < 0 || !block) throw new Error('no DuckDB block in the README');
  return block
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter(Boolean);
}

async function exportPatients(): Promise<void> {
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
    settings: { compress: true, maxPartBytes: 64 * 1024, overlapMs: 15 * 60_000 },
    mode: 'full',
    resources: ['patients'],
    concurrency: 1,
  });
  if (!outcome.done || outcome.failures.length > 0) throw new Error(JSON.stringify(outcome.failures));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'readme-recipes-'));
  // The demo's layout (`out/demo/cliniko/…`): a full run, then a full run after deletions.
  sink = new LocalSink(join(root, 'out', 'demo'));
  sim = await startClinikoSimulator({ requestsPerMinute: 0, seed: 11, rowsPerResource: 120 });
  await exportPatients();
  for (const id of sim.everPresentIds('patients').slice(0, 3)) sim.remove('patients', id);
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  await exportPatients();
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});

afterAll(async () => {
  duck?.closeSync();
  await sim?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('README DuckDB recipes', () => {
  it("run as pasted against output of the demo's shape, and read the current state typed", async () => {
    const recipes = duckdbRecipes();
    expect(recipes.length).toBeGreaterThanOrEqual(8);
    const results: Record<string, unknown>[][] = [];
    for (const recipe of recipes) {
      // Paths in the README are relative to the repository folder, where `npm start` writes out/demo.
      const sql = recipe.replaceAll("'out/demo/", `'${root}/out/demo/`);
      const reader = await duck.runAndReadAll(sql);
      results.push(reader.getRowObjectsJson() as Record<string, unknown>[]);
    }
    const manifest = await readCurrentManifest(sink, 'cliniko', 'patients');
    const selects = recipes.map((recipe, at) => [recipe, results[at] ?? []] as const);
    const [, latest] = selects.find(([recipe]) => recipe.includes('first_name, last_name')) ?? [];
    expect(latest).toHaveLength(5);
    // Typed: 64-bit ids as digits, timestamps as timestamps.
    expect(String(latest?.[0]?.id)).toMatch(/^\d+$/);
    expect(String(latest?.[0]?.updated_at)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    const [, count] = selects.find(([recipe]) => recipe.includes('count(*)')) ?? [];
    expect(Number(Object.values(count?.[0] ?? {})[0])).toBe(manifest?.recordCount);
    const [, schema] = selects.find(([recipe]) => recipe.includes('unnest(fields)')) ?? [];
    expect(schema?.map((row) => row.column)).toEqual(
      expect.arrayContaining(['id', 'first_name', 'updated_at']),
    );
    const [, tombstones] = selects.find(([recipe]) => recipe.includes('_deleted_at')) ?? [];
    expect(tombstones).toHaveLength(3);
  });
});
