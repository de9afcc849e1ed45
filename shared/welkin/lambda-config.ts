import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerTokenStore } from '../auth/secrets-manager-token-store.js';
import type { TokenStore } from '../auth/token-store.js';
import { configProblem } from '../config-error.js';
import type { Env } from '../sources/source-module.js';
import { type WelkinConfig, welkinConfigFrom } from './config.js';
import { credentialsEnv, readWelkinCredentials } from './credentials-secret.js';

const SET_BY_STACK = 'set it to the ARN of the secret (the stack does; redeploy it)';

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
  // The stack sets both; a function without them was deployed by hand or from an older template.
  if (!credentialsArn) throw configProblem('WELKIN_CREDENTIALS_SECRET_ARN', 'not set', SET_BY_STACK);
  if (!tokenArn) throw configProblem('WELKIN_TOKEN_SECRET_ARN', 'not set', SET_BY_STACK);
  const credentials = await readWelkinCredentials(secrets, credentialsArn);
  const config = welkinConfigFrom({ ...env, ...credentialsEnv(credentials) });
  return { config, tokenStore: new SecretsManagerTokenStore(secrets, tokenArn) };
}
