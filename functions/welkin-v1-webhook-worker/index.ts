import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { outputEnvFrom, outputSink } from '../../shared/lambda/output-env.js';
import { TtlCache } from '../../shared/webhooks/ttl-cache.js';
import { WelkinV1Client } from '../../shared/welkin-v1/client.js';
import { welkinV1LambdaConfig } from '../../shared/welkin-v1/lambda-config.js';
import { processV1NoticeBatch } from '../../shared/welkin-v1/webhooks/process-batch.js';

const logger = new Logger({ serviceName: 'welkin-v1-webhook-worker' });
const s3 = new S3Client({});
const secrets = new SecretsManagerClient({});

// The client (and its in-memory token) lives across warm invocations; rebuilt now and then so rotated API
// credentials are picked up. The token itself is shared with the export through the token secret.
const client = new TtlCache(async () => {
  const { config, tokenStore } = await welkinV1LambdaConfig(secrets, process.env);
  return new WelkinV1Client(config, tokenStore);
}, 15 * 60_000);

/** SQS-triggered (ReportBatchItemFailures on): pulls the windows each queued v1 notification names. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> =>
  processV1NoticeBatch({
    records: event.Records,
    client: await client.get(),
    sink: outputSink(s3, outputEnvFrom(process.env)),
    onOutcome: (outcome) => logger.info(`change ${outcome.kind}`, { ...outcome }),
    onFailure: (messageId, reason) => logger.error('pull failed', { messageId, reason }),
  });
