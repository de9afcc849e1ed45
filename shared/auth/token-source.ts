import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { parseEnv } from '../config-error.js';
import type { SourceDeployment } from '../sources/deployment.js';
import type { Env, SourceConnection, SourceModule } from '../sources/source-module.js';
import { FileTokenStore } from './file-token-store.js';
import { type TokenLambdaSpec, tokenLambdaConfig } from './lambda-config.js';
import type { TokenStore } from './token-store.js';

/**
 * Names one API client without revealing it (a hash of what identifies it, never the secret): keys the
 * process-wide pacing budget and renewal cap, and the CLI's token file.
 */
export function credentialKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('|')).digest('hex');
}

/** A source whose requests carry an access token renewed from its API client's credentials. */
export interface TokenSourceSpec<Config>
  extends Omit<SourceModule, 'localEnv' | 'connectLocal' | 'lambdaTarget'>,
    Pick<TokenLambdaSpec<Config>, 'credentials'> {
  /** Every variable `configFrom` reads (help, README checks and error messages come from it). */
  envSchema: z.ZodObject<z.ZodRawShape>;
  configFrom(env: Env): Config;
  /** The API client's `credentialKey`. */
  clientKey(config: Config): string;
  /** The CLI's token cache variable (Lambdas use the token secret) and its help text. */
  tokenFile: { env: string; description: string; fallback: string };
  connect(config: Config, tokenStore: TokenStore): SourceConnection;
}

/** The SourceModule, plus the pieces a source's webhook worker and the local service reuse. */
export interface TokenSource<Config> extends SourceModule {
  lambdaConfig(secrets: SecretsManagerClient, env: Env): Promise<{ config: Config; tokenStore: TokenStore }>;
  localTokenFile(config: Config, env: Env): string;
}

/**
 * A token-authorised source as a SourceModule. CLI: credentials from the environment, the token cached in a
 * file (the variable, or one file per API client in the OS temp folder, named by a hash so the folder listing
 * reveals no client), shared by concurrent CLI runs. Lambda: credentials and token from their secrets, whose
 * ARNs are in the variables the deployment gives the export function (`credentials` and `token-cache`).
 */
export function tokenSource<Config>(spec: TokenSourceSpec<Config>): TokenSource<Config> {
  const { envSchema, configFrom, clientKey, tokenFile, connect, credentials, ...module } = spec;
  const credentialsSecretArnEnv = secretArnEnv(spec.deployment, 'credentials');
  const tokenSecretArnEnv = secretArnEnv(spec.deployment, 'token-cache');
  const tokenFileSchema = z.object({
    [tokenFile.env]: z
      .string()
      .optional()
      .meta({ description: tokenFile.description, fallback: tokenFile.fallback }),
  });
  const lambdaConfig = (secrets: SecretsManagerClient, env: Env) =>
    tokenLambdaConfig(secrets, env, { credentialsSecretArnEnv, tokenSecretArnEnv, credentials, configFrom });
  const localTokenFile = (config: Config, env: Env): string =>
    (parseEnv(tokenFileSchema, env)[tokenFile.env] as string | undefined) ||
    join(tmpdir(), `${spec.name}-token-${clientKey(config).slice(0, 24)}.json`);
  return {
    ...module,
    localEnv: envSchema.extend(tokenFileSchema.shape),
    connectLocal: async (env) => {
      const config = configFrom(env);
      return connect(config, new FileTokenStore(localTokenFile(config, env)));
    },
    lambdaTarget: (env, secrets) => ({
      subPrefix: '',
      logKeys: {},
      connect: async () => {
        const { config, tokenStore } = await lambdaConfig(secrets, env);
        return connect(config, tokenStore);
      },
    }),
    lambdaConfig,
    localTokenFile,
  };
}

/** The variable the stack puts a secret's ARN in for the export function: the handler reads that same one. */
function secretArnEnv(deployment: SourceDeployment, secret: string): string {
  const access = deployment.exportFunction.secrets.find((candidate) => candidate.secret === secret);
  if (!access) throw new Error(`${deployment.source}: the export function is given no ${secret} secret`);
  return access.env;
}
