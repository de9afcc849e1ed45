import { FileTokenStore } from '../auth/file-token-store.js';
import type { TokenStore } from '../auth/token-store.js';
import type { SourceConnection, SourceModule } from '../sources/source-module.js';
import { welkinCatalog } from './catalog.js';
import { type WelkinConfig, welkinConfigFrom, welkinEnvSchema } from './config.js';
import { WELKIN_DEPLOYMENT } from './deployment.js';
import { welkinLambdaConfig } from './lambda-config.js';
import { localTokenFile, tokenFileEnvSchema } from './local-token-file.js';
import { WELKIN_RESOURCES } from './resources.js';

function connect(config: WelkinConfig, tokenStore: TokenStore): SourceConnection {
  const { catalog, client } = welkinCatalog(config, tokenStore);
  return {
    catalog,
    requestCount: () => client.http.requests,
    logKeys: { tenant: config.tenant, instance: config.instance },
  };
}

/** Welkin (V8 APIs): one API client per stack, its token shared by every process that uses it. */
export const welkinSource: SourceModule = {
  name: 'welkin',
  resourceNames: WELKIN_RESOURCES.map((resource) => resource.name),
  cliConcurrency: 3,
  localEnv: welkinEnvSchema.extend(tokenFileEnvSchema.shape),
  deployment: WELKIN_DEPLOYMENT,
  connectLocal: async (env) => {
    const config = welkinConfigFrom(env);
    return connect(config, new FileTokenStore(localTokenFile(config, env)));
  },
  lambdaTarget: (env, secrets) => ({
    subPrefix: '',
    logKeys: {},
    connect: async () => {
      const { config, tokenStore } = await welkinLambdaConfig(secrets, env);
      return connect(config, tokenStore);
    },
  }),
};
