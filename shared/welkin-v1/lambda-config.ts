import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { configProblem } from '../config-error.js';
import type { Env } from '../sources/source-module.js';
import { SecretsManagerTokenStore } from '../welkin/secrets-manager-token-store.js';
import type { TokenStore } from '../welkin/token-store.js';
import { type WelkinV1Config, welkinV1ConfigFrom } from './config.js';
import { readWelkinV1CredentialsEnv } from './credentials-secret.js';
import { WELKIN_V1_ENV as ENV } from './env.js';

/**
 * Welkin v1 for a Lambda function: credentials from their secret, the access token shared by every function
 * through the token secret (so the export and the webhook worker never both renew it). Every other setting
 * is read from the environment exactly as the CLI reads it.
 */
export async function welkinV1LambdaConfig(
  secrets: SecretsManagerClient,
  env: Env,
): Promise<{ config: WelkinV1Config; tokenStore: TokenStore }> {
  const credentialsArn = env[ENV.credentialsSecretArn];
  const tokenArn = env[ENV.tokenSecretArn];
  if (!credentialsArn) throw configProblem(ENV.credentialsSecretArn, 'is not set', 'deploy with the stack');
  if (!tokenArn) throw configProblem(ENV.tokenSecretArn, 'is not set', 'deploy with the stack');
  const credentials = await readWelkinV1CredentialsEnv(secrets, credentialsArn);
  const config = welkinV1ConfigFrom({ ...env, ...credentials });
  return { config, tokenStore: new SecretsManagerTokenStore(secrets, tokenArn) };
}
