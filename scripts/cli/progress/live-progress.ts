import { createLogUpdate } from 'log-update';
import type { ProgressEvent } from '../../../shared/export/run-export.js';
import { printable } from '../printable.js';
import { formatCount, formatDuration, ProgressBoard } from './progress-board.js';
import type { ProgressReporter, ProgressTarget } from './progress-target.js';
import { counts, currentStateLine, outcomeLine, requestsPerMinute } from './resource-line.js';

/** Redraws at most this often: smooth to the eye, cheap next to the export. */
const FRAME_MS = 100;

/**
 * One live line per running resource under a summary line, redrawn in place (log-update handles cursor,
 * wrapping and terminal height). A resource that ends leaves one permanent line above the live area.
 */
export class LiveProgress implements ProgressReporter {
  private readonly board: ProgressBoard;
  private readonly draw: ReturnType<typeof createLogUpdate>;
  private readonly timer: NodeJS.Timeout;
  private lastFrame = 0;
  private readonly now: () => number;

  constructor(
    private readonly target: ProgressTarget,
    stream: NodeJS.WritableStream,
  ) {
    this.now = target.now ?? Date.now;
    this.board = new ProgressBoard(this.now);
    this.draw = createLogUpdate(stream);
    // The clock and the rate move between pages too; unref: the display never keeps the process alive.
    this.timer = setInterval(() => this.render(), 1_000).unref();
  }

  onEvent(event: ProgressEvent): void {
    const entry = this.board.apply(event);
    if (event.kind === 'started') {
      this.render();
      return;
    }
    if (event.kind === 'notice') {
      this.draw.persist(`${this.target.source}/${event.resource}: ${printable(event.message)}`);
      this.render();
      return;
    }
    if (event.kind === 'current') {
      this.draw.persist(currentStateLine(this.target.source, event));
      this.render();
      return;
    }
    if (event.kind !== 'page') {
      this.draw.persist(outcomeLine(this.target.source, entry));
      this.render();
      return;
    }
    if (this.now() - this.lastFrame >= FRAME_MS) this.render();
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw.clear();
    this.draw.done();
  }

  private render(): void {
    this.lastFrame = this.now();
    const running = this.board.running();
    const width = Math.max(0, ...running.map((entry) => entry.resource.length));
    const total = this.target.resourceCount;
    const left = total === undefined ? undefined : this.board.runSecondsLeft(total);
    const summary = [
      `${this.target.source}: ${this.board.count('done')}${total === undefined ? '' : ` of ${total}`} done`,
      `${this.board.count('failed')} failed`,
      `${running.length} running`,
      `${formatCount(this.board.rows())} rows`,
      `${requestsPerMinute(this.board, this.target.requestCount())} req/min`,
      formatDuration(this.board.elapsedMs() / 1000) +
        (left === undefined ? '' : ` (~${formatDuration(left)} left)`),
    ].join(' · ');
    const lines = running.map((entry) => `  ${entry.resource.padEnd(width)}  ${counts(this.board, entry)}`);
    this.draw([summary, ...lines].join('\n'));
  }
}
