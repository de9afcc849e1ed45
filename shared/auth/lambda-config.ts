import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { configProblem } from '../config-error.js';
import type { Env } from '../sources/source-module.js';
import { type CredentialFields, readCredentialsEnv } from './credentials-secret.js';
import { SecretsManagerTokenStore } from './secrets-manager-token-store.js';
import type { TokenStore } from './token-store.js';

const SET_BY_STACK = 'set it to the ARN of the secret (the stack does; redeploy it)';

/** How a token-authorised source is configured in a Lambda function. */
export interface TokenLambdaSpec<Config> {
  /** The variables naming the credentials secret and the shared token-cache secret (set by the stack). */
  credentialsSecretArnEnv: string;
  tokenSecretArnEnv: string;
  /** The credentials secret's JSON members and the variables they stand for. */
  credentials: CredentialFields;
  /** The source's config from environment-style values (the CLI's own reader). */
  configFrom(env: Env): Config;
}

/**
 * A token-authorised source for a Lambda function: credentials from their secret, the access token shared by
 * every function through the token secret (so the export and the webhook worker never both renew it). Every
 * other setting is read from the environment exactly as the CLI reads it.
 */
export async function tokenLambdaConfig<Config>(
  secrets: SecretsManagerClient,
  env: Env,
  spec: TokenLambdaSpec<Config>,
): Promise<{ config: Config; tokenStore: TokenStore }> {
  const credentialsArn = env[spec.credentialsSecretArnEnv];
  const tokenArn = env[spec.tokenSecretArnEnv];
  // The stack sets both; a function without them was deployed by hand or from an older template.
  if (!credentialsArn) throw configProblem(spec.credentialsSecretArnEnv, 'not set', SET_BY_STACK);
  if (!tokenArn) throw configProblem(spec.tokenSecretArnEnv, 'not set', SET_BY_STACK);
  const credentials = await readCredentialsEnv(secrets, credentialsArn, spec.credentials);
  const config = spec.configFrom({ ...env, ...credentials });
  return { config, tokenStore: new SecretsManagerTokenStore(secrets, tokenArn) };
}
