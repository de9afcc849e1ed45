import { receiverHandler } from '../../shared/lambda/receiver-handler.js';
import { SqsNoticeQueue } from '../../shared/webhooks/sqs-queue.js';
import { receiveWebhook } from '../../shared/welkin/webhooks/receive-webhook.js';
import { loadReceiverConfig } from '../../shared/welkin/webhooks/receiver-env.js';

export const handler = receiverHandler({
  serviceName: 'welkin-webhook',
  queueUrlEnv: 'WELKIN_EVENTS_QUEUE_URL',
  loadConfig: loadReceiverConfig,
  receive: (request, config, { sink, sqs, queueUrl }) =>
    receiveWebhook({ request, config, sink, queue: new SqsNoticeQueue(sqs, queueUrl) }),
});
