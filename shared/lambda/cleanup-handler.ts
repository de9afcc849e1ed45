import type { SQSEvent } from 'aws-lambda';
import type { Sink } from '../output/sink.js';
import type { LeaseStore } from './lease.js';
import {
  type CleanupOutcome,
  cleanUpStoppedExecution,
  markStoppedExecution,
  parseStoppedExecutionEvent,
  type StoppedExecutionEvent,
  type StoppingOutcome,
} from './stopped-execution.js';

/** SQS delays a message by at most 15 minutes; a longer wait is made of several hops. */
export const MAX_DELAY_SECONDS = 900;

/** The clean-up's own queue: the second phase arrives through it once the wait is over. */
export interface DelayQueue {
  send(body: string, delaySeconds: number): Promise<void>;
}

export interface CleanupHandlerDeps {
  leases: LeaseStore;
  sinkFor(subPrefix: string): Sink;
  queue: DelayQueue;
  /** How long after a stop an invocation of the execution may still run: the export functions' timeout plus a margin. */
  waitMs: number;
  /** How long a stopping lease outlives the wait, should the second phase never complete (then an alarm fires). */
  graceMs: number;
  now?: () => number;
}

export type CleanupStep =
  | { phase: 'stopping'; execution: string; status: string; dueAt: string; outcome: StoppingOutcome }
  | { phase: 'waiting'; execution: string; dueAt: string }
  | { phase: 'cleaned'; execution: string; status: string; outcome: CleanupOutcome };

function isSqsEvent(event: unknown): event is SQSEvent {
  return typeof event === 'object' && event !== null && Array.isArray((event as SQSEvent).Records);
}

/**
 * The clean-up function. From the EventBridge rule (an execution FAILED, TIMED_OUT or was ABORTED): mark the
 * lease `stopping` and queue the second phase. From its queue, once the wait after the stop is over: discard the
 * unfinished runs, record the failure, release the lease. Step Functions does not stop a running Lambda, so
 * deleting at once would race the invocation still writing.
 */
export async function handleCleanupEvent(event: unknown, deps: CleanupHandlerDeps): Promise<CleanupStep[]> {
  const now = deps.now ?? Date.now;
  if (!isSqsEvent(event)) {
    const stopped = parseStoppedExecutionEvent(event);
    const dueAt = dueAtOf(stopped, deps.waitMs);
    const expiresAt = Math.floor((Math.max(dueAt, now()) + deps.graceMs) / 1000);
    const outcome = await markStoppedExecution(stopped, deps.leases, expiresAt);
    await deps.queue.send(JSON.stringify(stopped), delaySecondsUntil(dueAt, now()));
    return [{ phase: 'stopping', ...named(stopped), dueAt: new Date(dueAt).toISOString(), outcome }];
  }
  const steps: CleanupStep[] = [];
  for (const record of event.Records) {
    const stopped = parseStoppedExecutionEvent(parseJson(record.body));
    const dueAt = dueAtOf(stopped, deps.waitMs);
    if (now() < dueAt) {
      // Delivered early (a redriven dead letter, a clock step): wait the rest.
      await deps.queue.send(record.body, delaySecondsUntil(dueAt, now()));
      steps.push({
        phase: 'waiting',
        execution: stopped.execution.name,
        dueAt: new Date(dueAt).toISOString(),
      });
      continue;
    }
    const outcome = await cleanUpStoppedExecution(stopped, { ...deps, now });
    steps.push({ phase: 'cleaned', ...named(stopped), outcome });
  }
  return steps;
}

function dueAtOf(stopped: StoppedExecutionEvent, waitMs: number): number {
  return stopped.execution.stopDate + waitMs;
}

function delaySecondsUntil(dueAt: number, now: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt - now) / 1000)));
}

function named(stopped: StoppedExecutionEvent): { execution: string; status: string } {
  return { execution: stopped.execution.name, status: stopped.execution.status };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
