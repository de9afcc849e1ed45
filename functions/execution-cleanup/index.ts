import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { configProblem } from '../../shared/config-error.js';
import { type CleanupStep, handleCleanupEvent } from '../../shared/lambda/cleanup-handler.js';
import { DynamoLeaseStore } from '../../shared/lambda/dynamo-lease-store.js';
import { outputEnvFrom, outputSink } from '../../shared/lambda/output-env.js';
import { s3ClientFromEnv } from '../../shared/output/s3-client.js';

const logger = new Logger({ serviceName: 'execution-cleanup' });
const s3 = s3ClientFromEnv();
const dynamo = new DynamoDBClient({});
const sqs = new SQSClient({});
/** A stopping lease expires this long after the wait, should the clean-up itself keep failing. */
const GRACE_MS = 2 * 3600_000;

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw configProblem(name, 'not set', 'the stack sets it');
  return value;
}

/** EventBridge target for export executions that FAILED, TIMED_OUT or were ABORTED, and its own delay queue. */
export const handler = async (event: unknown, context?: Context): Promise<CleanupStep[]> => {
  logger.resetKeys();
  if (context) logger.addContext(context);
  const env = process.env;
  const output = outputEnvFrom(env);
  const queueUrl = required(env, 'CLEANUP_QUEUE_URL');
  const steps = await handleCleanupEvent(event, {
    leases: new DynamoLeaseStore(dynamo, required(env, 'LEASE_TABLE_NAME')),
    sinkFor: (subPrefix) => outputSink(s3, output, subPrefix),
    queue: {
      send: async (body, delaySeconds) => {
        await sqs.send(
          new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, DelaySeconds: delaySeconds }),
        );
      },
    },
    waitMs: Number(required(env, 'CLEANUP_WAIT_SECONDS')) * 1000,
    graceMs: GRACE_MS,
  });
  for (const step of steps) logger.warn(`export execution stopped: ${step.phase}`, { ...step });
  return steps;
};
