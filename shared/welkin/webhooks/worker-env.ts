import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../../errors.js';
import { WelkinClient } from '../client.js';
import { welkinConfigFrom } from '../config.js';
import { credentialsEnv, readWelkinCredentials } from '../credentials-secret.js';
import { SecretsManagerTokenStore } from '../secrets-manager-token-store.js';

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
  const credentials = await readWelkinCredentials(secrets, credentialsArn);
  const config = welkinConfigFrom({
    ...credentialsEnv(credentials),
    WELKIN_BASE_URL: env.WELKIN_BASE_URL,
    WELKIN_REQUESTS_PER_MINUTE: env.WELKIN_REQUESTS_PER_MINUTE,
    WELKIN_TIMEOUT_MS: env.WELKIN_TIMEOUT_MS,
  });
  return new WelkinClient(config, new SecretsManagerTokenStore(secrets, tokenArn));
}
