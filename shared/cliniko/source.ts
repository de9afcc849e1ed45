import type { SourceDefinition } from '../export/source.js';
import { ClinikoClient } from './client.js';
import type { ClinikoConfig } from './config.js';
import { pagerFor } from './pagers.js';
import { CLINIKO_RESOURCES } from './resources.js';

export function clinikoSource(config: ClinikoConfig, deps: { fetch?: typeof fetch } = {}) {
  const client = new ClinikoClient(config, deps);
  const definition: SourceDefinition = {
    source: 'cliniko',
    resourceNames: CLINIKO_RESOURCES.map((resource) => resource.name),
    pagerFor: (name) => {
      const resource = CLINIKO_RESOURCES.find((candidate) => candidate.name === name);
      if (!resource) throw new Error(`no Cliniko resource named ${name}`);
      return pagerFor(client, resource);
    },
  };
  return { definition, client };
}
