import type { InProcessQueue, InProcessQueueStats } from './in-process-queue.js';
import type { LocalWebhookServer } from './local-server.js';

/** What a receiver-plus-pull-worker process offers its driver (CLI, demo or test), whatever the source. */
export interface LocalServiceHandle<M> {
  server: LocalWebhookServer;
  /** Resolves when every queued pull has finished (or been dead-lettered). */
  drain(): Promise<void>;
  stats(): InProcessQueueStats<M>;
  /** Stops taking deliveries first, then lets the pulls already queued finish. */
  stop(): Promise<void>;
}

export function localServiceHandle<M>(
  server: LocalWebhookServer,
  queue: InProcessQueue<M>,
): LocalServiceHandle<M> {
  return {
    server,
    drain: () => queue.drain(),
    stats: () => queue.stats(),
    stop: async () => {
      await server.stop();
      await queue.drain();
    },
  };
}

/** Reports of a local service: each delivery's outcome, each pull's, and each failed pull attempt (safe reason). */
export interface LocalServiceReports<Received, Pulled> {
  onReceive?: (outcome: Received) => void;
  onPull?: (outcome: Pulled) => void;
  onPullFailure?: (reason: string, attempt: number) => void;
}
