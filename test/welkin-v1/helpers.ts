import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryTokenStore, type TokenStore } from '../../shared/auth/token-store.js';
import type { ExportSettings } from '../../shared/export/export-settings.js';
import { type RunExportOptions, runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { welkinV1Catalog } from '../../shared/welkin-v1/catalog.js';
import type { WelkinV1Config } from '../../shared/welkin-v1/config.js';
import type { WelkinV1Simulator } from '../../simulators/welkin-v1/index.js';
import { idOfLine, readRuns } from '../support/read-output.js';

export const SETTINGS: ExportSettings = { compress: true, maxPartBytes: 256 * 1024, overlapMs: 15 * 60_000 };

export function configOf(sim: WelkinV1Simulator, pageSize = 10): WelkinV1Config {
  const baseUrl = new URL(sim.baseUrl);
  return {
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    scope: 'all',
    baseUrl,
    tokenUrl: new URL('/v1/token', baseUrl),
    timeoutMs: 5_000,
    pageSize,
    retry: { retries: 6, baseDelayMs: 1, maxDelayMs: 5, rateLimitRetries: 2 },
  };
}

export function sourceOf(sim: WelkinV1Simulator, pageSize = 10, store: TokenStore = new MemoryTokenStore()) {
  return welkinV1Catalog(configOf(sim, pageSize), store, { pollMs: 5 });
}

export async function exportTo(
  root: string,
  options: Partial<RunExportOptions> & Pick<RunExportOptions, 'catalog'>,
) {
  return runExport({
    sink: new LocalSink(root),
    settings: SETTINGS,
    mode: 'full',
    concurrency: 3,
    ...options,
  });
}

/** Ids of every line of the latest completed run of a resource. */
export async function exportedIds(root: string, resource: string): Promise<string[]> {
  const runs = await readRuns(root, 'welkin-v1', resource);
  const latest = runs.sort((a, b) => a.manifest.startedAt.localeCompare(b.manifest.startedAt)).at(-1);
  return latest ? latest.lines.map(idOfLine) : [];
}

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'welkin-v1-'));
  // Retries: a failed run's clean-up may still be removing its own files when the test ends.
  return { path, remove: () => rm(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }) };
}
