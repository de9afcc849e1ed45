import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { tableSyncFromEnv } from '../current-state/glue-tables.js';
import type { AccessCheck } from '../export/check-access.js';
import { exportSettingsFrom } from '../export/export-settings.js';
import { assertOutputUsable } from '../output/output-probe.js';
import { s3ClientFromEnv } from '../output/s3-client.js';
import type { SourceModule } from '../sources/source-module.js';
import { runCheckInvocation } from './check-invocation.js';
import { type DiscardResponse, runDiscardInvocation } from './discard-invocation.js';
import { DynamoLeaseStore } from './dynamo-lease-store.js';
import { isCheckRequest, isDiscardRequest, parseExportEvent } from './export-event.js';
import { leaseGuard, leaseKeyOf, type RunGuard } from './lease.js';
import { outputEnvFrom, outputSink } from './output-env.js';
import { type ExportResponse, runExportInvocation } from './run-invocation.js';

export type ExportHandler = (
  event: unknown,
  context: Context,
) => Promise<ExportResponse | DiscardResponse | AccessCheck>;

/**
 * The export Lambda of any source: parse the event, find the output, then discard an abandoned run, check
 * access (`{"check": true}`), or export. Clients are built once per container and reused by warm invocations.
 */
export function exportHandler(source: SourceModule): ExportHandler {
  const logger = new Logger({ serviceName: `${source.name}-export` });
  const s3 = s3ClientFromEnv();
  const secrets = new SecretsManagerClient({});
  const dynamo = new DynamoDBClient({});
  // Started by a state machine: the run writes only while its execution holds the lease (see lease.ts).
  const guardOf = (execution: string | undefined, key: string): RunGuard | undefined => {
    const table = process.env.LEASE_TABLE_NAME;
    return execution && table ? leaseGuard(new DynamoLeaseStore(dynamo, table), key, execution) : undefined;
  };
  const tables = tableSyncFromEnv(process.env);
  return async (event, context) => {
    // Keys of the previous (warm) invocation go; every line carries this request id and execution.
    logger.resetKeys();
    logger.addContext(context);
    const request = parseExportEvent(event);
    if ('execution' in request && request.execution) logger.appendKeys({ execution: request.execution });
    const env = process.env;
    const output = outputEnvFrom(env);
    const target = source.lambdaTarget(env, secrets, request.account);
    logger.appendKeys(target.logKeys);
    const sink = outputSink(s3, output, target.subPrefix);
    // Clean-up after the state machine gave up on a run: needs no credentials, so it works when they are bad.
    if (isDiscardRequest(request))
      return runDiscardInvocation({ request, source: source.name, sink, logger });
    const settings = exportSettingsFrom(env);
    if (isCheckRequest(request)) {
      const { catalog, logKeys } = await target.connect();
      logger.appendKeys(logKeys);
      const remainingMs = () => context.getRemainingTimeInMillis();
      return runCheckInvocation({ request, catalog, sink, settings, remainingMs, logger });
    }
    // A run's first invocation proves the output before any resource starts: one line naming a missing
    // bucket or permission, not one per resource. Continuations (a checkpoint) already passed it.
    if (!request.checkpoint) await assertOutputUsable(sink, source.name);
    const guard = guardOf(request.execution, leaseKeyOf(source.name, request.account));
    const { catalog, logKeys } = await target.connect();
    logger.appendKeys(logKeys);
    return runExportInvocation({
      request,
      catalog,
      sink,
      settings,
      remainingMs: () => context.getRemainingTimeInMillis(),
      logger,
      guard,
      tables,
    });
  };
}
