import type { SourceDefinition } from '../export/source.js';
import { WelkinClient, type WelkinClientDeps } from './client.js';
import type { WelkinConfig } from './config.js';
import { pagerFor } from './pagers.js';
import { WELKIN_RESOURCES } from './resources.js';
import type { TokenStore } from './token-store.js';

export function welkinSource(config: WelkinConfig, tokenStore: TokenStore, deps: WelkinClientDeps = {}) {
  const client = new WelkinClient(config, tokenStore, deps);
  const definition: SourceDefinition = {
    source: 'welkin',
    resourceNames: WELKIN_RESOURCES.map((resource) => resource.name),
    pagerFor: (name) => {
      const resource = WELKIN_RESOURCES.find((candidate) => candidate.name === name);
      if (!resource) throw new Error(`no Welkin resource named ${name}`);
      return pagerFor(client, resource);
    },
  };
  return { definition, client };
}
