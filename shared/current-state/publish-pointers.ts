import {
  currentCopyManifestKey,
  currentFolder,
  currentManifestKey,
  currentParquetSymlinkKey,
  currentSchemaKey,
  currentSymlinkKey,
  versionFolderName,
  versionOfPath,
} from '../layout/index.js';
import type { Sink } from '../output/sink.js';
import { copyManifestOf, symlinkTextOf } from './copy-manifest.js';
import type { CurrentManifest } from './current-manifest.js';
import type { RecordSchema } from './record-schema.js';

/** The discovered schema of the new version, and the one it replaces (restored if the switch fails). */
export interface SchemaPointers {
  next: RecordSchema;
  previous: RecordSchema | undefined;
}

/**
 * Points every reader at a new complete version: COPY manifest, Athena symlink files (NDJSON and Parquet),
 * `_schema.json`, then `_manifest.json` last — each one PUT, so each switches atomically. Versions other than the new and the previous one are
 * then removed; the previous one stays for queries that started before the switch.
 */
export async function publishPointers(
  sink: Sink,
  manifest: CurrentManifest,
  previous: CurrentManifest | undefined,
  schemas?: SchemaPointers,
): Promise<void> {
  const { source, resource } = manifest;
  const folder = currentFolder(source, resource);
  try {
    await putLoaderPointers(sink, manifest);
    if (schemas) await putSchema(sink, manifest, schemas.next);
    await sink.putText(currentManifestKey(source, resource), `${JSON.stringify(manifest, null, 2)}\n`);
  } catch (error) {
    // The new version's files are about to be removed: point loaders and Athena back at the previous one.
    await restoreLoaderPointers(sink, manifest, previous).catch(() => undefined);
    if (schemas) await putSchema(sink, manifest, schemas.previous).catch(() => undefined);
    throw error;
  }
  // Best effort: a version left behind is removed by the next publish.
  await removeOldVersions(sink, folder, [manifest, previous]).catch(() => undefined);
}

/** The COPY manifest and the Athena symlink file of a version. */
async function putLoaderPointers(sink: Sink, manifest: CurrentManifest): Promise<void> {
  const { source, resource } = manifest;
  const folder = currentFolder(source, resource);
  await sink.putText(
    currentCopyManifestKey(source, resource),
    `${JSON.stringify(copyManifestOf(sink, folder, manifest.files), null, 2)}\n`,
  );
  await sink.putText(
    currentSymlinkKey(source, resource),
    symlinkTextOf(sink, folder, manifest.files),
    'text/plain',
  );
  const parquetKey = currentParquetSymlinkKey(source, resource);
  if (manifest.parquet)
    await sink.putText(parquetKey, symlinkTextOf(sink, folder, manifest.parquet), 'text/plain');
  else await sink.delete(parquetKey);
}

async function putSchema(
  sink: Sink,
  manifest: CurrentManifest,
  schema: RecordSchema | undefined,
): Promise<void> {
  const key = currentSchemaKey(manifest.source, manifest.resource);
  if (schema) await sink.putText(key, `${JSON.stringify(schema, null, 2)}\n`);
  else await sink.delete(key);
}

async function restoreLoaderPointers(
  sink: Sink,
  failed: CurrentManifest,
  previous: CurrentManifest | undefined,
): Promise<void> {
  if (previous) return putLoaderPointers(sink, previous);
  await sink.delete(currentCopyManifestKey(failed.source, failed.resource));
  await sink.delete(currentSymlinkKey(failed.source, failed.resource));
  await sink.delete(currentParquetSymlinkKey(failed.source, failed.resource));
}

async function removeOldVersions(
  sink: Sink,
  folder: string,
  kept: (CurrentManifest | undefined)[],
): Promise<void> {
  const keep = new Set(kept.flatMap((item) => item?.files.map((file) => versionOfPath(file.path)) ?? []));
  for (const manifest of kept) if (manifest) keep.add(versionFolderName(manifest.asOf.runId));
  const keys = await sink.list(folder);
  const stale = keys.filter((key) => {
    const version = versionOfPath(key.slice(folder.length + 1));
    return version !== undefined && !keep.has(version);
  });
  await Promise.all(stale.map((key) => sink.delete(key)));
}
