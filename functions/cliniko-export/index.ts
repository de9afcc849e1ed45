import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { readClinikoApiKey, resolveAccountSecret } from '../../shared/cliniko/account-secret.js';
import { clinikoConfigFrom } from '../../shared/cliniko/config.js';
import { clinikoSource } from '../../shared/cliniko/source.js';
import { exportSettingsFrom } from '../../shared/export/export-settings.js';
import { type DiscardResponse, runDiscardInvocation } from '../../shared/lambda/discard-invocation.js';
import { isDiscardRequest, parseExportEvent } from '../../shared/lambda/export-event.js';
import { outputEnvFrom, outputSink } from '../../shared/lambda/output-env.js';
import { type ExportResponse, runExportInvocation } from '../../shared/lambda/run-invocation.js';
import { s3ClientFromEnv } from '../../shared/output/s3-client.js';

const logger = new Logger({ serviceName: 'cliniko-export' });
const s3 = s3ClientFromEnv();
const secrets = new SecretsManagerClient({});

export const handler = async (
  event: unknown,
  context: Context,
): Promise<ExportResponse | DiscardResponse> => {
  const request = parseExportEvent(event);
  const env = process.env;
  const output = outputEnvFrom(env);
  const { account, secretId } = resolveAccountSecret(env, request.account);
  logger.appendKeys({ account });
  const sink = outputSink(s3, output, `account=${account}`);
  // Clean-up after the state machine gave up on a run: needs no API key, so it works when the key is bad.
  if (isDiscardRequest(request)) return runDiscardInvocation({ request, source: 'cliniko', sink, logger });
  const apiKey = await readClinikoApiKey(secrets, secretId);
  const { definition } = clinikoSource(clinikoConfigFrom({ ...env, CLINIKO_API_KEY: apiKey }));
  const settings = exportSettingsFrom(env);
  return runExportInvocation({
    request,
    definition,
    sink,
    settings,
    remainingMs: () => context.getRemainingTimeInMillis(),
    logger,
  });
};
