import { receiverHandler } from '../../shared/lambda/receiver-handler.js';
import { SqsMessageQueue } from '../../shared/lambda/sqs-queue.js';
import { WELKIN_V1_ENV } from '../../shared/welkin-v1/env.js';
import type { V1QueuedNotice } from '../../shared/welkin-v1/webhooks/queued-notice.js';
import { receiveV1Notification } from '../../shared/welkin-v1/webhooks/receive-notification.js';
import { loadV1ReceiverConfig } from '../../shared/welkin-v1/webhooks/receiver-env.js';

/** Welkin posts each v1 update notification here; one pull per notification, FIFO-grouped by resource. */
export const handler = receiverHandler({
  serviceName: 'welkin-v1-webhook',
  queueUrlEnv: WELKIN_V1_ENV.eventsQueueUrl,
  loadConfig: loadV1ReceiverConfig,
  receive: (request, config, { sink, sqs, queueUrl }) => {
    const queue = new SqsMessageQueue<V1QueuedNotice>(
      sqs,
      queueUrl,
      (notice) => notice.entries[0]?.resource ?? '',
    );
    return receiveV1Notification({ request, config, sink, queue });
  },
});
