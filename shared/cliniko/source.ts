import { accountFolder } from '../layout/index.js';
import { connectionOf, type SourceModule } from '../sources/source-module.js';
import { readClinikoApiKey, resolveAccountSecret } from './account-secret.js';
import { clinikoCatalog } from './catalog.js';
import { type ClinikoConfig, clinikoConfigFrom, clinikoEnvSchema } from './config.js';
import { CLINIKO_DEPLOYMENT } from './deployment.js';
import { CLINIKO_RESOURCES } from './resources.js';

const connect = (config: ClinikoConfig) => connectionOf(clinikoCatalog(config));

/** Cliniko: one API key per account; a stack may export several accounts, each under `account=<name>`. */
export const clinikoSource: SourceModule = {
  name: 'cliniko',
  resourceNames: CLINIKO_RESOURCES.map((resource) => resource.name),
  cliConcurrency: 3,
  localEnv: clinikoEnvSchema,
  deployment: CLINIKO_DEPLOYMENT,
  connectLocal: async (env) => connect(clinikoConfigFrom(env)),
  lambdaTarget: (env, secrets, requested) => {
    const { account, secretId } = resolveAccountSecret(env, requested);
    return {
      subPrefix: accountFolder(account),
      logKeys: { account },
      // The key comes from the secret; every other setting is read from the environment as the CLI reads it.
      connect: async () =>
        connect(clinikoConfigFrom({ ...env, CLINIKO_API_KEY: await readClinikoApiKey(secrets, secretId) })),
    };
  },
};
