import type { output, ZodType } from 'zod';
import { PipelineError } from '../errors.js';
import {
  currentManifestKey,
  currentSchemaKey,
  currentVersionFolder,
  deletionsFolder,
  versionFolderName,
} from '../layout/index.js';
import { NdjsonPartWriter } from '../output/ndjson-part-writer.js';
import type { Sink } from '../output/sink.js';
import { joinKey } from '../output/sink.js';
import { ColumnarCopy } from './columnar-copy.js';
import { type CurrentManifest, currentManifestSchema } from './current-manifest.js';
import { type MergeInput, mergePartition, type Tombstone } from './merge-partition.js';
import { type CompletedRun, completedRunsAfter } from './pending-runs.js';
import { publishPointers } from './publish-pointers.js';
import { type RecordSchema, recordSchemaSchema } from './record-schema.js';
import { spillInputs } from './spill-inputs.js';
import { SpillPartitions } from './spill-partitions.js';
import { deletionMarkersSince, hasDeletionMarkers } from './welkin-deletion-markers.js';

export class CurrentStateError extends PipelineError {}

export interface PublishCurrentOptions {
  sink: Sink;
  source: string;
  resource: string;
  compress: boolean;
  maxPartBytes: number;
  /** Where partitions spill (Lambda: /tmp); the OS temp folder by default. */
  tempDir?: string;
  /** The run that just completed: merged even if a listing does not show it yet. */
  completed?: CompletedRun;
  now?: () => Date;
}

export interface CurrentPublished {
  manifest: CurrentManifest;
  manifestKey: string;
  /** The discovered schema (`current/_schema.json`), with its changes since the previous version. */
  schema: RecordSchema;
  schemaKey: string;
}

/** Records per partition: a partition's ids and line offsets (never its lines) are held in memory at once. */
const RECORDS_PER_PARTITION = 4_096;
/** Deletion markers can be written with a pulledAt slightly before the previous publish listed them. */
const MARKER_MARGIN_MS = 10 * 60_000;
const LINES_PER_WRITE = 2_000;
const BYTES_PER_WRITE = 1024 * 1024;

/**
 * Builds and publishes the current state of one resource from the stored previous current state and the
 * runs completed since (no API request): every live record once, its latest line byte for byte. Versioned
 * data first, pointers after, `_manifest.json` last; on failure the new version's files are removed and the
 * previous current state stays as it was. Undefined when there is no new completed run.
 */
export async function publishCurrentState(
  options: PublishCurrentOptions,
): Promise<CurrentPublished | undefined> {
  const { sink, source, resource } = options;
  const now = options.now ?? (() => new Date());
  const builtAt = now();
  const previous = await readCurrentManifest(sink, source, resource);
  const previousSchema = await readCurrentSchema(sink, source, resource);
  const runs = withRun(await runsToMerge(sink, source, resource, previous, builtAt), options.completed);
  const latestRun = runs.at(-1);
  if (!latestRun) return undefined;
  const inputs: MergeInput[] = [
    previous
      ? {
          kind: 'previous',
          runId: previous.asOf.runId,
          startedAt: previous.builtAt,
          finishedAt: previous.builtAt,
        }
      : { kind: 'previous', runId: '', startedAt: '', finishedAt: '' },
    ...runs.map(({ manifest }) => ({
      kind: manifest.mode,
      runId: manifest.runId,
      startedAt: manifest.startedAt,
      finishedAt: manifest.finishedAt,
    })),
  ];
  const latest = inputs.at(-1) as MergeInput;
  const markers = hasDeletionMarkers(source, resource)
    ? await deletionMarkersSince(sink, resource, markerStart(previous, runs), builtAt, source)
    : new Map<string, string>();
  const records = (previous?.recordCount ?? 0) + runs.reduce((sum, run) => sum + run.manifest.recordCount, 0);
  const partitions = await SpillPartitions.create(
    Math.min(1024, Math.max(1, Math.ceil(records / RECORDS_PER_PARTITION))),
    options.tempDir,
  );
  // Level 1: the current state is rewritten after every run, and level 6 costs about three times the CPU
  // for files about a fifth smaller.
  const writerOptions = {
    sink,
    compress: options.compress,
    maxPartBytes: options.maxPartBytes,
    gzipLevel: 1,
  };
  const liveFolder = currentVersionFolder(source, resource, latest.runId);
  const goneFolder = deletionsFolder(source, resource, latest.startedAt, latest.runId);
  const live = new NdjsonPartWriter({ ...writerOptions, folder: liveFolder });
  const gone = new NdjsonPartWriter({ ...writerOptions, folder: goneFolder });
  const columnar = new ColumnarCopy({
    sink,
    folder: liveFolder,
    partitions,
    maxPartBytes: options.maxPartBytes,
    previous: previousSchema,
    of: { source, resource, runId: latest.runId },
    liveRefs: (index) => mergePartition(partitions.entries(index), { inputs, markers, latest }).live,
  });
  try {
    // Keyed as the latest run's manifest says (a resource keyed by another member than `id` names it there).
    const key = latestRun.manifest.key ?? 'id';
    await spillInputs(sink, partitions, previous, runs, key);
    for (let index = 0; index < partitions.count; index += 1) {
      const outcome = mergePartition(partitions.entries(index), { inputs, markers, latest });
      for (const chunk of partitions.lineChunks(index, outcome.live, BYTES_PER_WRITE)) {
        await live.writeChunk(chunk.bytes, chunk.lines);
        await columnar.observe(chunk);
      }
      await columnar.merged(index);
      await writeInChunks(gone, outcome.deleted.map(tombstoneLine));
    }
    const files = await live.close();
    const deletions = await gone.close();
    const typed = await columnar.finish();
    const manifest: CurrentManifest = {
      source,
      resource,
      mode: 'current',
      asOf: { runId: latest.runId, startedAt: latest.startedAt, finishedAt: latest.finishedAt },
      recordCount: files.reduce((sum, file) => sum + file.recordCount, 0),
      deletedCount: deletions.reduce((sum, file) => sum + file.recordCount, 0),
      files: files.map((file) => ({ ...file, path: joinKey(versionFolderName(latest.runId), file.path) })),
      parquet: typed.files.map((file) => ({
        ...file,
        path: joinKey(versionFolderName(latest.runId), file.path),
      })),
      builtAt: builtAt.toISOString(),
      runIds: runs.map((run) => run.manifest.runId),
    };
    await publishPointers(sink, manifest, previous, { next: typed.schema, previous: previousSchema });
    return {
      manifest,
      manifestKey: currentManifestKey(source, resource),
      schema: typed.schema,
      schemaKey: currentSchemaKey(source, resource),
    };
  } catch (error) {
    await Promise.all([live.abort(), gone.abort()]).catch(() => undefined);
    await columnar.drop();
    await removeFiles(sink, liveFolder, live);
    await removeFiles(sink, goneFolder, gone);
    throw new CurrentStateError(`${source}/${resource}: current state not published: ${describe(error)}`, {
      cause: error,
    });
  } finally {
    await partitions.dispose();
  }
}

