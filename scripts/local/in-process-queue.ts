import type { QueuedNotice } from '../../shared/welkin/webhooks/queued-notice.js';

export interface InProcessQueueOptions<M = QueuedNotice> {
  /** Messages worked on at once. */
  concurrency?: number;
  /** Attempts per message before it is set aside as a dead letter. */
  maxAttempts?: number;
  retryDelayMs?: number;
  onFailure?: (message: M, error: unknown, attempt: number) => void;
}

export interface InProcessQueueStats<M = QueuedNotice> {
  sent: number;
  done: number;
  retries: number;
  deadLetters: M[];
}

/**
 * The local stand-in for SQS plus its Lambda trigger (any message type; V8 notices by default): bounded concurrency, retries, a dead-letter list.
 * Messages are copied through JSON on send, as SQS would, so nothing shares state with the sender.
 */
export class InProcessQueue<M = QueuedNotice> {
  private readonly waiting: { message: M; attempt: number }[] = [];
  private active = 0;
  private delayed = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly counters = { sent: 0, done: 0, retries: 0 };
  private readonly deadLetters: M[] = [];
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly worker: (message: M) => Promise<void>,
    private readonly options: InProcessQueueOptions<M> = {},
  ) {
    this.concurrency = options.concurrency ?? 8;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 100;
  }

  async send(message: M): Promise<void> {
    this.counters.sent += 1;
    this.waiting.push({ message: JSON.parse(JSON.stringify(message)) as M, attempt: 1 });
    this.pump();
  }

  /** Resolves when nothing is waiting, running, or due for a retry. */
  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): InProcessQueueStats<M> {
    return { ...this.counters, deadLetters: [...this.deadLetters] };
  }

  private isIdle(): boolean {
    return this.waiting.length === 0 && this.active === 0 && this.delayed === 0;
  }

  private pump(): void {
    while (this.active < this.concurrency && this.waiting.length > 0) {
      const item = this.waiting.shift() as { message: M; attempt: number };
      this.active += 1;
      void this.run(item.message, item.attempt);
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async run(message: M, attempt: number): Promise<void> {
    try {
      await this.worker(message);
      this.counters.done += 1;
    } catch (error) {
      this.options.onFailure?.(message, error, attempt);
      if (attempt >= this.maxAttempts) {
        this.deadLetters.push(message);
      } else {
        this.counters.retries += 1;
        this.delayed += 1;
        setTimeout(() => {
          this.delayed -= 1;
          this.waiting.push({ message, attempt: attempt + 1 });
          this.pump();
        }, this.retryDelayMs * attempt);
      }
    } finally {
      this.active -= 1;
      this.pump();
    }
  }
}
