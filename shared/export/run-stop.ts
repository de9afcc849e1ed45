import { setMaxListeners } from 'node:events';
import { describeDuration } from '../describe-duration.js';
import { AuthError, ConfigError, describeError, HttpError } from '../errors.js';
import { RateLimitError } from '../http/rate-limit-wait.js';
import { RunStoppedError } from '../http/request-deadline.js';
import { HostUnreachableError } from '../http/transport-error.js';

export interface ResourceFailure {
  resource: string;
  message: string;
  /** The class of the underlying error (ConfigError, AuthError, HttpError, ...), for retry decisions. */
  errorName: string;
}

/** The run was stopped as a whole: `message` is the one line to show, `notStarted` the resources it cut off. */
export interface RunStopped {
  message: string;
  errorName: string;
  notStarted: string[];
  /** Resources that were running when the run deadline cut them off (their work so far is discarded). */
  interrupted: string[];
}

/**
 * Stops a whole export run: by its watchdog (a run-level deadline that always fires), or by the first
 * failure that no retry fixes. Its signal reaches every request of the run (see shared/http/run-scope.ts).
 */
export class RunStop {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(deadlineMs?: number) {
    // Every in-flight request and every wait of the run listens (and stops listening when it ends): many at
    // once is normal, not a leak, and must not print Node's warning into the CLI's output.
    setMaxListeners(10_000, this.controller.signal);
    if (deadlineMs !== undefined && Number.isFinite(deadlineMs)) {
      this.timer = setTimeout(
        () =>
          this.stop(
            new RunStoppedError(
              `run deadline of ${describeDuration(deadlineMs)} reached: every resource was stopped`,
            ),
          ),
        Math.max(0, deadlineMs),
      );
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the run stopped, once it has. */
  get reason(): Error | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as Error) : undefined;
  }

  stop(reason: Error): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

/**
 * A failure every other resource would hit too and that no retry fixes now: a rejected credential (an
 * AuthError, or a 401 that a renewed token did not cure), a wrong host (ConfigError raised on the first
 * request), a host that never answered at all, or a rate limit that resets too far away (the limit is per API
 * user). Carrying on would only repeat it once per resource. A 403 is not one of them: it refuses one resource
 * to this user's role or API client's policies, and the other resources go on.
 */
export function stopsTheRun(error: unknown): boolean {
  return (
    error instanceof AuthError ||
    (error instanceof HttpError && error.status === 401) ||
    error instanceof ConfigError ||
    error instanceof HostUnreachableError ||
    error instanceof RateLimitError
  );
}

/** The one line for a stopped run: the failure that stopped it, or the deadline; and what it cut off. */
export function stoppedReport(
  reason: Error | undefined,
  failures: ResourceFailure[],
  notStarted: string[],
  source: string,
  interrupted: string[] = [],
): RunStopped | undefined {
  if (!reason) return undefined;
  const first = failures.find((failure) => failure.errorName === reason.name);
  return {
    message: first?.message ?? `${source}: ${describeError(reason)}`,
    errorName: reason.name,
    notStarted,
    interrupted,
  };
}
