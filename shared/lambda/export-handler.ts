import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { tableSyncFromEnv } from '../current-state/glue-tables.js';
import { exportSettingsFrom } from '../export/export-settings.js';
import { s3ClientFromEnv } from '../output/s3-client.js';
import type { SourceModule } from '../sources/source-module.js';
import { type DiscardResponse, runDiscardInvocation } from './discard-invocation.js';
import { isDiscardRequest, parseExportEvent } from './export-event.js';
import { outputEnvFrom, outputSink } from './output-env.js';
import { type ExportResponse, runExportInvocation } from './run-invocation.js';

export type ExportHandler = (event: unknown, context: Context) => Promise<ExportResponse | DiscardResponse>;

/**
 * The export Lambda of any source: parse the event, find the output, then either discard an abandoned run or
 * export. Clients are built once per container and reused by warm invocations.
 */
export function exportHandler(source: SourceModule): ExportHandler {
  const logger = new Logger({ serviceName: `${source.name}-export` });
  const s3 = s3ClientFromEnv();
  const secrets = new SecretsManagerClient({});
  const tables = tableSyncFromEnv(process.env);
  return async (event, context) => {
    const request = parseExportEvent(event);
    const env = process.env;
    const output = outputEnvFrom(env);
    const target = source.lambdaTarget(env, secrets, request.account);
    logger.appendKeys(target.logKeys);
    const sink = outputSink(s3, output, target.subPrefix);
    // Clean-up after the state machine gave up on a run: needs no credentials, so it works when they are bad.
    if (isDiscardRequest(request))
      return runDiscardInvocation({ request, source: source.name, sink, logger });
    const settings = exportSettingsFrom(env);
    const { catalog, logKeys } = await target.connect();
    logger.appendKeys(logKeys);
    return runExportInvocation({
      request,
      catalog,
      sink,
      settings,
      remainingMs: () => context.getRemainingTimeInMillis(),
      logger,
      tables,
    });
  };
}
