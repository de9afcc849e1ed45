import { AsyncLocalStorage } from 'node:async_hooks';
import { stopReason } from './request-deadline.js';

/**
 * What the export run the current code belongs to gives every request and wait started inside it, without
 * each source threading it through its constructors: the run's stop signal (run deadline, or a failure no
 * retry fixes, reaches every resource's in-flight request at once) and a channel for progress notices
 * ("waiting 4 min for the rate limit") that the CLI prints and a Lambda logs.
 */
export interface RunScope {
  signal: AbortSignal;
  notify?: (message: string) => void;
}

const runScope = new AsyncLocalStorage<RunScope>();

export function withinRun<T>(scope: RunScope, work: () => Promise<T>): Promise<T> {
  return runScope.run(scope, work);
}

export function currentRunSignal(): AbortSignal | undefined {
  return runScope.getStore()?.signal;
}

/** Tells whoever runs the export about a long wait; a no-op outside a run. */
export function notifyRun(message: string): void {
  runScope.getStore()?.notify?.(message);
}

/** Throws the run's stop reason when the run was stopped. */
export function assertRunGoing(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw stopReason(signal);
}

/** Waits `ms`, ending early with the stop reason when the run stops. */
export function sleepWithinRun(
  ms: number,
  signal: AbortSignal | undefined = currentRunSignal(),
): Promise<void> {
  if (!signal) return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(stopReason(signal));
    const onStop = () => {
      clearTimeout(timer);
      reject(stopReason(signal));
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onStop);
        resolve();
      },
      Math.max(0, ms),
    );
    signal.addEventListener('abort', onStop, { once: true });
  });
}

/**
 * A signal that aborts with the run's stop reason, for one request only (dispose it when the request ends).
 * ky joins the signal it is given with its own (`AbortSignal.any`) per request; a short-lived source keeps
 * each join collectable, where the run's long-lived signal would collect one dependant per request of the run.
 */
export function requestStopSignal(run: AbortSignal | undefined): { signal?: AbortSignal; dispose(): void } {
  if (!run) return { dispose: () => {} };
  const controller = new AbortController();
  const onStop = () => controller.abort(stopReason(run));
  if (run.aborted) onStop();
  else run.addEventListener('abort', onStop, { once: true });
  return { signal: controller.signal, dispose: () => run.removeEventListener('abort', onStop) };
}
