import { ExportError, RunAbandonedError } from '../errors.js';
import { manifestKey, newRunId, resourceFolder, runFolder, stateFolder } from '../layout/index.js';
import { undoOnInterrupt } from '../output/interrupt-cleanup.js';
import type { Manifest } from '../output/manifest.js';
import { NdjsonPartWriter } from '../output/ndjson-part-writer.js';
import type { Sink } from '../output/sink.js';
import { joinKey } from '../output/sink.js';
import { StateStore } from '../state/resource-state.js';
import type { ResourceCheckpoint } from './checkpoint.js';
import { IdHashSet } from './id-hash-set.js';
import type { ResourcePager } from './pager.js';
import { loadPagerMemory, removePagerMemory, savePagerMemory } from './pager-memory-store.js';
import { ProgressGuard } from './progress-guard.js';

export type ExportMode = 'full' | 'incremental';

export interface ExportResourceOptions {
  source: string;
  resource: string;
  pager: ResourcePager;
  sink: Sink;
  mode: ExportMode;
  /** How far before the previous watermark an incremental run starts, to absorb clock skew and late commits. */
  overlapMs: number;
  compress: boolean;
  maxPartBytes: number;
  checkpoint?: ResourceCheckpoint;
  /** Asked before the run starts or continues and before it publishes; throws when it may no longer write. */
  guard?: () => Promise<void>;
  /** Asked after every page; true means "stop at this page boundary and hand back a checkpoint". */
  shouldStop?: () => boolean;
  onPage?: (progress: { records: number; pages: number; total?: number }) => void;
  now?: () => Date;
}

export type ExportOutcome =
  | { done: true; manifest: Manifest; manifestKey: string }
  | { done: false; checkpoint: ResourceCheckpoint };

/**
 * Pages one resource into NDJSON parts, then publishes the manifest, then advances the state — in that order,
 * so a failure at any point leaves no manifest and the previous watermark.
 */
export async function exportResource(options: ExportResourceOptions): Promise<ExportOutcome> {
  const { source, resource } = options;
  try {
    // Every request and page of this resource passes the progress invariant (one place for every pager).
    const guard = new ProgressGuard(options.checkpoint?.cursor);
    return await guard.watch(() => run(options, guard));
  } catch (error) {
    throw new ExportError(source, resource, error);
  }
}

