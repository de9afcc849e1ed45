import type { Logger } from '@aws-lambda-powertools/logger';
import type { TableSync } from '../current-state/glue-tables.js';
import { PipelineError } from '../errors.js';
import type { ExportSettings } from '../export/export-settings.js';
import type { RequestRate } from '../export/request-rate.js';
import type { ResourceCatalog } from '../export/resource-catalog.js';
import { type ResourceResult, type RunCheckpoint, runExport } from '../export/run-export.js';
import type { Sink } from '../output/sink.js';
import { deadlineWatch } from './deadline.js';
import type { ExportRequest } from './export-event.js';
import type { RunGuard } from './lease.js';

export type ExportResponse =
  | { done: true; results: ResourceResult[]; requests: RequestRate }
  | { done: false; checkpoint: RunCheckpoint; requests: RequestRate };

export class ExportFailedError extends PipelineError {}

export interface InvocationOptions {
  request: ExportRequest;
  catalog: ResourceCatalog;
  sink: Sink;
  settings: ExportSettings;
  remainingMs: () => number;
  /** Time kept in hand to close the open part and return the checkpoint. */
  marginMs?: number;
  /** Time before the Lambda timeout at which the watchdog stops every request, so the failure is clean. */
  hardMarginMs?: number;
  logger: Logger;
  /** Asked before a run continues or publishes; throws when the execution may no longer write. */
  guard?: RunGuard;
  /** The Glue tables that follow each published schema. */
  tables?: TableSync;
}

/**
 * One export invocation: runs until done or until the deadline nears, then returns a checkpoint that the
 * next invocation (the state machine's loop) continues from. Any resource failure fails the invocation, so
 * the orchestrator's retry and alarms see it; completed resources keep their manifests.
 */
export async function runExportInvocation(options: InvocationOptions): Promise<ExportResponse> {
  const { request, logger } = options;
  const outcome = await runExport({
    catalog: options.catalog,
    sink: options.sink,
    tables: options.tables,
    settings: options.settings,
    mode: request.mode,
    resources: request.resources,
    checkpoint: request.checkpoint,
    guard: options.guard,
    // Resources at once per invocation; they share the source's rate budget.
    concurrency: options.settings.concurrency ?? 2,
    shouldStop: deadlineWatch(options.remainingMs, options.marginMs ?? 60_000),
    runDeadlineMs: Math.min(
      options.settings.runDeadlineMs ?? Number.POSITIVE_INFINITY,
      Math.max(1_000, options.remainingMs() - (options.hardMarginMs ?? 15_000)),
    ),
    onProgress: (event) => {
      if (event.kind === 'notice') logger.info('notice', { message: event.message });
      if (event.kind === 'done') logger.info('resource exported', { ...event.result });
      if (event.kind === 'paused')
        logger.info('resource paused at deadline', { resource: event.resource, records: event.records });
      if (event.kind === 'failed')
        logger.error('resource failed', { resource: event.resource, reason: event.message });
    },
  });
  // The requests this invocation sent and their pace, on every outcome (a failed one too).
  logger.info('run summary', {
    requests: outcome.requests.requests,
    requestsPerMinute: outcome.requests.perMinute,
    ms: outcome.requests.ms,
  });
  if (outcome.stopped) {
    const { message, errorName, notStarted, interrupted } = outcome.stopped;
    const cutOff = [
      interrupted.length > 0 ? `; interrupted: ${interrupted.join(', ')}` : '',
      notStarted.length > 0 ? `; not started: ${notStarted.join(', ')}` : '',
    ].join('');
    const failure = new ExportFailedError(`${message}${cutOff}`);
    // Kept so the state machine does not retry what only a person can fix (ConfigError, AuthError).
    failure.name = errorName;
    throw failure;
  }
  if (outcome.failures.length > 0) {
    const failure = new ExportFailedError(outcome.failures.map((item) => item.message).join('; '));
    // When every resource failed for the same kind of reason, say so: the state machine does not retry a
    // ConfigError or AuthError, which only a person can fix.
    const names = new Set(outcome.failures.map((item) => item.errorName));
    if (names.size === 1) failure.name = [...names][0] as string;
    throw failure;
  }
  const { requests } = outcome;
  return outcome.done
    ? { done: true, results: outcome.results, requests }
    : { done: false, checkpoint: outcome.checkpoint, requests };
}
