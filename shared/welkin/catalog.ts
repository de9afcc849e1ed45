import type { TokenStore } from '../auth/token-store.js';
import { catalogOf } from '../export/resource-catalog.js';
import { WelkinClient, type WelkinClientDeps } from './client.js';
import type { WelkinConfig } from './config.js';
import { pagerFor } from './pagers.js';
import { WELKIN_RESOURCES } from './resources.js';

/** Welkin's resources for the engine, paged through one client (one API client, one token). */
export function welkinCatalog(config: WelkinConfig, tokenStore: TokenStore, deps: WelkinClientDeps = {}) {
  const client = new WelkinClient(config, tokenStore, deps);
  const catalog = catalogOf('welkin', WELKIN_RESOURCES, (resource) => pagerFor(client, resource));
  return { catalog, client };
}
