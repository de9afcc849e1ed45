import { receiverHandler } from '../../shared/lambda/receiver-handler.js';
import { SqsMessageQueue } from '../../shared/lambda/sqs-queue.js';
import { noticeGroup, type QueuedNotice } from '../../shared/welkin/webhooks/queued-notice.js';
import { receiveWebhook } from '../../shared/welkin/webhooks/receive-webhook.js';
import { loadReceiverConfig } from '../../shared/welkin/webhooks/receiver-env.js';

export const handler = receiverHandler({
  serviceName: 'welkin-webhook',
  queueUrlEnv: 'WELKIN_EVENTS_QUEUE_URL',
  loadConfig: loadReceiverConfig,
  receive: (request, config, { sink, sqs, queueUrl }) =>
    receiveWebhook({
      request,
      config,
      sink,
      queue: new SqsMessageQueue<QueuedNotice>(sqs, queueUrl, noticeGroup),
    }),
});
