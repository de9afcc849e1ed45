import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { outputEnvFrom } from '../../shared/lambda/output-env.js';
import { S3Sink } from '../../shared/output/s3-sink.js';
import { processNoticeBatch } from '../../shared/webhooks/process-batch.js';
import { TtlCache } from '../../shared/webhooks/ttl-cache.js';
import { WelkinRecordFetcher } from '../../shared/welkin/webhooks/welkin-record-fetcher.js';
import { welkinClientFromSecrets } from '../../shared/welkin/webhooks/worker-env.js';

const logger = new Logger({ serviceName: 'welkin-webhook-worker' });
const s3 = new S3Client({});
const secrets = new SecretsManagerClient({});

// The client (and its in-memory token) lives across warm invocations; rebuilt now and then so rotated API
// credentials are picked up.
const fetcher = new TtlCache(
  async () => new WelkinRecordFetcher(await welkinClientFromSecrets(secrets, process.env)),
  15 * 60_000,
);

/** SQS-triggered (ReportBatchItemFailures on): pulls the record each queued notice points to. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const output = outputEnvFrom(process.env);
  const welkin = await fetcher.get();
  return processNoticeBatch({
    records: event.Records,
    api: welkin.api,
    fetcher: welkin,
    sink: new S3Sink({ client: s3, bucket: output.bucket, prefix: output.prefix, kmsKeyId: output.kmsKeyId }),
    onOutcome: (outcome) => logger.info(`change ${outcome.kind}`, { ...outcome }),
    onFailure: (messageId, reason) => logger.error('pull failed', { messageId, reason }),
  });
};
