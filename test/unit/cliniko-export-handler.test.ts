import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { handler as Handler } from '../../functions/cliniko-export/index.js';

const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);
const ARN = 'arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:cliniko/east-AbCdEf';
const API_KEY = 'handler-test-api-key-au2';

let handler: typeof Handler;

beforeAll(async () => {
  // The handler builds its logger at import; keep test output quiet.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  ({ handler } = await import('../../functions/cliniko-export/index.js'));
});

beforeEach(() => {
  s3.reset();
  secrets.reset();
  vi.stubEnv('CLINIKO_SECRET_ARNS', JSON.stringify({ east: ARN }));
  vi.stubEnv('CLINIKO_USER_AGENT', 'Acme Export (it@acme.example)');
  vi.stubEnv('CLINIKO_BASE_URL', '');
  vi.stubEnv('OUTPUT_BUCKET', 'out-bucket');
  vi.stubEnv('OUTPUT_PREFIX', 'snapshots');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  secrets
    .on(GetSecretValueCommand, { SecretId: ARN })
    .resolves({ SecretString: JSON.stringify({ apiKey: API_KEY }) });
  s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'missing', $metadata: { httpStatusCode: 404 } }));
  s3.on(PutObjectCommand).resolves({ ETag: '"e"' });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

function context(remainingMs = 900_000): Context {
  return { getRemainingTimeInMillis: () => remainingMs } as unknown as Context;
}

/** A fetch standing in for Cliniko's /settings endpoint; records URL and Authorization per request. */
function stubCliniko(status = 200) {
  const seen: Array<{ url: string; authorization: string | null }> = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: Request) => {
      seen.push({ url: input.url, authorization: input.headers.get('authorization') });
      return new Response('{"country":"AU","id":123456789012345678901}', {
        status,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  return seen;
}

describe('cliniko-export handler', () => {
  it('exports the requested resource under the account prefix with the key from the secret', async () => {
    // Prepare
    const seen = stubCliniko();

    // Act
    const response = await handler({ resources: ['settings'], mode: 'full' }, context());

    // Assess
    expect(seen).toEqual([
      {
        url: 'https://api.au2.cliniko.com/v1/settings',
        authorization: `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`,
      },
    ]);
    expect(response).toMatchObject({
      done: true,
      results: [{ source: 'cliniko', resource: 'settings', mode: 'full', recordCount: 1 }],
    });
    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(
      /^snapshots\/account=east\/cliniko\/settings\/dt=\d{4}-\d\d-\d\d\/run=[^/]+\/part-00000\.ndjson\.gz$/,
    );
    expect(keys[1]).toMatch(/^snapshots\/account=east\/cliniko\/settings\/dt=.*\/_manifest\.json$/);
    expect(keys[2]).toBe('snapshots/account=east/_state/cliniko/settings.json');
    // The manifest key handed to the state machine (and on to loaders) is the full S3 key.
    expect('results' in response && response.results[0]?.manifestKey).toBe(keys[1]);
  });

  it('fails the invocation with a one-line message when a resource fails, writing no manifest', async () => {
    // Prepare
    stubCliniko(403);

    // Act
    const act = handler({ resources: ['settings'] }, context());

    // Assess
    await expect(act).rejects.toThrow(/cliniko\/settings: Cliniko: 403 forbidden/);
    // The underlying class is the error name the state machine's retry rules see.
    await expect(act).rejects.toMatchObject({ name: 'HttpError' });
    const message = await act.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message.split('\n')).toHaveLength(1);
    expect(message).not.toContain(API_KEY);
    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys.some((key) => key?.endsWith('_manifest.json'))).toBe(false);
  });

  it('refuses an invalid event before reading any secret', async () => {
    // Prepare
    stubCliniko();

    // Act
    const act = handler({ mode: 'weekly' }, context());

    // Assess
    await expect(act).rejects.toThrow(/^invalid event: mode: /);
    expect(secrets.calls()).toHaveLength(0);
  });

  it('refuses an account that is not configured', async () => {
    // Prepare
    stubCliniko();

    // Act
    const act = handler({ account: 'west' }, context());

    // Assess
    await expect(act).rejects.toThrow('unknown Cliniko account "west"; configured: east');
    expect(secrets.calls()).toHaveLength(0);
  });

  it('hands back a checkpoint instead of starting work when the deadline is already near', async () => {
    // Prepare
    const seen = stubCliniko();

    // Act
    const response = await handler({ resources: ['settings'] }, context(1_000));

    // Assess
    expect(response).toMatchObject({
      done: false,
      checkpoint: { source: 'cliniko', pending: [{ resource: 'settings' }], results: [] },
    });
    expect(seen).toEqual([]);
  });
});
