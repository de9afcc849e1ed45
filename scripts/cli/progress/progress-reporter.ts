import { LiveProgress } from './live-progress.js';
import { PlainProgress } from './plain-progress.js';
import type { ProgressReporter, ProgressTarget } from './progress-target.js';

/** A live display per resource on a terminal; plain lines anywhere else. */
export function progressReporter(target: ProgressTarget): ProgressReporter {
  if (target.stream?.isTTY === true) return new LiveProgress(target, target.stream);
  return new PlainProgress(target);
}
