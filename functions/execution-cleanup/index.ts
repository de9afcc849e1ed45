import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../../shared/errors.js';
import { DynamoLeaseStore } from '../../shared/lambda/dynamo-lease-store.js';
import { outputEnvFrom, outputSink } from '../../shared/lambda/output-env.js';
import {
  type CleanupOutcome,
  cleanUpStoppedExecution,
  parseStoppedExecutionEvent,
} from '../../shared/lambda/stopped-execution.js';
import { s3ClientFromEnv } from '../../shared/output/s3-client.js';

const logger = new Logger({ serviceName: 'execution-cleanup' });
const s3 = s3ClientFromEnv();
const dynamo = new DynamoDBClient({});

/** EventBridge target for export executions that FAILED, TIMED_OUT or were ABORTED. */
export const handler = async (event: unknown): Promise<CleanupOutcome> => {
  const stopped = parseStoppedExecutionEvent(event);
  const output = outputEnvFrom(process.env);
  const table = process.env.LEASE_TABLE_NAME;
  if (!table) throw new ConfigError('LEASE_TABLE_NAME is required');
  const outcome = await cleanUpStoppedExecution(stopped, {
    sinkFor: (subPrefix) => outputSink(s3, output, subPrefix),
    leases: new DynamoLeaseStore(dynamo, table),
  });
  logger.warn('export execution stopped', {
    source: stopped.source,
    status: stopped.execution.status,
    execution: stopped.execution.name,
    ...outcome,
  });
  return outcome;
};
