import { MemoryTokenStore, type TokenStore } from '../../shared/auth/token-store.js';
import type { Sink } from '../../shared/output/sink.js';
import { safeReason } from '../../shared/webhooks/safe-reason.js';
import { WelkinV1Client } from '../../shared/welkin-v1/client.js';
import type { WelkinV1Config } from '../../shared/welkin-v1/config.js';
import type { RealtimeOutcome } from '../../shared/welkin-v1/realtime/pull-record.js';
import type { RealtimeDeps } from '../../shared/welkin-v1/realtime/receive-realtime.js';
import { processV1Message } from '../../shared/welkin-v1/webhooks/process-batch.js';
import type { V1PullOutcome } from '../../shared/welkin-v1/webhooks/pull-window.js';
import type { V1QueuedMessage } from '../../shared/welkin-v1/webhooks/queued-notice.js';
import {
  receiveV1Notification,
  type V1ReceiveOutcome,
} from '../../shared/welkin-v1/webhooks/receive-notification.js';
import type { V1ReceiverConfig } from '../../shared/welkin-v1/webhooks/receiver-config.js';
import { InProcessQueue } from './in-process-queue.js';
import { startLocalReceiver } from './local-server.js';
import {
  type LocalServiceHandle,
  type LocalServiceReports,
  localServiceHandle,
} from './local-service-handle.js';

export interface WelkinV1LocalServiceOptions
  extends LocalServiceReports<V1ReceiveOutcome, V1PullOutcome | RealtimeOutcome> {
  sink: Sink;
  receiver: V1ReceiverConfig;
  api: WelkinV1Config;
  tokenStore?: TokenStore;
  /** SNS certificate fetching and subscription confirmation (tests: a self-made certificate, no internet). */
  realtime?: RealtimeDeps;
}

export interface WelkinV1LocalService extends LocalServiceHandle<V1QueuedMessage> {
  client: WelkinV1Client;
}

/**
 * The v1 receiver and pull worker in one process, wired as in AWS but with an in-process queue: what the
 * demo and the integration tests drive.
 */
export async function startWelkinV1LocalService(
  options: WelkinV1LocalServiceOptions,
): Promise<WelkinV1LocalService> {
  const { sink } = options;
  const client = new WelkinV1Client(options.api, options.tokenStore ?? new MemoryTokenStore());
  const queue = new InProcessQueue<V1QueuedMessage>(
    async (message) => {
      for (const outcome of await processV1Message(message, client, sink)) options.onPull?.(outcome);
    },
    {
      retryDelayMs: 20,
      onFailure: (_message, error, attempt) => options.onPullFailure?.(safeReason(error), attempt),
    },
  );
  const server = await startLocalReceiver(options.receiver.maxBytes, async (request) => {
    const response = await receiveV1Notification({
      request,
      config: options.receiver,
      sink,
      queue,
      realtime: options.realtime,
    });
    options.onReceive?.(response.outcome);
    return response;
  });
  return { ...localServiceHandle(server, queue), client };
}
