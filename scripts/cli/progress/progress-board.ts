import type { ProgressEvent } from '../../../shared/export/run-export.js';

export type ResourceState = 'running' | 'done' | 'failed' | 'paused';

/** What the display knows about one resource. */
export interface ResourceProgress {
  resource: string;
  state: ResourceState;
  records: number;
  pages: number;
  /** Rows the server says the window holds, when it says (Cliniko's total_entries). */
  total?: number;
  startedAt: number;
  endedAt?: number;
  mode?: 'full' | 'incremental';
  message?: string;
}

/** Progress of every resource of one run, from the engine's events; both displays read it. */
export class ProgressBoard {
  private readonly resources = new Map<string, ResourceProgress>();
  readonly startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  apply(event: ProgressEvent): ResourceProgress {
    const entry = this.entry(event.resource);
    // The current state is told on a line of its own; the resource's own figures stay those of its run.
    if (event.kind === 'started' || event.kind === 'current' || event.kind === 'notice') return entry;
    if (event.kind === 'page') {
      Object.assign(entry, { records: event.records, pages: event.pages, total: event.total ?? entry.total });
      return entry;
    }
    entry.endedAt = this.now();
    if (event.kind === 'done') {
      Object.assign(entry, { state: 'done', records: event.result.recordCount, mode: event.result.mode });
    } else if (event.kind === 'paused') {
      Object.assign(entry, { state: 'paused', records: event.records });
    } else {
      Object.assign(entry, { state: 'failed', message: event.message });
    }
    return entry;
  }

  running(): ResourceProgress[] {
    return [...this.resources.values()].filter((entry) => entry.state === 'running');
  }

  count(state: ResourceState): number {
    return [...this.resources.values()].filter((entry) => entry.state === state).length;
  }

  rows(): number {
    return [...this.resources.values()].reduce((sum, entry) => sum + entry.records, 0);
  }

  elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  /**
   * Seconds left for the whole run of `resources`, from the time the finished ones took (resources differ in
   * size, so it is rough, and only once one has finished).
   */
  runSecondsLeft(resources: number): number | undefined {
    const finished = this.count('done') + this.count('failed');
    if (finished === 0 || finished >= resources) return undefined;
    return (this.elapsedMs() / 1000 / finished) * (resources - finished);
  }

  /** Share done and time left, from the rate so far; only when the server gave a total. */
  estimate(entry: ResourceProgress): { fraction: number; secondsLeft?: number } | undefined {
    if (!entry.total || entry.total <= 0) return undefined;
    const fraction = Math.min(1, entry.records / entry.total);
    const elapsed = (this.now() - entry.startedAt) / 1000;
    if (entry.records === 0 || elapsed <= 0) return { fraction };
    const perSecond = entry.records / elapsed;
    return { fraction, secondsLeft: Math.max(0, (entry.total - entry.records) / perSecond) };
  }

  private entry(resource: string): ResourceProgress {
    let entry = this.resources.get(resource);
    if (!entry) {
      entry = { resource, state: 'running', records: 0, pages: 0, startedAt: this.now() };
      this.resources.set(resource, entry);
    }
    return entry;
  }
}

const NUMBER = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return NUMBER.format(value);
}

/** m:ss, or h:mm:ss past an hour. */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const mmss = `${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}
