import { tokenSource } from '../auth/token-source.js';
import { connectionOf } from '../sources/source-module.js';
import { WELKIN_V1_SOURCE, welkinV1Catalog } from './catalog.js';
import { clientKey, welkinV1ConfigFrom, welkinV1EnvSchema } from './config.js';
import { WELKIN_V1_DEPLOYMENT } from './deployment.js';
import { AUDIT_LOGS, WELKIN_V1_ALIASES, WELKIN_V1_RESOURCES } from './resources.js';

/** Welkin's older "common APIs" (v1, api.welkinhealth.com): one API client, its token shared like V8's. */
export const welkinV1Source = tokenSource({
  name: WELKIN_V1_SOURCE,
  resourceNames: WELKIN_V1_RESOURCES.map((resource) => resource.name),
  optionalResourceNames: [AUDIT_LOGS.name],
  resourceAliases: WELKIN_V1_ALIASES,
  cliConcurrency: 3,
  deployment: WELKIN_V1_DEPLOYMENT,
  envSchema: welkinV1EnvSchema,
  configFrom: welkinV1ConfigFrom,
  clientKey,
  tokenFile: {
    env: 'WELKIN_V1_TOKEN_FILE',
    description: 'where the CLI caches the access token (Lambdas use Secrets Manager)',
    fallback: 'a file in the OS temp folder',
  },
  // Lambdas: the API client's credentials secret, as JSON members.
  credentials: {
    clientId: { env: 'WELKIN_V1_CLIENT_ID' },
    clientSecret: { env: 'WELKIN_V1_CLIENT_SECRET' },
    scope: { env: 'WELKIN_V1_SCOPE', optional: true },
  },
  connect: (config, tokenStore) =>
    connectionOf(welkinV1Catalog(config, tokenStore), { origin: config.baseUrl.origin }),
});

export const welkinV1LambdaConfig = welkinV1Source.lambdaConfig;
