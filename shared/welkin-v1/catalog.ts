import { catalogOf } from '../export/resource-catalog.js';
import type { TokenStore } from '../welkin/token-store.js';
import { WelkinV1Client, type WelkinV1ClientDeps } from './client.js';
import type { WelkinV1Config } from './config.js';
import { FindPager } from './find-pager.js';
import { WELKIN_V1_RESOURCES } from './resources.js';

export const WELKIN_V1_SOURCE = 'welkin-v1';

/** The welkin-v1 resources for the engine, paged through one client (one API client, one token). */
export function welkinV1Catalog(
  config: WelkinV1Config,
  tokenStore: TokenStore,
  deps: WelkinV1ClientDeps = {},
) {
  const client = new WelkinV1Client(config, tokenStore, deps);
  const catalog = catalogOf(
    WELKIN_V1_SOURCE,
    WELKIN_V1_RESOURCES,
    (resource) => new FindPager(client, resource),
  );
  return { catalog, client };
}
