import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../errors.js';
import type { Env } from '../sources/source-module.js';
import { type WelkinConfig, welkinConfigFrom } from './config.js';
import { credentialsEnv, readWelkinCredentials } from './credentials-secret.js';
import { SecretsManagerTokenStore } from './secrets-manager-token-store.js';
import type { TokenStore } from './token-store.js';

/**
 * Welkin for a Lambda function: API credentials from WELKIN_CREDENTIALS_SECRET_ARN, the token shared by every
 * function through WELKIN_TOKEN_SECRET_ARN (so the export and the webhook worker never both renew it). Every
 * other setting is read from the environment exactly as the CLI reads it.
 */
export async function welkinLambdaConfig(
  secrets: SecretsManagerClient,
  env: Env,
): Promise<{ config: WelkinConfig; tokenStore: TokenStore }> {
  const credentialsArn = env.WELKIN_CREDENTIALS_SECRET_ARN;
  const tokenArn = env.WELKIN_TOKEN_SECRET_ARN;
  if (!credentialsArn) throw new ConfigError('WELKIN_CREDENTIALS_SECRET_ARN is required');
  if (!tokenArn) throw new ConfigError('WELKIN_TOKEN_SECRET_ARN is required');
  const credentials = await readWelkinCredentials(secrets, credentialsArn);
  const config = welkinConfigFrom({ ...env, ...credentialsEnv(credentials) });
  return { config, tokenStore: new SecretsManagerTokenStore(secrets, tokenArn) };
}
