import { joinKey } from '../output/sink.js';

/**
 * The runs of a resource: `<source>/<resource>/dt=<day the run started>/run=<runId>/part-NNNNN.ndjson.gz`, and
 * `_manifest.json` last (a run without one is unfinished). Hive-style folders so Athena, Glue and DuckDB see
 * `dt` and `run` as partitions.
 */

/** `dt=<day>`: the day folder of every time-foldered layout (runs, tombstones, webhook output, failures). */
export function dayFolderName(day: string): string {
  return `dt=${day}`;
}

/** `<source>/<resource>`: every run of a resource, its current state and its tombstones. */
export function resourceFolder(source: string, resource: string): string {
  return joinKey(source, resource);
}

export function runFolder(source: string, resource: string, startedAt: string, runId: string): string {
  return joinKey(runDayFolder(source, resource, startedAt.slice(0, 10)), `run=${runId}`);
}

/** `<source>/<resource>/dt=<day>`: the folders of the runs started that day. */
export function runDayFolder(source: string, resource: string, day: string): string {
  return joinKey(source, resource, dayFolderName(day));
}

/**
 * A key listed under a run day folder as `run=<runId>/<name>` (a run's own file, nothing deeper), else
 * undefined.
 */
export function runEntryOf(dayFolder: string, key: string): { runId: string; name: string } | undefined {
  if (!key.startsWith(`${dayFolder}/`)) return undefined;
  const [runSegment, name, ...rest] = key.slice(dayFolder.length + 1).split('/');
  if (!runSegment?.startsWith('run=') || name === undefined || rest.length > 0) return undefined;
  return { runId: runSegment.slice('run='.length), name };
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

/** Only names the part writer produces: nothing else in a run folder is ever deleted. */
const RUN_PART_NAME = /^part-\d{5,}\.ndjson(\.gz)?$/;

/** Whether a file name in a run folder is one of its NDJSON parts. */
export function isRunPartName(name: string): boolean {
  return RUN_PART_NAME.test(name);
}

export function partKey(folder: string, index: number, compressed: boolean): string {
  return joinKey(folder, `part-${String(index).padStart(5, '0')}.ndjson${compressed ? '.gz' : ''}`);
}

export const MANIFEST_NAME = '_manifest.json';

/** A folder's `_manifest.json`: a run's (written last), or the current state's pointer. */
export function manifestKey(folder: string): string {
  return joinKey(folder, MANIFEST_NAME);
}

/** Every part of every run of a resource, as a glob for DuckDB (every day, every run, every part). */
export function runPartsGlob(source: string, resource: string): string {
  return joinKey(runFolder(source, resource, '*', '*'), '*.ndjson.gz');
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
