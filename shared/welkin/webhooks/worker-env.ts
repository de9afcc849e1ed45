import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Env } from '../../sources/source-module.js';
import { WelkinClient } from '../client.js';
import { welkinLambdaConfig } from '../lambda-config.js';

/** The Welkin client of the pull worker: configured exactly as the export function's (welkinLambdaConfig). */
export async function welkinClientFromSecrets(
  secrets: SecretsManagerClient,
  env: Env,
): Promise<WelkinClient> {
  const { config, tokenStore } = await welkinLambdaConfig(secrets, env);
  return new WelkinClient(config, tokenStore);
}
