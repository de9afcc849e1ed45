import type { ProgressEvent } from '../../../shared/export/run-export.js';
import { printable } from '../printable.js';
import { formatCount, formatDuration, type ProgressBoard, type ResourceProgress } from './progress-board.js';

/** "1,200 rows, 12 pages, 60% of 2,000, ~0:18 left": the same words live and in plain lines. */
export function counts(board: ProgressBoard, entry: ResourceProgress): string {
  const parts = [`${formatCount(entry.records)} rows`, `${formatCount(entry.pages)} pages`];
  const estimate = board.estimate(entry);
  if (estimate && entry.total !== undefined) {
    parts.push(`${Math.floor(estimate.fraction * 100)}% of ${formatCount(entry.total)}`);
    if (estimate.secondsLeft !== undefined) parts.push(`~${formatDuration(estimate.secondsLeft)} left`);
  }
  return parts.join(', ');
}

/** The line telling a resource's current state after its run. */
export function currentStateLine(source: string, event: Extract<ProgressEvent, { kind: 'current' }>): string {
  return `${source}/${event.resource}: current state ${event.records} rows, ${event.deleted} deleted (${event.ms} ms)`;
}

/** The permanent line of a resource that finished, failed or paused. */
export function outcomeLine(source: string, entry: ResourceProgress): string {
  const took =
    entry.endedAt === undefined ? '' : ` in ${formatDuration((entry.endedAt - entry.startedAt) / 1000)}`;
  switch (entry.state) {
    case 'done':
      return `${source}/${entry.resource}: done, ${entry.records} rows (${entry.mode})${took}`;
    case 'paused':
      return `${source}/${entry.resource}: paused at ${entry.records} rows; continue from the checkpoint`;
    case 'failed':
      return `error: ${printable(entry.message ?? 'failed')}`;
    default:
      return `${source}/${entry.resource}: running`;
  }
}

export function requestsPerMinute(board: ProgressBoard, requests: number): number {
  const minutes = board.elapsedMs() / 60_000;
  return minutes > 0 ? Math.round(requests / minutes) : 0;
}
