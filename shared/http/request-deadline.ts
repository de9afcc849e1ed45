import { PipelineError } from '../errors.js';

/** The run this request belongs to was stopped (run deadline, or a failure no retry fixes). */
export class RunStoppedError extends PipelineError {}

/** Why an attempt ended early: its own deadline (retried) or the run's stop (final). */
export type AttemptEnd = { kind: 'timeout' } | { kind: 'run-stopped'; reason: Error };

/**
 * A hard deadline for one attempt, headers and body alike. The timer is an ordinary referenced timeout whose
 * closure holds the controller and the rejection: the event loop keeps it alive, so no garbage collection can
 * lose it (an `AbortSignal.timeout` handed to fetch is only weakly held and was seen to vanish mid-body).
 * Callers race every await of the attempt against `expired` instead of trusting fetch to honour the signal.
 */
export class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private rejectExpired: (end: AttemptEnd) => void = () => {};
  private readonly expired: Promise<never>;
  private readonly onRunStop = () => this.end({ kind: 'run-stopped', reason: stopReason(this.run) });
  ended: AttemptEnd | undefined;

  constructor(
    timeoutMs: number,
    private readonly run?: AbortSignal,
  ) {
    this.expired = new Promise<never>((_, reject) => {
      this.rejectExpired = reject;
    });
    // Nobody may be racing at the moment it fires; the rejection is read through `ended`.
    this.expired.catch(() => {});
    this.timer = setTimeout(() => this.end({ kind: 'timeout' }), timeoutMs);
    if (run?.aborted) this.onRunStop();
    else run?.addEventListener('abort', this.onRunStop, { once: true });
  }

  /** Handed to fetch so the connection is torn down when the deadline fires. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** `work`, unless the deadline fires first. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.expired]);
  }

  /** Always call when the attempt is over, however it ended. */
  dispose(): void {
    clearTimeout(this.timer);
    this.run?.removeEventListener('abort', this.onRunStop);
  }

  private end(end: AttemptEnd): void {
    if (this.ended) return;
    this.ended = end;
    this.controller.abort(end.kind === 'timeout' ? new Error('request deadline') : end.reason);
    this.rejectExpired(end);
  }
}

/** The run signal's reason as an error to rethrow unchanged. */
export function stopReason(run: AbortSignal | undefined): Error {
  const reason: unknown = run?.reason;
  return reason instanceof Error ? reason : new RunStoppedError('run stopped');
}

/** Reads a body to text, each chunk under the deadline; on expiry the stream is cancelled (socket freed). */
export async function readBodyText(response: Response, deadline: AttemptDeadline): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await deadline.race(reader.read());
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
}
