import { AuthError, ConfigError, describeError } from '../errors.js';
import { RunStoppedError } from '../http/request-deadline.js';
import type { ResourceFailure, RunStopped } from './run-export.js';

/**
 * Stops a whole export run: by its watchdog (a run-level deadline that always fires), or by the first
 * failure that no retry fixes. Its signal reaches every request of the run (see shared/http/run-scope.ts).
 */
export class RunStop {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(deadlineMs?: number) {
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
 * A failure every other resource would hit too and that only a person can fix: a rejected credential, or a
 * wrong host (ConfigError raised on the first request). Retrying or carrying on would only repeat it.
 */
export function stopsTheRun(error: unknown): boolean {
  return error instanceof AuthError || error instanceof ConfigError;
}

export function describeDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  if (ms >= 1_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms)} ms`;
}

/** The one line for a stopped run: the failure that stopped it, or the deadline; and what it cut off. */
export function stoppedReport(
  reason: Error | undefined,
  failures: ResourceFailure[],
  notStarted: string[],
  source: string,
): RunStopped | undefined {
  if (!reason) return undefined;
  const first = failures.find((failure) => failure.errorName === reason.name);
  return {
    message: first?.message ?? `${source}: ${describeError(reason)}`,
    errorName: reason.name,
    notStarted,
  };
}
