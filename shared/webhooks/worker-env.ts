import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { AuthError, ConfigError } from '../errors.js';
import { readSecretJson, secretName } from '../secrets.js';
import { WelkinClient } from '../welkin/client.js';
import { welkinConfigFrom } from '../welkin/config.js';
import { SecretsManagerTokenStore } from '../welkin/secrets-manager-token-store.js';

const credentialsSchema = z.looseObject({
  tenant: z.string().min(1),
  instance: z.string().min(1),
  clientName: z.string().min(1),
  secret: z.string().min(1),
  env: z.enum(['live', 'sandbox']).optional(),
});

/**
 * The Welkin client of the pull worker: API credentials from WELKIN_CREDENTIALS_SECRET_ARN, the token shared
 * with the export through WELKIN_TOKEN_SECRET_ARN (so the worker and the export never both renew it).
 */
export async function welkinClientFromSecrets(
  secrets: SecretsManagerClient,
  env: Record<string, string | undefined>,
): Promise<WelkinClient> {
  const credentialsArn = env.WELKIN_CREDENTIALS_SECRET_ARN;
  const tokenArn = env.WELKIN_TOKEN_SECRET_ARN;
  if (!credentialsArn || !tokenArn) {
    throw new ConfigError('WELKIN_CREDENTIALS_SECRET_ARN and WELKIN_TOKEN_SECRET_ARN are required');
  }
  const parsed = credentialsSchema.safeParse(await readSecretJson(secrets, credentialsArn));
  if (!parsed.success) {
    throw new AuthError(
      `secret ${secretName(credentialsArn)} needs tenant, instance, clientName and secret (env optional)`,
    );
  }
  const credentials = parsed.data;
  const config = welkinConfigFrom({
    WELKIN_TENANT: credentials.tenant,
    WELKIN_INSTANCE: credentials.instance,
    WELKIN_CLIENT_NAME: credentials.clientName,
    WELKIN_CLIENT_SECRET: credentials.secret,
    WELKIN_ENV: credentials.env,
    WELKIN_BASE_URL: env.WELKIN_BASE_URL,
    WELKIN_REQUESTS_PER_MINUTE: env.WELKIN_REQUESTS_PER_MINUTE,
    WELKIN_TIMEOUT_MS: env.WELKIN_TIMEOUT_MS,
  });
  return new WelkinClient(config, new SecretsManagerTokenStore(secrets, tokenArn));
}
