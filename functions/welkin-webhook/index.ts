import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ConfigError, describeError } from '../../shared/errors.js';
import { outputEnvFrom } from '../../shared/lambda/output-env.js';
import { S3Sink } from '../../shared/output/s3-sink.js';
import { SqsNoticeQueue } from '../../shared/webhooks/sqs-queue.js';
import { TtlCache } from '../../shared/webhooks/ttl-cache.js';
import { type ReceiveOutcome, receiveWebhook } from '../../shared/welkin/webhooks/receive-webhook.js';
import type { ReceiverConfig } from '../../shared/welkin/webhooks/receiver-config.js';
import { loadReceiverConfig } from '../../shared/welkin/webhooks/receiver-env.js';

const logger = new Logger({ serviceName: 'welkin-webhook' });
const s3 = new S3Client({});
const sqs = new SQSClient({});
const secrets = new SecretsManagerClient({});

const CONFIG_TTL_MS = 5 * 60_000;
// A rejected secret reloads the config at most this often, so a rotation is seen at once but forged calls
// cannot drive Secrets Manager traffic.
const RELOAD_ON_REJECT_AFTER_MS = 60_000;
const config = new TtlCache<ReceiverConfig>(() => loadReceiverConfig(secrets, process.env), CONFIG_TTL_MS);

function logOutcome(outcome: ReceiveOutcome): void {
  if (outcome.kind === 'accepted') logger.info('notice accepted', { ...outcome });
  else if (outcome.kind === 'failed') logger.error('notice not accepted', { ...outcome });
  else logger.warn('notice rejected', { reason: outcome.reason });
}

/** Lambda Function URL (payload 2.0): Welkin posts each notice here. */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const output = outputEnvFrom(process.env);
  const queueUrl = process.env.WELKIN_EVENTS_QUEUE_URL;
  if (!queueUrl) throw new ConfigError('WELKIN_EVENTS_QUEUE_URL is required');
  const sink = new S3Sink({
    client: s3,
    bucket: output.bucket,
    prefix: output.prefix,
    kmsKeyId: output.kmsKeyId,
  });
  const queue = new SqsNoticeQueue(sqs, queueUrl);
  const request = {
    method: event.requestContext?.http?.method ?? 'GET',
    headers: event.headers ?? {},
    body:
      event.body === undefined
        ? undefined
        : event.isBase64Encoded
          ? Buffer.from(event.body, 'base64')
          : event.body,
  };
  let response = await receiveWebhook({ request, config: await config.get(), sink, queue });
  if (response.statusCode === 401 && config.age() > RELOAD_ON_REJECT_AFTER_MS) {
    try {
      response = await receiveWebhook({ request, config: await config.refresh(), sink, queue });
    } catch (error) {
      logger.error('cannot reload webhook configuration', { reason: describeError(error) });
    }
  }
  logOutcome(response.outcome);
  return { statusCode: response.statusCode, headers: response.headers, body: response.body };
};
