import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FileTokenStore } from '../auth/file-token-store.js';
import { tokenLambdaConfig } from '../auth/lambda-config.js';
import type { TokenStore } from '../auth/token-store.js';
import type { Env, SourceConnection, SourceModule } from '../sources/source-module.js';
import { WELKIN_V1_SOURCE, welkinV1Catalog } from './catalog.js';
import {
  localTokenFileV1,
  type WelkinV1Config,
  welkinV1ConfigFrom,
  welkinV1EnvSchema,
  welkinV1TokenFileEnvSchema,
} from './config.js';
import { WELKIN_V1_DEPLOYMENT } from './deployment.js';
import { WELKIN_V1_ENV as ENV } from './env.js';
import { AUDIT_LOGS, WELKIN_V1_ALIASES, WELKIN_V1_RESOURCES } from './resources.js';

/** Lambdas: `{clientId, clientSecret, scope?}` from the credentials secret, the token from the token secret. */
export const welkinV1LambdaConfig = (secrets: SecretsManagerClient, env: Env) =>
  tokenLambdaConfig(secrets, env, {
    credentialsSecretArnEnv: ENV.credentialsSecretArn,
    tokenSecretArnEnv: ENV.tokenSecretArn,
    credentials: {
      clientId: { env: ENV.clientId },
      clientSecret: { env: ENV.clientSecret },
      scope: { env: ENV.scope, optional: true },
    },
    configFrom: welkinV1ConfigFrom,
  });

function connect(config: WelkinV1Config, tokenStore: TokenStore): SourceConnection {
  const { catalog, client } = welkinV1Catalog(config, tokenStore);
  return { catalog, requestCount: () => client.http.requests, logKeys: { origin: config.baseUrl.origin } };
}

/** Welkin's older "common APIs" (v1, api.welkinhealth.com): one API client, its token shared like V8's. */
export const welkinV1Source: SourceModule = {
  name: WELKIN_V1_SOURCE,
  resourceNames: WELKIN_V1_RESOURCES.map((resource) => resource.name),
  optionalResourceNames: [AUDIT_LOGS.name],
  resourceAliases: WELKIN_V1_ALIASES,
  cliConcurrency: 3,
  localEnv: welkinV1EnvSchema.extend(welkinV1TokenFileEnvSchema.shape),
  deployment: WELKIN_V1_DEPLOYMENT,
  connectLocal: async (env) => {
    const config = welkinV1ConfigFrom(env);
    return connect(config, new FileTokenStore(localTokenFileV1(config, env)));
  },
  lambdaTarget: (env, secrets) => ({
    subPrefix: '',
    logKeys: {},
    connect: async () => {
      const { config, tokenStore } = await welkinV1LambdaConfig(secrets, env);
      return connect(config, tokenStore);
    },
  }),
};
