import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tokenSource } from '../../shared/auth/token-source.js';
import { envVarDocs } from '../../shared/env-docs.js';
import { columns, perInvocationPace } from '../../shared/sources/deployment-parts.js';
import { welkinConfigFrom } from '../../shared/welkin/config.js';
import { welkinSource } from '../../shared/welkin/source.js';
import { welkinV1ConfigFrom } from '../../shared/welkin-v1/config.js';
import { WELKIN_V1_DEPLOYMENT } from '../../shared/welkin-v1/deployment.js';
import { welkinV1Source } from '../../shared/welkin-v1/source.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const V8_ENV = {
  WELKIN_TENANT: 'gh',
  WELKIN_INSTANCE: 'sb',
  WELKIN_CLIENT_NAME: 'c',
  WELKIN_CLIENT_SECRET: 's',
};
const V1_ENV = { WELKIN_V1_CLIENT_ID: 'c1', WELKIN_V1_CLIENT_SECRET: 's1' };

describe('tokenSource: the CLI token file of a token-authorised source', () => {
  it('keeps the file names earlier releases used, so a cached token survives the upgrade', () => {
    // Prepare
    const v8 = welkinConfigFrom(V8_ENV);
    const v1 = welkinV1ConfigFrom(V1_ENV);

    // Act
    const v8File = welkinSource.localTokenFile(v8, V8_ENV);
    const v1File = welkinV1Source.localTokenFile(v1, V1_ENV);

    // Assess
    const v8Key = sha256('https://api.live.welkincloud.io|gh|c').slice(0, 24);
    const v1Key = sha256('welkin-v1|https://api.welkinhealth.com|c1').slice(0, 24);
    expect(v8File).toBe(join(tmpdir(), `welkin-token-${v8Key}.json`));
    expect(v1File).toBe(join(tmpdir(), `welkin-v1-token-${v1Key}.json`));
  });

  it('uses the variable when set, and lists it in the source help after the config variables', () => {
    // Act
    const file = welkinV1Source.localTokenFile(welkinV1ConfigFrom(V1_ENV), {
      ...V1_ENV,
      WELKIN_V1_TOKEN_FILE: '/var/tmp/t.json',
    });
    const docs = envVarDocs(welkinSource.localEnv);

    // Assess
    expect(file).toBe('/var/tmp/t.json');
    expect(docs.at(-1)).toEqual({
      name: 'WELKIN_TOKEN_FILE',
      description: 'the file where the CLI caches the Welkin token (Lambdas use Secrets Manager)',
      defaultText: 'OS temp folder, one file per API client',
    });
  });
});

describe('deployment parts', () => {
  it('splits a pace over the parallel invocations, never below one request a minute', () => {
    // Prepare
    const settings = { mapConcurrency: 3, userAgent: 'u', accountCount: 1, values: {} };

    // Act
    const paces = [
      perInvocationPace(settings, 240),
      perInvocationPace(settings, 200, 0.9),
      perInvocationPace({ ...settings, requestsPerMinute: 2 }, 240),
    ];

    // Assess
    expect(paces).toEqual([80, 60, 1]);
  });

  it('gives each Welkin v1 export invocation its share of the pace, as Cliniko and Welkin V8 do', () => {
    // Prepare
    const settings = { mapConcurrency: 4, userAgent: 'u', accountCount: 1, values: {} };

    // Act
    const paces = [
      WELKIN_V1_DEPLOYMENT.exportEnvironment?.(settings),
      WELKIN_V1_DEPLOYMENT.exportEnvironment?.({ ...settings, requestsPerMinute: 600 }),
    ];

    // Assess: the 200/min default, or the deployer's 600/min, split over the Map's 4 parallel invocations.
    expect(paces).toEqual([
      { WELKIN_V1_REQUESTS_PER_MINUTE: '50' },
      { WELKIN_V1_REQUESTS_PER_MINUTE: '150' },
    ]);
  });

  it('writes names as string columns and keeps typed ones', () => {
    // Act
    const list = columns('id', { name: '_deleted', type: 'boolean' });

    // Assess
    expect(list).toEqual([{ name: 'id' }, { name: '_deleted', type: 'boolean' }]);
  });
});

describe('tokenSource: one place for the stack/handler contract', () => {
  it('reads the secret ARN variables the deployment gives the export function, and refuses a deployment without them', () => {
    // Prepare
    const { deployment } = welkinV1Source;
    const spec = {
      name: 'other',
      resourceNames: [],
      cliConcurrency: 1,
      envSchema: z.object({}),
      configFrom: () => ({}),
      clientKey: () => 'k',
      tokenFile: { env: 'OTHER_TOKEN_FILE', description: 'd', fallback: 'f' },
      credentials: {},
      connect: () => {
        throw new Error('not connected in this test');
      },
    };
    const noTokenCache = {
      ...deployment,
      exportFunction: {
        ...deployment.exportFunction,
        secrets: deployment.exportFunction.secrets.filter((access) => access.secret !== 'token-cache'),
      },
    };

    // Act
    const refused = (() => {
      try {
        tokenSource({ ...spec, deployment: noTokenCache });
        return undefined;
      } catch (error) {
        return error as Error;
      }
    })();

    // Assess
    expect(tokenSource({ ...spec, deployment }).name).toBe('other');
    expect(refused?.message).toBe('welkin-v1: the export function is given no token-cache secret');
  });
});
