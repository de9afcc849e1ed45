import { ConfigError } from '../errors.js';
import type { ResourcePager } from './pager.js';

/** What the engine needs of a source: its resource names in table order, and a pager for each one. */
export interface ResourceCatalog {
  source: string;
  resourceNames: readonly string[];
  pagerFor(resource: string): ResourcePager;
}

/** The requested resources in table order; all of them when none are named. */
export function selectResources(catalog: ResourceCatalog, requested?: readonly string[]): string[] {
  if (!requested || requested.length === 0) return [...catalog.resourceNames];
  const unknown = requested.filter((name) => !catalog.resourceNames.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown ${catalog.source} resource(s): ${unknown.join(', ')}; known: ${catalog.resourceNames.join(', ')}`,
    );
  }
  return catalog.resourceNames.filter((name) => requested.includes(name));
}

/** A catalog over a resource table: one pager factory, looked up by the resource's name. */
export function catalogOf<Resource extends { name: string }>(
  source: string,
  table: readonly Resource[],
  pagerFor: (resource: Resource) => ResourcePager,
): ResourceCatalog {
  return {
    source,
    resourceNames: table.map((resource) => resource.name),
    pagerFor: (name) => {
      const resource = table.find((candidate) => candidate.name === name);
      if (!resource) throw new ConfigError(`no ${source} resource named ${name}`);
      return pagerFor(resource);
    },
  };
}
