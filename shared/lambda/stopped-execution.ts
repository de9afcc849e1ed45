import { z } from 'zod';
import { type DiscardedRun, discardUnfinishedRuns } from '../export/discard-unfinished.js';
import { accountFolder, failureKey } from '../layout/index.js';
import type { Sink } from '../output/sink.js';
import { InvalidEventError } from './export-event.js';
import { type LeaseStore, leaseKeyOf } from './lease.js';

export type { LeaseStore } from './lease.js';
export { leaseKeyOf } from './lease.js';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/**
 * Every name Step Functions accepts for an execution: 1-80 characters, no whitespace, none of
 * `<>{}[]?*"#%\^|~\`$&,;:/`, no control characters (StartExecution `name`). `rerun.2026-12-07` is one.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it excludes.
export const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/u;

/**
 * What the EventBridge rule sends when an export execution FAILED, TIMED_OUT or was ABORTED: the source facts
 * the rule's target input adds, and the Step Functions event's `detail` as is.
 */
export const stoppedExecutionEventSchema = z.object({
  source: z.string().regex(SEGMENT),
  perAccount: z.boolean(),
  defaultAccount: z.string().regex(SEGMENT).optional(),
  defaultResources: z.array(z.string().regex(SEGMENT)).min(1),
  execution: z.looseObject({
    executionArn: z.string().min(1),
    name: z.string().regex(EXECUTION_NAME),
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
    startDate: z.number().int().positive(),
    stopDate: z.number().int().positive(),
    input: z.string().nullish(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});

export type StoppedExecutionEvent = z.infer<typeof stoppedExecutionEventSchema>;

/** How the state machine's `ExportFailed` cause starts; a JSON list of the failed resources follows. */
export const FAILED_CAUSE_PREFIX = 'Export failed for these resources: ';

const failedResourcesSchema = z.array(
  z.object({ resource: z.string(), error: z.string().nullish(), message: z.string().nullish() }),
);

/** Every failed resource with its error name and line, from the `ExportFailed` cause; [] for other stops. */
export function failedResourcesOf(
  event: StoppedExecutionEvent,
): Array<{ resource: string; error: string | null; message: string | null }> {
  const cause = event.execution.cause;
  if (!cause?.startsWith(FAILED_CAUSE_PREFIX)) return [];
  let json: unknown;
  try {
    json = JSON.parse(cause.slice(FAILED_CAUSE_PREFIX.length));
  } catch {
    return [];
  }
  const parsed = failedResourcesSchema.safeParse(json);
  if (!parsed.success) return [];
  return parsed.data.map((f) => ({
    resource: f.resource,
    error: f.error ?? null,
    message: f.message ?? null,
  }));
}

const executionInputSchema = z.looseObject({
  account: z.string().regex(SEGMENT).optional(),
  resources: z.array(z.string().regex(SEGMENT)).min(1).optional(),
});

export interface CleanupDependencies {
  /** The export's output below the account folder (`account=<name>`), or the output root. */
  sinkFor(subPrefix: string): Sink;
  leases: LeaseStore;
  /** The clean-up's clock (epoch ms): runs started until now, by an invocation left running, count too. */
  now?: () => number;
}

export interface CleanupOutcome {
  leaseKey: string;
  /** False for a start the lease refused: another execution's runs are not this one's to discard. */
  heldLease: boolean;
  discarded: DiscardedRun[];
  released: boolean;
  failureKey: string;
}

export function parseStoppedExecutionEvent(event: unknown): StoppedExecutionEvent {
  const parsed = stoppedExecutionEventSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues.at(-1);
  throw new InvalidEventError(`invalid event: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
}

function executionInputOf(event: StoppedExecutionEvent): z.infer<typeof executionInputSchema> {
  let json: unknown = {};
  try {
    json = JSON.parse(event.execution.input ?? '{}');
  } catch {
    throw new InvalidEventError('invalid event: execution.input is not JSON');
  }
  const parsed = executionInputSchema.safeParse(json);
  if (!parsed.success)
    throw new InvalidEventError('invalid event: execution.input names a bad account or resource');
  return parsed.data;
}

/** Where a stopped execution's runs and lease are: parsed once, used by both phases. */
function targetOf(event: StoppedExecutionEvent): { account?: string; leaseKey: string; resources: string[] } {
  const input = executionInputOf(event);
  const account = event.perAccount ? (input.account ?? event.defaultAccount) : undefined;
  return {
    account,
    leaseKey: leaseKeyOf(event.source, account),
    resources: input.resources ?? event.defaultResources,
  };
}

export interface StoppingOutcome {
  leaseKey: string;
  /** False for a start the lease refused, or a second event for an execution already released. */
  marked: boolean;
}

/**
 * First phase, the moment the execution stopped: marks its lease `stopping` (so no invocation of it still
 * running may continue or publish) and shortens the lease to `expiresAt`, so a clean-up that never completes
 * frees it within hours instead of a day. Nothing is deleted yet: an invocation may still be writing.
 */
export async function markStoppedExecution(
  event: StoppedExecutionEvent,
  leases: LeaseStore,
  expiresAt: number,
): Promise<StoppingOutcome> {
  const { leaseKey } = targetOf(event);
  const marked = await leases.markStopping(leaseKey, event.execution.executionArn, expiresAt);
  return { leaseKey, marked };
}

/**
 * Second phase, once every invocation the execution started has ended (the export functions' timeout after the
 * stop): when it still holds the lease, delete the parts of the runs it left unfinished, record the failure
 * under `_failures/`, then release the lease so the next execution may start. The lease is released last, so
 * no new run can start while the old one's parts are being removed.
 */
export async function cleanUpStoppedExecution(
  event: StoppedExecutionEvent,
  deps: CleanupDependencies,
): Promise<CleanupOutcome> {
  const { execution } = event;
  const { account, leaseKey, resources } = targetOf(event);
  const heldLease = (await deps.leases.leaseOf(leaseKey))?.holder === execution.executionArn;
  const subPrefix = account === undefined ? '' : accountFolder(account);
  const now = deps.now?.() ?? Date.now();
  const discarded = heldLease
    ? await discardUnfinishedRuns(deps.sinkFor(subPrefix), {
        source: event.source,
        resources,
        from: new Date(execution.startDate),
        // A leftover invocation may have started another resource's run after the stop: it is this execution's.
        to: new Date(Math.max(execution.stopDate, now)),
      })
    : [];
  const day = new Date(execution.stopDate).toISOString().slice(0, 10);
  const recordKey = failureKey(event.source, day, execution.name);
  const record = {
    source: event.source,
    account,
    executionArn: execution.executionArn,
    status: execution.status,
    // The error name only: a cause can quote upstream responses.
    error: execution.error ?? null,
    startedAt: new Date(execution.startDate).toISOString(),
    stoppedAt: new Date(execution.stopDate).toISOString(),
    heldLease,
    discarded,
    // Every resource that failed, with its error line (not only the first).
    failedResources: failedResourcesOf(event),
  };
  // A repeated second phase (a redelivered message) finds the lease gone: it must not overwrite the record
  // of the clean-up that held it.
  const text = `${JSON.stringify(record)}\n`;
  const root = deps.sinkFor('');
  if (heldLease || (await root.getText(recordKey)) === undefined)
    await root.putText(recordKey, text, 'application/json');
  const released = heldLease ? await deps.leases.release(leaseKey, execution.executionArn) : false;
  return { leaseKey, heldLease, discarded, released, failureKey: recordKey };
}
