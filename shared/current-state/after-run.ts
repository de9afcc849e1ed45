import type { Manifest } from '../output/manifest.js';
import type { Sink } from '../output/sink.js';
import { copyManifestOf } from './copy-manifest.js';
import { copyManifestKeyOf, currentCopyManifestKey } from './layout.js';
import { publishCurrentState } from './publish-current-state.js';

export interface AfterRunOptions {
  sink: Sink;
  manifest: Manifest;
  /** The run's `_manifest.json`, relative to the sink. */
  manifestKey: string;
  compress: boolean;
  maxPartBytes: number;
}

/** What loaders and events need after a run; keys as the storage names them (bucket-relative on S3). */
export interface AfterRunResult {
  copyManifestKey: string;
  currentManifestKey?: string;
  currentCopyManifestKey?: string;
  currentRecordCount?: number;
  deletedCount?: number;
}

/**
 * The hook after a completed run: the run's Redshift COPY manifest beside its `_manifest.json`, then the
 * resource's current state (and tombstones) rebuilt from storage.
 */
export async function afterCompletedRun(options: AfterRunOptions): Promise<AfterRunResult> {
  const { sink, manifest } = options;
  const folder = options.manifestKey.slice(0, -'/_manifest.json'.length);
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
  return {
    ...result,
    currentManifestKey: sink.storageKey(published.manifestKey),
    currentCopyManifestKey: sink.storageKey(currentCopyManifestKey(manifest.source, manifest.resource)),
    currentRecordCount: published.manifest.recordCount,
    deletedCount: published.manifest.deletedCount,
  };
}
