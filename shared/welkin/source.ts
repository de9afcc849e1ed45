import { tokenSource } from '../auth/token-source.js';
import { connectionOf } from '../sources/source-module.js';
import { welkinCatalog } from './catalog.js';
import { apiClientKey, welkinConfigFrom, welkinEnvSchema } from './config.js';
import { WELKIN_DEPLOYMENT } from './deployment.js';
import { WELKIN_RESOURCES } from './resources.js';

/** Welkin (V8 APIs): one API client per stack, its token shared by every process that uses it. */
export const welkinSource = tokenSource({
  name: 'welkin',
  resourceNames: WELKIN_RESOURCES.map((resource) => resource.name),
  cliConcurrency: 3,
  deployment: WELKIN_DEPLOYMENT,
  envSchema: welkinEnvSchema,
  configFrom: welkinConfigFrom,
  clientKey: apiClientKey,
  tokenFile: {
    env: 'WELKIN_TOKEN_FILE',
    description: 'the file where the CLI caches the Welkin token (Lambdas use Secrets Manager)',
    fallback: 'OS temp folder, one file per API client',
  },
  // Lambdas: the API client's credentials secret, as JSON members.
  credentials: {
    tenant: { env: 'WELKIN_TENANT' },
    instance: { env: 'WELKIN_INSTANCE' },
    clientName: { env: 'WELKIN_CLIENT_NAME' },
    secret: { env: 'WELKIN_CLIENT_SECRET' },
    env: { env: 'WELKIN_ENV', optional: true },
  },
  connect: (config, tokenStore) =>
    connectionOf(welkinCatalog(config, tokenStore), { tenant: config.tenant, instance: config.instance }),
});

/** The export and the webhook worker: credentials and token from their secrets. */
export const welkinLambdaConfig = welkinSource.lambdaConfig;
