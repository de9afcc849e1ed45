import type { TokenStore } from '../auth/token-store.js';
import { catalogOf } from '../export/resource-catalog.js';
import { ChainedPager } from './chained-pager.js';
import { WelkinV1Client, type WelkinV1ClientDeps } from './client.js';
import type { WelkinV1Config } from './config.js';
import { FindPager } from './find-pager.js';
import { AUDIT_LOGS, WELKIN_V1_RESOURCES, type WelkinV1Resource } from './resources.js';

export const WELKIN_V1_SOURCE = 'welkin-v1';

/**
 * The resources this configuration exports: the final reference's table, plus audit_logs when
 * WELKIN_V1_AUDIT_LOG_EVENT_TYPES names event types (the Find requires one; the reference lists no values).
 */
export function welkinV1Table(config: Pick<WelkinV1Config, 'auditLogEventTypes'>): WelkinV1Resource[] {
  return [...WELKIN_V1_RESOURCES, ...(config.auditLogEventTypes?.length ? [AUDIT_LOGS] : [])];
}

/** The welkin-v1 resources for the engine, paged through one client (one API client, one token). */
export function welkinV1Catalog(
  config: WelkinV1Config,
  tokenStore: TokenStore,
  deps: WelkinV1ClientDeps = {},
) {
  const client = new WelkinV1Client(config, tokenStore, deps);
  const catalog = catalogOf(WELKIN_V1_SOURCE, welkinV1Table(config), (resource) =>
    resource === AUDIT_LOGS
      ? new ChainedPager(
          (config.auditLogEventTypes ?? []).map(
            (eventType) => new FindPager(client, resource, config.pageSize, { event_type: eventType }),
          ),
        )
      : new FindPager(client, resource),
  );
  return { catalog, client };
}
