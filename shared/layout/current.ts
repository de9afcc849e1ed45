import { joinKey } from '../output/sink.js';
import { dayFolderName, resourceFolder } from './runs.js';

/**
 * Where a resource's current state lives. Data goes into one folder per version (`v=<runId>`) and the
 * pointers beside it (`_manifest.json` last) say which version is current, so a reader switches from one
 * complete version to the next in a single PUT. Names starting with `_` are skipped by Athena and Hive.
 */
export function currentFolder(source: string, resource: string): string {
  return joinKey(resourceFolder(source, resource), 'current');
}

/** `v=<runId>`: a version folder's name, relative to `current/` (as the current manifest lists its files). */
export function versionFolderName(runId: string): string {
  return `v=${runId}`;
}

export function currentVersionFolder(source: string, resource: string, runId: string): string {
  return joinKey(currentFolder(source, resource), versionFolderName(runId));
}

export function currentManifestKey(source: string, resource: string): string {
  return joinKey(currentFolder(source, resource), '_manifest.json');
}

export function currentCopyManifestKey(source: string, resource: string): string {
  return joinKey(currentFolder(source, resource), '_copy_manifest.json');
}

/** Athena's SymlinkTextInputFormat reads the files this lists: the table's LOCATION is its folder. */
export function currentSymlinkKey(source: string, resource: string): string {
  return joinKey(currentFolder(source, resource), '_symlink', 'symlink.txt');
}

/** The folder of the Parquet copy's symlink file: the location of the current state's Glue table. */
export function currentParquetSymlinkFolder(source: string, resource: string): string {
  return joinKey(currentFolder(source, resource), '_symlink_parquet');
}

/** The Parquet copy's symlink file: the Glue table of the current state reads the Parquet files it lists. */
export function currentParquetSymlinkKey(source: string, resource: string): string {
  return joinKey(currentParquetSymlinkFolder(source, resource), 'symlink.txt');
}

/** The current state's discovered schema (fields, types, column names, changes since the previous version). */
export function currentSchemaKey(source: string, resource: string): string {
  return joinKey(currentFolder(source, resource), '_schema.json');
}

/** Tombstones of the runs started on one day: `deletions/dt=<day>`. */
export function deletionsDayFolder(source: string, resource: string, day: string): string {
  return joinKey(resourceFolder(source, resource), 'deletions', dayFolderName(day));
}

/** Tombstones of one run: `deletions/dt=<day the run started>/run=<runId>/part-*.ndjson.gz`. */
export function deletionsFolder(source: string, resource: string, startedAt: string, runId: string): string {
  return joinKey(deletionsDayFolder(source, resource, startedAt.slice(0, 10)), `run=${runId}`);
}

/** Every tombstone of a resource, as a glob for DuckDB (every day, every run, every part). */
export function deletionsPartsGlob(source: string, resource: string): string {
  return joinKey(deletionsFolder(source, resource, '*', '*'), '*.ndjson.gz');
}

/** The name of the Parquet copy's part `index`, relative to its version folder. */
export function parquetPartName(index: number): string {
  return `part-${String(index).padStart(5, '0')}.parquet`;
}

/** Redshift's COPY manifest of a folder that has a `_manifest.json` (a run folder or `current/`). */
export function copyManifestKeyOf(folder: string): string {
  return joinKey(folder, '_copy_manifest.json');
}

/** The `v=<runId>` folder a current-manifest file path belongs to. */
export function versionOfPath(path: string): string | undefined {
  return /^(v=[^/]+)\//.exec(path)?.[1];
}
