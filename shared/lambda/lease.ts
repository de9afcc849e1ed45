import { RunAbandonedError } from '../errors.js';

/** One execution's lease as stored: who holds it and whether a clean-up has begun for it. */
export interface Lease {
  /** The execution ARN holding the lease. */
  holder: string;
  /** Set by the clean-up the moment the execution stopped: nothing of that execution may publish any more. */
  stopping: boolean;
}

/** The one-execution-at-a-time lease the state machine takes (DynamoDB in the stack). */
export interface LeaseStore {
  /** The lease under `key`, read consistently; undefined when nobody holds it. */
  leaseOf(key: string): Promise<Lease | undefined>;
  /**
   * Marks the lease of a stopped execution (only while `holder` still holds it) and moves its expiry to
   * `expiresAt` (epoch seconds), so a clean-up that never finishes cannot keep the lease for a day.
   */
  markStopping(key: string, holder: string, expiresAt: number): Promise<boolean>;
  /** Releases the lease only if `holder` still holds it; false when it did not. */
  release(key: string, holder: string): Promise<boolean>;
}

/** Lease key shared with the state machine: `<source>#<account>`, or the source alone. */
export function leaseKeyOf(source: string, account: string | undefined): string {
  return account === undefined ? source : `${source}#${account}`;
}

/** Asks, before a run continues or publishes, whether its execution may still write. */
export type RunGuard = () => Promise<void>;

/**
 * The guard of an export invocation started by a state machine: it may write only while its execution holds
 * the lease and no clean-up has begun for it. Step Functions does not cancel a running Lambda when the
 * execution stops; without this, the leftover invocation would publish a run the clean-up is discarding.
 */
export function leaseGuard(leases: LeaseStore, key: string, execution: string): RunGuard {
  return async () => {
    const lease = await leases.leaseOf(key);
    if (lease?.holder === execution && !lease.stopping) return;
    const why =
      lease?.holder === execution
        ? 'its execution stopped and is being cleaned up'
        : 'its execution no longer holds the lease (stopped, redriven or taken over)';
    throw new RunAbandonedError(
      `lease ${key}: ${why}; the run is abandoned, nothing was published. Start a new execution.`,
    );
  };
}

/** A lease table in memory with the conditional writes of the DynamoDB one (tests, the local demo). */
export class MemoryLeaseStore implements LeaseStore {
  readonly items = new Map<string, Lease & { expiresAt: number }>();

  /** The state machine's conditional put (`AcquireLease`): false while someone else holds an unexpired lease. */
  acquire(key: string, holder: string, expiresAt: number, nowSeconds: number): boolean {
    const current = this.items.get(key);
    if (current && current.expiresAt >= nowSeconds) return false;
    this.items.set(key, { holder, stopping: false, expiresAt });
    return true;
  }

  async leaseOf(key: string): Promise<Lease | undefined> {
    const item = this.items.get(key);
    return item ? { holder: item.holder, stopping: item.stopping } : undefined;
  }

  async markStopping(key: string, holder: string, expiresAt: number): Promise<boolean> {
    const item = this.items.get(key);
    if (item?.holder !== holder) return false;
    this.items.set(key, { holder, stopping: true, expiresAt });
    return true;
  }

  async release(key: string, holder: string): Promise<boolean> {
    if (this.items.get(key)?.holder !== holder) return false;
    this.items.delete(key);
    return true;
  }
}
