import {
  copyManifestKeyOf,
  currentCopyManifestKey,
  currentParquetSymlinkKey,
  folderOfManifest,
} from '../layout/index.js';
import type { Manifest } from '../output/manifest.js';
import type { Sink } from '../output/sink.js';
import { copyManifestOf } from './copy-manifest.js';
import type { TableSync } from './glue-tables.js';
import { publishCurrentState } from './publish-current-state.js';
import type { SchemaChanges } from './record-schema.js';

export interface AfterRunOptions {
  sink: Sink;
  manifest: Manifest;
  /** The run's `_manifest.json`, relative to the sink. */
  manifestKey: string;
  compress: boolean;
  maxPartBytes: number;
  /** The catalog whose tables follow the discovered schema (the stack's Glue tables), if any. */
  tables?: TableSync;
}

/** What loaders and events need after a run; keys as the storage names them (bucket-relative on S3). */
export interface AfterRunResult {
  copyManifestKey: string;
  currentManifestKey?: string;
  currentCopyManifestKey?: string;
  currentRecordCount?: number;
  deletedCount?: number;
  /** `current/_schema.json`, and the Parquet copy's symlink file (Athena). */
  currentSchemaKey?: string;
  currentParquetSymlinkKey?: string;
  /** Fields added, removed and widened since the previous current state. */
  schemaChanges?: SchemaChanges;
  /** Tables whose columns this publish updated. */
  tablesUpdated?: string[];
}

/**
 * The hook after a completed run: the run's Redshift COPY manifest beside its `_manifest.json`, then the
 * resource's current state (and tombstones, schema and Parquet copy) rebuilt from storage, then the catalog's
 * tables given the columns the schema found. A table that cannot be updated fails the step: the current state
 * is already published, and the next publish updates the tables again.
 */
export async function afterCompletedRun(options: AfterRunOptions): Promise<AfterRunResult> {
  const { sink, manifest } = options;
  const folder = folderOfManifest(options.manifestKey);
  const copyKey = copyManifestKeyOf(folder);
  await sink.putText(copyKey, `${JSON.stringify(copyManifestOf(sink, folder, manifest.files), null, 2)}\n`);
  const published = await publishCurrentState({
    sink,
    source: manifest.source,
    resource: manifest.resource,
    compress: options.compress,
    maxPartBytes: options.maxPartBytes,
    completed: { folder, manifest },
  });
  const result: AfterRunResult = { copyManifestKey: sink.storageKey(copyKey) };
  if (!published) return result;
  const { source, resource } = manifest;
  const tablesUpdated = await options.tables?.afterPublish(source, resource, published.schema);
  return {
    ...result,
    currentManifestKey: sink.storageKey(published.manifestKey),
    currentCopyManifestKey: sink.storageKey(currentCopyManifestKey(manifest.source, manifest.resource)),
    currentRecordCount: published.manifest.recordCount,
    deletedCount: published.manifest.deletedCount,
    currentSchemaKey: sink.storageKey(published.schemaKey),
    ...(published.manifest.parquet?.length
      ? { currentParquetSymlinkKey: sink.storageKey(currentParquetSymlinkKey(source, resource)) }
      : {}),
    schemaChanges: published.schema.changes,
    ...(tablesUpdated ? { tablesUpdated } : {}),
  };
}