async function run(options: ExportResourceOptions, guard: ProgressGuard): Promise<ExportOutcome> {
  const { source, resource, sink, pager } = options;
  const now = options.now ?? (() => new Date());
  const state = new StateStore(sink);
  // A run killed mid-write (SIGKILL, power loss) leaves temp files; its successor removes them.
  await sink.removeAbandonedTemps?.(resourceFolder(source, resource));
  await sink.removeAbandonedTemps?.(stateFolder(source));
  await options.guard?.();
  const start = options.checkpoint ?? (await planRun(options, state, now()));
  const folder = runFolder(source, resource, start.startedAt, start.runId);
  // A checkpoint whose parts a clean-up removed must not be continued: its manifest would list them.
  if (options.checkpoint) await assertPartsPresent(sink, folder, start.files, start.runId);
  await loadPagerMemory(sink, pager, options.checkpoint);
  const writer = new NdjsonPartWriter({
    sink,
    folder,
    compress: options.compress,
    maxPartBytes: options.maxPartBytes,
    firstPartIndex: start.nextPartIndex,
  });
  // Interrupted (CLI signal): the parts of this unpublished run go, as on a failure.
  const forgetUndo = undoOnInterrupt(() => discardInvocation(writer, sink, folder));
  const seen = pager.yieldsEachOnce ? undefined : new IdHashSet();
  let recordCount = start.recordCount;
  let pages = 0;
  let total: number | undefined;
  let cursor = start.cursor;
  let published = false;
  try {
    for await (const page of pager.pages({ since: start.since, until: start.until }, start.cursor)) {
      const lines: string[] = [];
      for (const record of page.records) {
        if (seen && !seen.add(record.id)) continue;
        lines.push(record.json);
      }
      guard.page(page.cursor, lines.length);
      await writer.writeLines(lines);
      recordCount += lines.length;
      pages += 1;
      cursor = page.cursor;
      total = page.total ?? total;
      options.onPage?.({ records: recordCount, pages, total });
      if (cursor !== undefined && pager.pausable && options.shouldStop?.()) {
        const files = await writer.close();
        const memoryKey = await savePagerMemory(sink, pager, {
          source,
          resource,
          runId: start.runId,
          recordCount,
        });
        return {
          done: false,
          checkpoint: {
            ...start,
            memoryKey,
            cursor,
            recordCount,
            nextPartIndex: writer.nextPartIndex,
            files: [...start.files, ...files],
          },
        };
      }
    }
    const files = [...start.files, ...(await writer.close())];
    const manifest: Manifest = {
      source,
      resource,
      runId: start.runId,
      mode: start.mode,
      startedAt: start.startedAt,
      finishedAt: now().toISOString(),
      recordCount,
      watermark: start.until,
      ...(start.since ? { since: start.since } : {}),
      ...(pager.key && pager.key !== 'id' ? { key: pager.key } : {}),
      files,
    };
    const key = manifestKey(folder);
    // Last look before publishing: still allowed to write, and every part the manifest lists is there.
    await options.guard?.();
    await assertPartsPresent(sink, folder, files, start.runId);
    forgetUndo();
    await sink.putText(key, `${JSON.stringify(manifest, null, 2)}\n`);
    published = true;
    await state.put(source, resource, {
      watermark: start.until,
      lastRunId: start.runId,
      lastManifestKey: key,
      lastMode: start.mode,
      updatedAt: manifest.finishedAt,
    });
    await removePagerMemory(sink, { source, resource, runId: start.runId }).catch(() => undefined);
    return { done: true, manifest, manifestKey: key };
  } catch (error) {
    // Once the manifest is written the snapshot is complete; only the state failed to advance, so keep it all.
    if (published) await writer.abort().catch(() => undefined);
    else await discardInvocation(writer, sink, folder);
    throw error;
  } finally {
    forgetUndo();
  }
}

/** A manifest is never written, nor a run continued, while a part it lists is missing. */
async function assertPartsPresent(
  sink: Sink,
  folder: string,
  files: readonly { path: string }[],
  runId: string,
): Promise<void> {
  if (files.length === 0) return;
  const stored = new Set(await sink.list(folder));
  const missing = files.filter((file) => !stored.has(joinKey(folder, file.path)));
  if (missing.length === 0) return;
  throw new RunAbandonedError(
    `run ${runId}: ${missing.length} of ${files.length} parts are missing (first ${missing[0]?.path}); a clean-up discarded the run, nothing was published. Start a new execution.`,
  );
}

/**
 * Aborts the open part and removes the parts this invocation finished: tables that read whole folders (Athena,
 * DuckDB globs) must not see rows of a run that never completed. Parts from earlier invocations stay for a
 * retry from the checkpoint.
 */
async function discardInvocation(writer: NdjsonPartWriter, sink: Sink, folder: string): Promise<void> {
  await writer.abort().catch(() => undefined);
  await Promise.all(
    writer.files.map((file) => sink.delete(joinKey(folder, file.path)).catch(() => undefined)),
  );
}

async function planRun(
  options: ExportResourceOptions,
  state: StateStore,
  startedAt: Date,
): Promise<ResourceCheckpoint> {
  const previous =
    options.mode === 'incremental' && options.pager.supportsIncremental
      ? await state.get(options.source, options.resource)
      : undefined;
  const until = startedAt.toISOString();
  const since = previous
    ? new Date(Date.parse(previous.watermark) - options.overlapMs).toISOString()
    : undefined;
  return {
    resource: options.resource,
    runId: newRunId(startedAt),
    // The first run, or a resource that cannot filter by update time, is a full snapshot.
    mode: since ? 'incremental' : 'full',
    startedAt: until,
    since,
    until,
    nextPartIndex: 0,
    recordCount: 0,
    files: [],
  };
}
