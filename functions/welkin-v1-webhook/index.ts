import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { configProblem } from '../../shared/config-error.js';
import { describeError } from '../../shared/errors.js';
import { outputEnvFrom, outputSink } from '../../shared/lambda/output-env.js';
import { SqsMessageQueue } from '../../shared/webhooks/sqs-queue.js';
import { TtlCache } from '../../shared/webhooks/ttl-cache.js';
import { WELKIN_V1_ENV } from '../../shared/welkin-v1/env.js';
import type { V1QueuedNotice } from '../../shared/welkin-v1/webhooks/queued-notice.js';
import {
  receiveV1Notification,
  type V1ReceiveOutcome,
} from '../../shared/welkin-v1/webhooks/receive-notification.js';
import type { V1ReceiverConfig } from '../../shared/welkin-v1/webhooks/receiver-config.js';
import { loadV1ReceiverConfig } from '../../shared/welkin-v1/webhooks/receiver-env.js';

const logger = new Logger({ serviceName: 'welkin-v1-webhook' });
const s3 = new S3Client({});
const sqs = new SQSClient({});
const secrets = new SecretsManagerClient({});

// A refused token reloads the secret at most this often: a rotation is seen at once, forged calls cannot
// drive Secrets Manager traffic.
const RELOAD_ON_REJECT_AFTER_MS = 60_000;
const config = new TtlCache<V1ReceiverConfig>(() => loadV1ReceiverConfig(secrets, process.env), 5 * 60_000);

function logOutcome(outcome: V1ReceiveOutcome): void {
  if (outcome.kind === 'accepted') logger.info('notification accepted', { ...outcome });
  else if (outcome.kind === 'failed') logger.error('notification not accepted', { ...outcome });
  else logger.warn('notification rejected', { ...outcome });
}

/** Lambda Function URL (payload 2.0): Welkin posts each v1 update notification here. */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const queueUrl = process.env[WELKIN_V1_ENV.eventsQueueUrl];
  if (!queueUrl) throw configProblem(WELKIN_V1_ENV.eventsQueueUrl, 'is not set', 'deploy with the stack');
  const sink = outputSink(s3, outputEnvFrom(process.env));
  // One pull per notification; FIFO groups by the first entry's resource.
  const queue = new SqsMessageQueue<V1QueuedNotice>(
    sqs,
    queueUrl,
    (message) => message.entries[0]?.resource ?? '',
  );
  const request = {
    method: event.requestContext?.http?.method ?? 'GET',
    headers: event.headers ?? {},
    body:
      event.body === undefined
        ? undefined
        : event.isBase64Encoded
          ? Buffer.from(event.body, 'base64')
          : event.body,
    // The Function URL's own host (AWS routes by it), so it is what Welkin was given unless configured.
    url: `https://${event.requestContext?.domainName ?? 'invalid'}${event.rawPath ?? '/'}`,
  };
  let response = await receiveV1Notification({ request, config: await config.get(), sink, queue });
  if (response.statusCode === 401 && config.age() > RELOAD_ON_REJECT_AFTER_MS) {
    try {
      response = await receiveV1Notification({ request, config: await config.refresh(), sink, queue });
    } catch (error) {
      logger.error('cannot reload webhook configuration', { reason: describeError(error) });
    }
  }
  logOutcome(response.outcome);
  return { statusCode: response.statusCode, headers: response.headers, body: response.body };
};
