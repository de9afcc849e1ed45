import { z } from 'zod';
import { afterCompletedRun } from '../current-state/after-run.js';
import type { TableSync } from '../current-state/glue-tables.js';
import { schemaChangesSchema } from '../current-state/record-schema.js';
import { ConfigError, describeError, ExportError } from '../errors.js';
import { RunStoppedError } from '../http/request-deadline.js';
import { watchRequests } from '../http/request-watch.js';
import { withinRun } from '../http/run-scope.js';
import type { Sink } from '../output/sink.js';
import { resourceCheckpointSchema } from './checkpoint.js';
import { type ExportMode, exportResource } from './export-resource.js';
import type { ExportSettings } from './export-settings.js';
import { RequestCounter, type RequestRate } from './request-rate.js';
import { type ResourceCatalog, selectResources } from './resource-catalog.js';
import { type ResourceFailure, RunStop, type RunStopped, stoppedReport, stopsTheRun } from './run-stop.js';

export const resourceResultSchema = z.object({
  source: z.string(),
  resource: z.string(),
  runId: z.string(),
  mode: z.enum(['full', 'incremental']),
  manifestKey: z.string(),
  recordCount: z.number().int().nonnegative(),
  /** Redshift COPY manifest of the run's parts. */
  copyManifestKey: z.string().optional(),
  /** The resource's current state after this run (`current/_manifest.json`) and its COPY manifest. */
  currentManifestKey: z.string().optional(),
  currentCopyManifestKey: z.string().optional(),
  currentRecordCount: z.number().int().nonnegative().optional(),
  /** Records this run found deleted (tombstones written). */
  deletedCount: z.number().int().nonnegative().optional(),
  currentSchemaKey: z.string().optional(),
  currentParquetSymlinkKey: z.string().optional(),
  schemaChanges: schemaChangesSchema.optional(),
  tablesUpdated: z.array(z.string()).optional(),
});
export type ResourceResult = z.infer<typeof resourceResultSchema>;

/** What a deadline-bound invocation hands to the next one: resources still to do, some part-way. */
export const runCheckpointSchema = z.object({
  source: z.string(),
  mode: z.enum(['full', 'incremental']),
  pending: z.array(z.object({ resource: z.string(), checkpoint: resourceCheckpointSchema.optional() })),
  results: z.array(resourceResultSchema),
});
export type RunCheckpoint = z.infer<typeof runCheckpointSchema>;

/** What every outcome reports: failures, the stop if any, and the requests sent (every source, one count). */
interface OutcomeReport {
  failures: ResourceFailure[];
  stopped?: RunStopped;
  requests: RequestRate;
}

export type RunOutcome =
  | ({ done: true; results: ResourceResult[] } & OutcomeReport)
  | ({ done: false; checkpoint: RunCheckpoint } & OutcomeReport);

