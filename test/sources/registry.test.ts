import { existsSync } from 'node:fs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { SOURCES, sourceNamed } from '../../shared/sources/registry.js';

/** The env var a source's export function reads its first secret's ARN from, as the stack sets it. */
const firstSecretEnv = (source: (typeof SOURCES)[number]) => source.deployment.exportFunction.secrets[0]?.env;

describe('source registry', () => {
  it('lists each source once, under the name its deployment and output folder use', () => {
    // Prepare
    const names = SOURCES.map((source) => source.name);

    // Act
    const deployed = SOURCES.map((source) => source.deployment.source);

    // Assess
    expect(new Set(names).size).toBe(names.length);
    expect(deployed).toEqual(names);
    expect(names).toContain('cliniko');
    expect(names).toContain('welkin');
    for (const name of names) expect(sourceNamed(name)?.name).toBe(name);
    expect(sourceNamed('nope')).toBeUndefined();
  });

  it.each(SOURCES.map((source) => [source.name, source] as const))(
    '%s: the stack deploys exactly the resources the module exports, from handlers that exist',
    (_name, source) => {
      // Prepare
      const { deployment } = source;
      const functions = [deployment.exportFunction, deployment.webhook?.receiver, deployment.webhook?.worker];

      // Act
      const entries = functions.flatMap((fn) => (fn ? [`functions/${fn.entryDir}/index.ts`] : []));

      // Assess
      expect(deployment.resources.map((resource) => resource.name)).toEqual([...source.resourceNames]);
      for (const entry of entries) expect(existsSync(entry), entry).toBe(true);
    },
  );

  it.each(SOURCES.map((source) => [source.name, source] as const))(
    '%s: a Lambda without its secret ARNs fails with a ConfigError naming the variable the stack sets',
    async (_name, source) => {
      // Prepare
      const secrets = new SecretsManagerClient({ region: 'us-east-1' });
      const variable = firstSecretEnv(source);

      // Act
      const attempt = async () => source.lambdaTarget({}, secrets, undefined).connect();

      // Assess
      expect(variable).toBeDefined();
      const error = await attempt().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(variable);
    },
  );
});
