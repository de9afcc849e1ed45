import { joinKey } from './sink.js';

/** Hive-style folders so Athena, Glue and DuckDB see `dt` and `run` as partitions. */
export function runFolder(source: string, resource: string, startedAt: string, runId: string): string {
  return joinKey(source, resource, `dt=${startedAt.slice(0, 10)}`, `run=${runId}`);
}

/** `<source>/<resource>/dt=<day>`: the folders of the runs started that day. */
export function runDayFolder(source: string, resource: string, day: string): string {
  return joinKey(source, resource, `dt=${day}`);
}

const RUN_MANIFEST = /^([^/]+\/[^/]+\/dt=[^/]+\/run=([^/]+))\/_manifest\.json$/;

/** The folder and run id of a run's `_manifest.json` key (relative to the sink), else undefined. */
export function parseRunManifestKey(key: string): { folder: string; runId: string } | undefined {
  const match = RUN_MANIFEST.exec(key);
  return match ? { folder: match[1] as string, runId: match[2] as string } : undefined;
}

/** The folder holding a `_manifest.json` (a run folder, or `current/`). */
export function folderOfManifest(key: string): string {
  return key.endsWith('/_manifest.json') ? key.slice(0, -'/_manifest.json'.length) : key;
}

export function partKey(folder: string, index: number, compressed: boolean): string {
  return joinKey(folder, `part-${String(index).padStart(5, '0')}.ndjson${compressed ? '.gz' : ''}`);
}

export function manifestKey(folder: string): string {
  return joinKey(folder, '_manifest.json');
}

/**
 * Objects a run keeps while it is continued across invocations (the pager's memory); removed when it ends.
 * Under the source's state folder, which its functions may already write, and outside every data folder.
 */
export function runMemoryFolder(source: string, resource: string, runId: string): string {
  return joinKey('_state', source, 'runs', resource, runId);
}

export function stateKey(source: string, resource: string): string {
  return joinKey('_state', source, `${resource}.json`);
}

/** Sortable, unique enough for concurrent runs, safe in a path. */
export function newRunId(startedAt: Date, random: () => number = Math.random): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${Math.floor(random() * 0xffffff)
    .toString(16)
    .padStart(6, '0')}`;
}

/** The object tag the bucket's one retention rule expires by (see infra/constructs/storage.ts). */
export const RUN_EXPIRY_TAG = { key: 'clinic-pipe-retention', value: 'run' } as const;

const RUN_OBJECT = /(?:^|\/)([^/]+)\/dt=\d{4}-\d{2}-\d{2}\/run=[^/]+\/[^/]+$/;

/**
 * Whether retention may expire this object: a file of a run folder (`<resource>/dt=<day>/run=<id>/<file>`), never
 * the current state, a tombstone (`deletions/dt=…/run=…`) or state. Objects carry the tag from their first
 * byte, so one lifecycle rule covers every resource of every account.
 */
export function expiresWithRuns(key: string): boolean {
  const resource = RUN_OBJECT.exec(key)?.[1];
  return resource !== undefined && resource !== 'deletions' && resource !== 'current';
}
