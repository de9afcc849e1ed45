import { AsyncLocalStorage } from 'node:async_hooks';
import { stopReason } from './request-deadline.js';

/**
 * The signal of the export run the current code belongs to. Every request and wait started inside
 * `withinRun` sees it without each source threading it through its constructors, so one stop (run
 * deadline, or a failure no retry fixes) reaches every resource's in-flight request at once.
 */
const runScope = new AsyncLocalStorage<AbortSignal>();

export function withinRun<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return runScope.run(signal, work);
}

export function currentRunSignal(): AbortSignal | undefined {
  return runScope.getStore();
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
