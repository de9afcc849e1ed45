import { catalogOf } from '../export/resource-catalog.js';
import { ClinikoClient } from './client.js';
import type { ClinikoConfig } from './config.js';
import { pagerFor } from './pagers.js';
import { CLINIKO_RESOURCES } from './resources.js';

/** Cliniko's resources for the engine, paged through one client (one key, one rate budget). */
export function clinikoCatalog(config: ClinikoConfig, deps: { fetch?: typeof fetch } = {}) {
  const client = new ClinikoClient(config, deps);
  const catalog = catalogOf('cliniko', CLINIKO_RESOURCES, (resource) => pagerFor(client, resource));
  return { catalog, client };
}