export interface RunExportOptions {
  catalog: ResourceCatalog;
  sink: Sink;
  settings: ExportSettings;
  mode: ExportMode;
  resources?: readonly string[];
  checkpoint?: RunCheckpoint;
  /** Resources exported at once; they share the source's rate budget. */
  concurrency: number;
  shouldStop?: () => boolean;
  /** Hard limit for the whole run: when it passes every request is stopped and the run fails with one line. */
  runDeadlineMs?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Asked before each run starts, continues or publishes (a state machine's lease); throws to refuse. */
  guard?: () => Promise<void>;
  /** Tables that follow each published schema (the stack's Glue tables). */
  tables?: TableSync;
}

export type ProgressEvent =
  | { kind: 'started'; resource: string }
  | { kind: 'page'; resource: string; records: number; pages: number; total?: number }
  | { kind: 'done'; resource: string; result: ResourceResult }
  | { kind: 'current'; resource: string; records: number; deleted: number; ms: number }
  | { kind: 'paused'; resource: string; records: number }
  | { kind: 'failed'; resource: string; message: string }
  /** A long wait or similar, worth one line (never record data). */
  | { kind: 'notice'; resource: string; message: string };

/**
 * Exports several resources of one source, a few at a time. One failing resource does not stop the others;
 * each is reported. When `shouldStop` turns true, running resources stop at a page boundary and nothing new
 * starts: the outcome is a checkpoint to continue from.
 *
 * Two things stop the whole run at once instead: its deadline (`runDeadlineMs`), and a failure no retry fixes
 * (a rejected credential, a host that never answered). Every in-flight request is aborted, nothing more
 * starts, and the outcome reports one failure plus the resources cut off (`stopped`), not one line each.
 */
export async function runExport(options: RunExportOptions): Promise<RunOutcome> {
  const { catalog } = options;
  assertCheckpointFits(catalog.source, options.checkpoint);
  const pending: RunCheckpoint['pending'] =
    options.checkpoint?.pending ??
    selectResources(catalog, options.resources).map((resource) => ({ resource }));
  const mode = options.checkpoint?.mode ?? options.mode;
  const results = [...(options.checkpoint?.results ?? [])];
  const failures: ResourceFailure[] = [];
  const unfinished: RunCheckpoint['pending'] = [];
  const queue = [...pending];
  const stop = new RunStop(options.runDeadlineMs);
  const notStarted: string[] = [];
  const interrupted: string[] = [];

  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      if (stop.reason) {
        notStarted.push(item.resource);
        continue;
      }
      if (options.shouldStop?.()) {
        unfinished.push(item);
        continue;
      }
      const { resource } = item;
      options.onProgress?.({ kind: 'started', resource });
      try {
        // The resource's requests see the run's stop signal, and tell their long waits under its name.
        const scope = {
          signal: stop.signal,
          notify: (message: string) => options.onProgress?.({ kind: 'notice', resource, message }),
        };
        const outcome = await withinRun(scope, () =>
          exportResource({
            source: catalog.source,
            resource,
            pager: catalog.pagerFor(resource),
            sink: options.sink,
            mode,
            overlapMs: options.settings.overlapMs,
            compress: options.settings.compress,
            maxPartBytes: options.settings.maxPartBytes,
            checkpoint: item.checkpoint,
            guard: options.guard,
            shouldStop: options.shouldStop,
            onPage: (progress) => options.onProgress?.({ kind: 'page', resource, ...progress }),
          }),
        );
        if (outcome.done) {
          const currentStartedAt = Date.now();
          // After the run's manifest and state: a failure here leaves a complete run that the next
          // publish merges in (it reads every run completed since the current state it finds).
          const after = await afterCompletedRun({
            sink: options.sink,
            manifest: outcome.manifest,
            manifestKey: outcome.manifestKey,
            compress: options.settings.compress,
            maxPartBytes: options.settings.maxPartBytes,
            tables: options.tables,
          });
          options.onProgress?.({
            kind: 'current',
            resource,
            records: after.currentRecordCount ?? 0,
            deleted: after.deletedCount ?? 0,
            ms: Date.now() - currentStartedAt,
          });
          const result: ResourceResult = {
            source: catalog.source,
            resource,
            runId: outcome.manifest.runId,
            mode: outcome.manifest.mode,
            // Loaders get the key as S3 knows it (prefix included), not relative to our sink.
            manifestKey: options.sink.storageKey(outcome.manifestKey),
            recordCount: outcome.manifest.recordCount,
            ...after,
          };
          results.push(result);
          options.onProgress?.({ kind: 'done', resource, result });
        } else {
          unfinished.push({ resource, checkpoint: outcome.checkpoint });
          options.onProgress?.({ kind: 'paused', resource, records: outcome.checkpoint.recordCount });
        }
      } catch (error) {
        const cause = error instanceof ExportError ? error.cause : error;
        // Cut off by the run's stop (or failing the same way at the same moment): not a failure of its own.
        // The deadline interrupts what was running; a failure that stops the run counts the rest as not started.
        if (stop.reason) {
          if (stoppedByDeadline(stop.reason)) interrupted.push(resource);
          else notStarted.push(resource);
          continue;
        }
        if (stopsTheRun(cause)) stop.stop(cause as Error);
        const message = describeError(error);
        failures.push({ resource, message, errorName: cause instanceof Error ? cause.name : 'Error' });
        options.onProgress?.({ kind: 'failed', resource, message });
      }
    }
  };

  // Every request of the run, whichever source and client sends it, is counted here for the summary.
  const counter = new RequestCounter();
  try {
    await watchRequests(counter.watcher, () =>
      Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker)),
    );
  } finally {
    stop.dispose();
  }
  const stopped = stoppedReport(stop.reason, failures, notStarted, catalog.source, interrupted);
  const report = { requests: counter.rate(), ...(stopped ? { stopped } : {}) };
  if (unfinished.length > 0) {
    return {
      done: false,
      checkpoint: { source: catalog.source, mode, pending: unfinished, results },
      failures,
      ...report,
    };
  }
  return { done: true, results, failures, ...report };
}

function stoppedByDeadline(reason: unknown): boolean {
  return reason instanceof RunStoppedError;
}

/** A checkpoint handed to the wrong source or resource would resume a foreign cursor and file list. */
function assertCheckpointFits(source: string, checkpoint: RunCheckpoint | undefined): void {
  if (!checkpoint) return;
  if (checkpoint.source !== source) {
    throw new ConfigError(`checkpoint is for source ${checkpoint.source}, not ${source}`);
  }
  for (const item of checkpoint.pending) {
    if (item.checkpoint && item.checkpoint.resource !== item.resource) {
      throw new ConfigError(`checkpoint for ${item.checkpoint.resource} was filed under ${item.resource}`);
    }
  }
}
