import { z } from 'zod';
import { type DiscardedRun, discardUnfinishedRuns } from '../export/discard-unfinished.js';
import { joinKey, type Sink } from '../output/sink.js';
import { InvalidEventError } from './export-event.js';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

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
    name: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
    startDate: z.number().int().positive(),
    stopDate: z.number().int().positive(),
    input: z.string().nullish(),
    error: z.string().nullish(),
  }),
});

export type StoppedExecutionEvent = z.infer<typeof stoppedExecutionEventSchema>;

const executionInputSchema = z.looseObject({
  account: z.string().regex(SEGMENT).optional(),
  resources: z.array(z.string().regex(SEGMENT)).min(1).optional(),
});

/** The one-execution-at-a-time lease the state machine takes (DynamoDB in the stack). */
export interface LeaseStore {
  /** The execution ARN holding the lease, or undefined when nobody does. */
  holderOf(key: string): Promise<string | undefined>;
  /** Releases the lease only if `holder` still holds it; false when it did not. */
  release(key: string, holder: string): Promise<boolean>;
}

export interface CleanupDependencies {
  /** The export's output below the account folder (`account=<name>`), or the output root. */
  sinkFor(subPrefix: string): Sink;
  leases: LeaseStore;
}

export interface CleanupOutcome {
  leaseKey: string;
  /** False for a start the lease refused: another execution's runs are not this one's to discard. */
  heldLease: boolean;
  discarded: DiscardedRun[];
  released: boolean;
  failureKey: string;
}

/** Lease key shared with the state machine: `<source>#<account>`, or the source alone. */
export function leaseKeyOf(source: string, account: string | undefined): string {
  return account === undefined ? source : `${source}#${account}`;
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

/**
 * After an execution stopped without succeeding: when it held the lease, delete the parts of the runs it left
 * unfinished, record the failure under `_failures/`, then release the lease so the next execution may start.
 * The lease is released last, so no new run can start while the old one's parts are being removed.
 */
export async function cleanUpStoppedExecution(
  event: StoppedExecutionEvent,
  deps: CleanupDependencies,
): Promise<CleanupOutcome> {
  const { execution } = event;
  const input = executionInputOf(event);
  const account = event.perAccount ? (input.account ?? event.defaultAccount) : undefined;
  const leaseKey = leaseKeyOf(event.source, account);
  const heldLease = (await deps.leases.holderOf(leaseKey)) === execution.executionArn;
  const subPrefix = account === undefined ? '' : `account=${account}`;
  const discarded = heldLease
    ? await discardUnfinishedRuns(deps.sinkFor(subPrefix), {
        source: event.source,
        resources: input.resources ?? event.defaultResources,
        from: new Date(execution.startDate),
        to: new Date(execution.stopDate),
      })
    : [];
  const day = new Date(execution.stopDate).toISOString().slice(0, 10);
  const failureKey = joinKey('_failures', event.source, `dt=${day}`, `${execution.name}.json`);
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
  };
  await deps.sinkFor('').putText(failureKey, `${JSON.stringify(record)}\n`, 'application/json');
  const released = heldLease ? await deps.leases.release(leaseKey, execution.executionArn) : false;
  return { leaseKey, heldLease, discarded, released, failureKey };
}
