import { ConfigError } from '../errors.js';
import type { ResourcePager } from './pager.js';

/** A source is a table of resources plus a way to page each one; the engine does the rest. */
export interface SourceDefinition {
  source: string;
  resourceNames: readonly string[];
  pagerFor(resource: string): ResourcePager;
}

/** The requested resources in table order; all of them when none are named. */
export function selectResources(definition: SourceDefinition, requested?: readonly string[]): string[] {
  if (!requested || requested.length === 0) return [...definition.resourceNames];
  const unknown = requested.filter((name) => !definition.resourceNames.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown ${definition.source} resource(s): ${unknown.join(', ')}; known: ${definition.resourceNames.join(', ')}`,
    );
  }
  return definition.resourceNames.filter((name) => requested.includes(name));
}
