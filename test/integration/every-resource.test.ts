import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { SOURCES } from '../../shared/sources/registry.js';
import { type RunningSimulator, SIMULATORS } from '../../simulators/registry.js';
import { idOfLine, readRuns } from '../support/read-output.js';

const SETTINGS = { compress: true, maxPartBytes: 64 * 1024 * 1024, overlapMs: 0 };

/**
 * Every resource of every registered source, exported through that source's simulator: an upstream name or
 * list key the simulator (built from the docs) does not serve fails here instead of shipping.
 */
describe('every resource of every source', () => {
  let dir: string | undefined;
  let sim: RunningSimulator | undefined;

  afterEach(async () => {
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    sim = undefined;
    dir = undefined;
  });

  it.each(SOURCES.map((source) => [source.name, source] as const))(
    '%s: exports each resource in its table, complete and readable',
    async (name, source) => {
      // Prepare
      const start = SIMULATORS[name];
      expect(start, `simulators/registry.ts has no simulator for source ${name}`).toBeDefined();
      dir = await mkdtemp(join(tmpdir(), `every-${name}-`));
      const options = { rowsPerResource: 30, requestsPerMinute: 100_000, scratchDir: dir };
      sim = await (start as NonNullable<typeof start>)(options);
      const connection = await source.connectLocal(sim.env);

      // Act
      const outcome = await runExport({
        catalog: connection.catalog,
        sink: new LocalSink(join(dir, 'out')),
        settings: SETTINGS,
        mode: 'full',
        concurrency: 4,
      });

      // Assess
      expect(outcome.failures).toEqual([]);
      expect(outcome.done).toBe(true);
      const results = outcome.done ? outcome.results : [];
      expect(results.map((result) => result.resource).sort()).toEqual([...source.resourceNames].sort());
      for (const resource of source.resourceNames) {
        const runs = await readRuns(join(dir, 'out'), name, resource);
        expect(runs, resource).toHaveLength(1);
        const lines = runs[0]?.lines ?? [];
        expect(lines.length, `${resource} rows`).toBeGreaterThan(0);
        // A one-record resource (Cliniko settings) is an object without an id; lists repeat no id (or no
        // value of the key their manifest names, e.g. Welkin's program definitions keyed by name).
        const key = runs[0]?.manifest.key;
        const keyOf = key ? (line: string) => String(JSON.parse(line)[key]) : idOfLine;
        if (lines.length > 1) expect(new Set(lines.map(keyOf)).size, `${resource} ids`).toBe(lines.length);
      }
    },
    60_000,
  );
});
