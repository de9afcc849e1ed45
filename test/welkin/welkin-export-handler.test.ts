import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { handler as Handler } from '../../functions/welkin-export/index.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import { keepPutObjects } from '../support/storing-s3-mock.js';

const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
const CREDENTIALS_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:welkin/credentials-AbCdEf';
const TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:welkin/token-AbCdEf';

let handler: typeof Handler;
let sim: WelkinSimulator;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  ({ handler } = await import('../../functions/welkin-export/index.js'));
});

beforeEach(async () => {
  s3.reset();
  secrets.reset();
  sim = await startWelkinSimulator({ rowsPerResource: { USER: 120 } });
  vi.stubEnv('WELKIN_CREDENTIALS_SECRET_ARN', CREDENTIALS_ARN);
  vi.stubEnv('WELKIN_TOKEN_SECRET_ARN', TOKEN_ARN);
  vi.stubEnv('WELKIN_BASE_URL', sim.baseUrl);
  vi.stubEnv('OUTPUT_BUCKET', 'out-bucket');
  vi.stubEnv('OUTPUT_PREFIX', 'snapshots');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  secrets.on(GetSecretValueCommand, { SecretId: CREDENTIALS_ARN }).resolves({
    SecretString: JSON.stringify({
      tenant: sim.tenant,
      instance: sim.instance,
      clientName: sim.clientName,
      secret: sim.secret,
      env: 'live',
    }),
  });
  // Objects put are kept and read back: the current-state step reads the run it follows.
  keepPutObjects(s3);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await sim.stop();
});

function context(remainingMs = 900_000): Context {
  return { getRemainingTimeInMillis: () => remainingMs } as unknown as Context;
}

describe('welkin-export handler', () => {
  it('exports under OUTPUT_PREFIX/welkin and keeps the token it obtained in the token secret', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand, { SecretId: TOKEN_ARN })
      .rejects(new ResourceNotFoundException({ message: 'no value', $metadata: {} }));
    secrets.on(PutSecretValueCommand).resolves({});

    // Act
    const response = await handler({ resources: ['users'], mode: 'full' }, context());

    // Assess
    expect(response).toMatchObject({
      done: true,
      results: [{ source: 'welkin', resource: 'users', mode: 'full', recordCount: 120 }],
    });
    const [probe, ...keys] = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(probe).toMatch(/^snapshots\/_state\/welkin\/_check\/probe-/);
    expect(keys[0]).toMatch(
      /^snapshots\/welkin\/users\/dt=\d{4}-\d\d-\d\d\/run=[^/]+\/part-00000\.ndjson\.gz$/,
    );
    expect(keys).toContain('snapshots/_state/welkin/users.json');
    const written = secrets.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input);
    expect(written.every((input) => input.SecretId === TOKEN_ARN)).toBe(true);
    expect(JSON.parse(written.at(-1)?.SecretString ?? '{}')).toMatchObject({ token: expect.any(String) });
    expect(sim.stats().tokenRequests).toBe(1);
  });

  it('uses a fresh token from the token secret without asking Welkin for one', async () => {
    // Prepare: obtain a real token from the simulator as another function would have.
    const issued = (await (
      await fetch(`${sim.baseUrl}/${sim.tenant}/admin/api_clients/${sim.clientName}`, {
        method: 'POST',
        body: JSON.stringify({ secret: sim.secret }),
      })
    ).json()) as { token: string };
    secrets.on(GetSecretValueCommand, { SecretId: TOKEN_ARN }).resolves({
      SecretString: JSON.stringify({
        token: issued.token,
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
      VersionId: 'v1',
    });

    // Act
    const response = await handler({ resources: ['programs'] }, context());

    // Assess
    expect(response).toMatchObject({ done: true });
    expect(sim.stats().tokenRequests).toBe(1);
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('fails with a one-line configuration error when the token secret is not configured', async () => {
    // Prepare
    vi.stubEnv('WELKIN_TOKEN_SECRET_ARN', '');

    // Act
    const failure = await handler({ resources: ['users'] }, context()).catch((error: unknown) => error);

    // Assess
    expect((failure as Error).message).toBe(
      'WELKIN_TOKEN_SECRET_ARN: not set — set it to the ARN of the secret (the stack does; redeploy it)',
    );
    expect((failure as Error).name).toBe('ConfigError');
  });

  it('answers a discard event by deleting the listed parts under OUTPUT_PREFIX, with no credentials read', async () => {
    // Prepare
    s3.on(DeleteObjectCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const folder = 'welkin/users/dt=2026-01-01/run=20260101T020000Z-abc123';
    const discard = {
      source: 'welkin',
      mode: 'full',
      pending: [
        { resource: 'programs' },
        {
          resource: 'users',
          checkpoint: {
            resource: 'users',
            runId: '20260101T020000Z-abc123',
            mode: 'full',
            startedAt: '2026-01-01T02:00:00.000Z',
            until: '2026-01-01T02:00:00.000Z',
            cursor: 'c1',
            nextPartIndex: 1,
            recordCount: 100,
            files: [{ path: 'part-00000.ndjson.gz', recordCount: 100, bytes: 10, sha256: 'a'.repeat(64) }],
          },
        },
      ],
      results: [],
    };

    // Act
    const response = await handler({ discard }, context());

    // Assess
    expect(response).toEqual({ done: true, discarded: 1 });
    const keys = s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys).toEqual([`snapshots/${folder}/part-00000.ndjson.gz`]);
    expect(secrets.calls()).toHaveLength(0);
    expect(sim.stats().tokenRequests).toBe(0);
  });
});
