import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { ConfigError } from '../../shared/errors.js';
import { exportSettingsFrom } from '../../shared/export/export-settings.js';
import { type DiscardResponse, runDiscardInvocation } from '../../shared/lambda/discard-invocation.js';
import { isDiscardRequest, parseExportEvent } from '../../shared/lambda/export-event.js';
import { outputEnvFrom, outputSink } from '../../shared/lambda/output-env.js';
import { type ExportResponse, runExportInvocation } from '../../shared/lambda/run-invocation.js';
import { s3ClientFromEnv } from '../../shared/output/s3-client.js';
import { welkinConfigFrom } from '../../shared/welkin/config.js';
import { credentialsEnv, readWelkinCredentials } from '../../shared/welkin/credentials-secret.js';
import { SecretsManagerTokenStore } from '../../shared/welkin/secrets-manager-token-store.js';
import { welkinSource } from '../../shared/welkin/source.js';

const logger = new Logger({ serviceName: 'welkin-export' });
const s3 = s3ClientFromEnv();
const secrets = new SecretsManagerClient({});

export const handler = async (
  event: unknown,
  context: Context,
): Promise<ExportResponse | DiscardResponse> => {
  const request = parseExportEvent(event);
  const env = process.env;
  const output = outputEnvFrom(env);
  const sink = outputSink(s3, output);
  // Clean-up after the state machine gave up on a run: needs no credentials, so it works when they are bad.
  if (isDiscardRequest(request)) return runDiscardInvocation({ request, source: 'welkin', sink, logger });
  const credentialsArn = env.WELKIN_CREDENTIALS_SECRET_ARN;
  const tokenArn = env.WELKIN_TOKEN_SECRET_ARN;
  if (!credentialsArn) throw new ConfigError('WELKIN_CREDENTIALS_SECRET_ARN is required');
  if (!tokenArn) throw new ConfigError('WELKIN_TOKEN_SECRET_ARN is required');
  const credentials = await readWelkinCredentials(secrets, credentialsArn);
  const config = welkinConfigFrom({
    ...credentialsEnv(credentials),
    WELKIN_BASE_URL: env.WELKIN_BASE_URL,
    WELKIN_REQUESTS_PER_MINUTE: env.WELKIN_REQUESTS_PER_MINUTE,
  });
  // Every concurrent function shares the token through this secret; see TokenProvider for the claim protocol.
  const { definition } = welkinSource(config, new SecretsManagerTokenStore(secrets, tokenArn));
  const settings = exportSettingsFrom(env);
  logger.appendKeys({ tenant: config.tenant, instance: config.instance });
  return runExportInvocation({
    request,
    definition,
    sink,
    settings,
    remainingMs: () => context.getRemainingTimeInMillis(),
    logger,
  });
};
