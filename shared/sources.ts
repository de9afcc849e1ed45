import { clinikoConfigFrom } from './cliniko/config.js';
import { clinikoSource } from './cliniko/source.js';
import type { SourceDefinition } from './export/source.js';
import { welkinConfigFrom } from './welkin/config.js';
import { FileTokenStore } from './welkin/file-token-store.js';
import { localTokenFile } from './welkin/local-token-file.js';
import { welkinSource } from './welkin/source.js';

/** A ready source for the CLI and the demo: its resources, and a request counter for progress lines. */
export interface SourceRuntime {
  definition: SourceDefinition;
  requestCount(): number;
  /** Resources exported at once by default; they share one rate budget. */
  defaultConcurrency: number;
}

export type SourceFactory = (env: Record<string, string | undefined>) => Promise<SourceRuntime>;

export const SOURCE_FACTORIES: Record<string, SourceFactory> = {
  cliniko: async (env) => {
    const { definition, client } = clinikoSource(clinikoConfigFrom(env));
    return { definition, requestCount: () => client.http.requests, defaultConcurrency: 3 };
  },
  welkin: async (env) => {
    const config = welkinConfigFrom(env);
    const { definition, client } = welkinSource(config, new FileTokenStore(localTokenFile(config, env)));
    return { definition, requestCount: () => client.http.requests, defaultConcurrency: 3 };
  },
};
