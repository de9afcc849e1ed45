import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceCatalog } from '../../shared/export/resource-catalog.js';
import { type RunExportOptions, runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';

export interface Throughput {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

const SETTINGS = { compress: true, maxPartBytes: 256 * 1024 * 1024, overlapMs: 0 };

/** One full export of the given resources into a scratch folder, timed; any failure fails the bench. */
export async function timedExport(
  catalog: ResourceCatalog,
  options: Pick<RunExportOptions, 'resources' | 'concurrency'>,
): Promise<Throughput> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-export-'));
  try {
    const started = Date.now();
    const outcome = await runExport({
      catalog,
      sink: new LocalSink(dir),
      settings: SETTINGS,
      mode: 'full',
      ...options,
    });
    const seconds = (Date.now() - started) / 1000;
    if (!outcome.done || outcome.failures.length > 0) {
      throw new Error(
        `bench export failed: ${outcome.failures.map((failure) => failure.message).join('; ')}`,
      );
    }
    const rows = outcome.results.reduce((sum, result) => sum + result.recordCount, 0);
    return { rows, seconds: Math.round(seconds * 1000) / 1000, rowsPerSecond: Math.round(rows / seconds) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
