import type { ProgressEvent } from '../../../shared/export/run-export.js';
import { printable } from '../printable.js';
import { ProgressBoard } from './progress-board.js';
import type { ProgressReporter, ProgressTarget } from './progress-target.js';
import { counts, currentStateLine, outcomeLine, requestsPerMinute } from './resource-line.js';

/** At most one line per resource this often: a log is read later, it needs no animation. */
const LINE_INTERVAL_MS = 2_000;

/** Progress as plain lines, for logs and pipes: no cursor movement, no colour. */
export class PlainProgress implements ProgressReporter {
  private readonly board: ProgressBoard;
  private readonly lastLine = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly target: ProgressTarget) {
    this.now = target.now ?? Date.now;
    this.board = new ProgressBoard(this.now);
  }

  onEvent(event: ProgressEvent): void {
    const entry = this.board.apply(event);
    if (event.kind === 'started') return;
    if (event.kind === 'notice') {
      this.target.err(`${this.target.source}/${event.resource}: ${printable(event.message)}`);
      return;
    }
    if (event.kind === 'current') {
      this.target.err(currentStateLine(this.target.source, event));
      return;
    }
    if (event.kind !== 'page') {
      this.target.err(outcomeLine(this.target.source, entry));
      return;
    }
    const now = this.now();
    if (now - (this.lastLine.get(event.resource) ?? 0) < LINE_INTERVAL_MS) return;
    this.lastLine.set(event.resource, now);
    const rate = requestsPerMinute(this.board, this.target.requestCount());
    this.target.err(`${this.target.source}/${event.resource}: ${counts(this.board, entry)}, ${rate} req/min`);
  }

  stop(): void {}
}
