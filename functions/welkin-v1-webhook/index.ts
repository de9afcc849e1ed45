import { receiverHandler } from '../../shared/lambda/receiver-handler.js';
import { SqsMessageQueue } from '../../shared/lambda/sqs-queue.js';
import { WELKIN_V1_ENV } from '../../shared/welkin-v1/env.js';
import type { V1QueuedMessage } from '../../shared/welkin-v1/webhooks/queued-notice.js';
import { receiveV1Notification } from '../../shared/welkin-v1/webhooks/receive-notification.js';
import { loadV1ReceiverConfig } from '../../shared/welkin-v1/webhooks/receiver-env.js';

/**
 * Welkin posts both kinds of v1 notification here: legacy windows (bearer JWT) and realtime notifications
 * through SNS (subscription confirmed here, signatures verified); one queued pull per notification.
 */
export const handler = receiverHandler({
  serviceName: 'welkin-v1-webhook',
  queueUrlEnv: WELKIN_V1_ENV.eventsQueueUrl,
  loadConfig: loadV1ReceiverConfig,
  receive: (request, config, { sink, sqs, queueUrl }) => {
    const queue = new SqsMessageQueue<V1QueuedMessage>(sqs, queueUrl, (message) =>
      message.version === 2 ? message.resource : (message.entries[0]?.resource ?? ''),
    );
    return receiveV1Notification({ request, config, sink, queue });
  },
});