export async function readCurrentManifest(
  sink: Sink,
  source: string,
  resource: string,
): Promise<CurrentManifest | undefined> {
  const key = currentManifestKey(source, resource);
  const text = await sink.getText(key);
  if (text === undefined) return undefined;
  const manifest = parseStored(text, currentManifestSchema);
  // Every later run would fail the same way: say which resource, and what makes the next run succeed.
  if (manifest === undefined)
    throw new CurrentStateError(
      `${source}/${resource}: ${sink.location}/${key} is not a current-state manifest (truncated or edited); restore its previous version (the bucket is versioned) or delete it, and the next run rebuilds the current state from the latest full run`,
    );
  return manifest;
}

/** The previous version's discovered schema: column names and types carry over from it. */
export async function readCurrentSchema(
  sink: Sink,
  source: string,
  resource: string,
): Promise<RecordSchema | undefined> {
  const key = currentSchemaKey(source, resource);
  const text = await sink.getText(key);
  if (text === undefined) return undefined;
  const schema = parseStored(text, recordSchemaSchema);
  if (schema === undefined)
    throw new CurrentStateError(`${sink.location}/${key} is not a current-state schema`);
  return schema;
}

/** A stored JSON document checked against its schema; undefined when it is not JSON or not of that shape. */
function parseStored<S extends ZodType>(text: string, schema: S): output<S> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The runs completed since the previous publish. Without a previous current state (the first publish), runs
 * before the latest full run are superseded by it and are not read.
 */
async function runsToMerge(
  sink: Sink,
  source: string,
  resource: string,
  previous: CurrentManifest | undefined,
  today: Date,
): Promise<CompletedRun[]> {
  const after = previous && {
    runId: previous.asOf.runId,
    startedAt: previous.asOf.startedAt,
  };
  const runs = await completedRunsAfter(sink, source, resource, after, today);
  if (previous) return runs;
  const lastFull = runs.findLastIndex((run) => run.manifest.mode === 'full');
  return lastFull > 0 ? runs.slice(lastFull) : runs;
}

function withRun(runs: CompletedRun[], completed: CompletedRun | undefined): CompletedRun[] {
  if (!completed || runs.some((run) => run.manifest.runId === completed.manifest.runId)) return runs;
  return [...runs, completed];
}

/** Markers since the previous publish read them (with a margin), or since the first run when there is none. */
function markerStart(previous: CurrentManifest | undefined, runs: readonly CompletedRun[]): Date {
  if (previous) return new Date(Date.parse(previous.builtAt) - MARKER_MARGIN_MS);
  return new Date(Date.parse((runs[0] as CompletedRun).manifest.startedAt) - MARKER_MARGIN_MS);
}

/** `id` holds the record's key value whatever its member (a program's name): one shape for the deletions table. */
function tombstoneLine(tombstone: Tombstone): string {
  return `{"id":${tombstone.id},"_deleted_at":${JSON.stringify(tombstone.deletedAt)},"_run_id":${JSON.stringify(tombstone.runId)}}`;
}

async function writeInChunks(writer: NdjsonPartWriter, lines: string[]): Promise<void> {
  for (let start = 0; start < lines.length; start += LINES_PER_WRITE)
    await writer.writeLines(lines.slice(start, start + LINES_PER_WRITE));
}

async function removeFiles(sink: Sink, folder: string, writer: NdjsonPartWriter): Promise<void> {
  await Promise.all(
    writer.files.map((file) => sink.delete(joinKey(folder, file.path)).catch(() => undefined)),
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}
