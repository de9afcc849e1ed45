import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Sink } from '../output/sink.js';
import type { Env } from '../sources/source-module.js';
import { outputEnvFrom, outputSink } from './output-env.js';
import { TtlCache } from './ttl-cache.js';

/** How the worker reports each message: outcomes are safe to log (no record ids, no bodies). */
export interface BatchReport {
  onOutcome(outcome: { kind: string }): void;
  onFailure(messageId: string, reason: string): void;
}

export interface WorkerSpec<Client> {
  serviceName: string;
  /** The source's API client, from the function's environment and secrets. */
  connect(secrets: SecretsManagerClient, env: Env): Promise<Client>;
  /** Pulls what each queued message names; failed messages are returned for SQS to retry. */
  process(records: SQSRecord[], client: Client, sink: Sink, report: BatchReport): Promise<SQSBatchResponse>;
}

// The client (and its in-memory token) lives across warm invocations; rebuilt now and then so rotated API
// credentials are picked up.
const CLIENT_TTL_MS = 15 * 60_000;

/** The SQS-triggered webhook worker Lambda of any source (ReportBatchItemFailures on). */
export function workerHandler<Client>(spec: WorkerSpec<Client>) {
  const logger = new Logger({ serviceName: spec.serviceName });
  const s3 = new S3Client({});
  const secrets = new SecretsManagerClient({});
  const client = new TtlCache(() => spec.connect(secrets, process.env), CLIENT_TTL_MS);
  const report: BatchReport = {
    onOutcome: (outcome) => logger.info(`change ${outcome.kind}`, { ...outcome }),
    onFailure: (messageId, reason) => logger.error('pull failed', { messageId, reason }),
  };
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    // Every line of this invocation carries its request id; keys of the previous (warm) one are gone.
    logger.resetKeys();
    if (context) logger.addContext(context);
    const sink = outputSink(s3, outputEnvFrom(process.env));
    return spec.process(event.Records, await client.get(), sink, report);
  };
}
