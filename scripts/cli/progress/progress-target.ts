import type { ProgressEvent } from '../../../shared/export/run-export.js';

/** Shows a run's progress; `stop` leaves the terminal as it found it. */
export interface ProgressReporter {
  onEvent(event: ProgressEvent): void;
  stop(): void;
}

export interface ProgressTarget {
  source: string;
  /** HTTP requests made so far by the source, for requests per minute. */
  requestCount: () => number;
  /** Resources the run will export: the summary then reads "N of M done" with an estimate for the run. */
  resourceCount?: number;
  /** Plain lines (CI, Lambda, pipes) go through here. */
  err: (line: string) => void;
  /** stderr itself: a live display needs the stream, and only when it is a terminal. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  now?: () => number;
}
