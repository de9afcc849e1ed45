import { describe, expect, it } from 'vitest';
import { envVarDocs } from '../../shared/env-docs.js';
import { SOURCES } from '../../shared/sources/registry.js';
import { welkinNoticeSchema } from '../../shared/welkin/webhooks/notice.js';
import { webhookSecretsFrom } from '../../shared/welkin/webhooks/receiver-env.js';
import {
  documentedResources,
  documentedVariables,
  envSchemas,
  jsonBlockUnder,
  README,
  variableNameMaps,
  variablesReadByCode,
} from './readme-facts.js';

const schemas = await envSchemas();
const nameMaps = await variableNameMaps();

describe('README stays true to the code', () => {
  it('documents every variable the code reads, and only those', () => {
    // Prepare
    const read = variablesReadByCode(schemas, nameMaps);

    // Act
    const documented = new Set(documentedVariables().keys());

    // Assess
    expect(
      [...read].filter((name) => !documented.has(name)).sort(),
      'read but not in a README table',
    ).toEqual([]);
    expect([...documented].filter((name) => !read.has(name)).sort(), 'in the README but never read').toEqual(
      [],
    );
  });

  it('gives each schema variable the default its schema applies, in one of its rows', () => {
    // Prepare
    const documented = documentedVariables();

    // Act
    const wrong = schemas
      .flatMap(envVarDocs)
      .filter((doc) => !documented.get(doc.name)?.includes(doc.defaultText))
      .map((doc) => `${doc.name}: README says ${documented.get(doc.name)}, the schema ${doc.defaultText}`);

    // Assess
    expect(wrong).toEqual([]);
  });

  it('lists the resource names exactly as the CLI takes them', () => {
    // Act
    const documented = documentedResources();

    // Assess
    for (const source of SOURCES)
      expect(documented.get(source.name), source.name).toEqual([...source.resourceNames]);
    expect([...documented.keys()].sort()).toEqual(SOURCES.map((source) => source.name).sort());
  });

  it('shows a webhook notice the receiver accepts, and the secret length it enforces', () => {
    // Prepare
    const example = jsonBlockUnder('## Webhooks');
    const minimum = Number(/at least (\d+) characters/.exec(README)?.[1]);

    // Act
    const notice = welkinNoticeSchema.safeParse(JSON.parse(example ?? 'null'));

    // Assess
    expect(notice.success).toBe(true);
    expect(() => webhookSecretsFrom('x'.repeat(minimum - 1), 'test')).toThrow();
    expect(webhookSecretsFrom('x'.repeat(minimum), 'test')).toEqual(['x'.repeat(minimum)]);
  });

  it('keeps the two newcomer commands at the very top', () => {
    // Act
    const top = README.split('\n').slice(0, 8).join('\n');

    // Assess
    expect(top).toMatch(/^npm ci && npm start\b/m);
    expect(top).toMatch(/^npm test\b/m);
  });
});
