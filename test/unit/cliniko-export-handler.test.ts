import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { handler as Handler } from '../../functions/cliniko-export/index.js';
import { keepPutObjects } from '../support/storing-s3-mock.js';

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
  // Objects put are kept and read back: the current-state step reads the run it follows.
  keepPutObjects(s3);
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
      // The run summary: every request sent, and the pace (all within the first minute)
      requests: { requests: 1, perMinute: 1 },
    });
    // First the output probe (put, read, listed, deleted) before any resource started.
    const [probe, ...keys] = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(probe).toMatch(/^snapshots\/account=east\/_state\/cliniko\/_check\/probe-[\w-]+\.txt$/);
    expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.Key)).toEqual([probe]);
    expect(keys).toHaveLength(11);
    expect(keys[0]).toMatch(
      /^snapshots\/account=east\/cliniko\/settings\/dt=\d{4}-\d\d-\d\d\/run=[^/]+\/part-00000\.ndjson\.gz$/,
    );
    expect(keys[1]).toMatch(/^snapshots\/account=east\/cliniko\/settings\/dt=.*\/_manifest\.json$/);
    expect(keys[2]).toBe('snapshots/account=east/_state/cliniko/settings.json');
    // Then the run's COPY manifest and the current state (NDJSON, Parquet, pointers, schema), its manifest last.
    const runId = /run=([^/]+)\//.exec(keys[0] ?? '')?.[1];
    expect(keys.slice(3)).toEqual([
      `${(keys[1] ?? '').replace('_manifest.json', '_copy_manifest.json')}`,
      `snapshots/account=east/cliniko/settings/current/v=${runId}/part-00000.ndjson.gz`,
      `snapshots/account=east/cliniko/settings/current/v=${runId}/part-00000.parquet`,
      'snapshots/account=east/cliniko/settings/current/_copy_manifest.json',
      'snapshots/account=east/cliniko/settings/current/_symlink/symlink.txt',
      'snapshots/account=east/cliniko/settings/current/_symlink_parquet/symlink.txt',
      'snapshots/account=east/cliniko/settings/current/_schema.json',
      'snapshots/account=east/cliniko/settings/current/_manifest.json',
    ]);
    // The manifest key handed to the state machine (and on to loaders) is the full S3 key.
    expect('results' in response && response.results[0]?.manifestKey).toBe(keys[1]);
  });

  it('fails the invocation with a one-line message when a resource fails, writing no manifest', async () => {
    // Prepare
    stubCliniko(403);

    // Act
    const act = handler({ resources: ['settings'] }, context());

    // Assess
    await expect(act).rejects.toThrow(
      /cliniko\/settings: Cliniko: 403 forbidden: the role of the API key's user may not read this list/,
    );
    // The underlying class is the error name the state machine's retry rules see: a 403 is one list the
    // user's role may not read (Cliniko restricts /settings so), a ForbiddenError of that resource (not
    // retried: a person grants the access), not the key's AuthError.
    await expect(act).rejects.toMatchObject({ name: 'ForbiddenError' });
    const message = await act.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message.split('\n')).toHaveLength(1);
    expect(message).not.toContain(API_KEY);
    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys.some((key) => key?.endsWith('_manifest.json'))).toBe(false);
  });

  it('{"check": true} returns every resource and the output ok, exporting nothing', async () => {
    // Prepare
    const seen = stubCliniko();

    // Act
    const response = await handler({ check: true, account: 'east', resources: ['settings'] }, context());

    // Assess
    expect(response).toEqual({
      ok: true,
      source: 'cliniko',
      resources: [{ name: 'settings', status: 'ok', message: 'ok (first page: 1 record(s))' }],
      output: {
        ok: true,
        location: 's3://out-bucket/snapshots/account=east',
        message:
          'output s3://out-bucket/snapshots/account=east: ok (a probe object put, read, listed and deleted)',
      },
    });
    expect(seen).toHaveLength(1);
    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys).toEqual([
      expect.stringMatching(/^snapshots\/account=east\/_state\/cliniko\/_check\/probe-/),
    ]);
    expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.Key)).toEqual(keys);
  });

  it('{"check": true} fails the invocation with the lines that are not ok when a resource is refused', async () => {
    // Prepare
    stubCliniko(403);

    // Act
    const failure = await handler({ check: true, resources: ['settings'] }, context()).catch(
      (error: Error) => error,
    );

    // Assess
    expect(failure).toMatchObject({ name: 'CheckFailedError' });
    expect((failure as Error).message).toMatch(
      /^cliniko check: 0 of 1 resource\(s\) ok, output ok: cliniko\/settings: forbidden \(403\): Cliniko: 403 forbidden: the role of the API key's user/,
    );
    expect((failure as Error).message).not.toContain(API_KEY);
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
    await expect(act).rejects.toThrow('account: unknown Cliniko account "west" — use one of: east');
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

const RUN_FOLDER = 'cliniko/patients/dt=2026-01-01/run=20260101T020000Z-abc123';

/** What the state machine hands over after giving up on `patients`: the last checkpoint it was given. */
function abandoned(paths: string[], source = 'cliniko') {
  return {
    source,
    mode: 'full',
    pending: [
      {
        resource: 'patients',
        checkpoint: {
          resource: 'patients',
          runId: '20260101T020000Z-abc123',
          mode: 'full',
          startedAt: '2026-01-01T02:00:00.000Z',
          until: '2026-01-01T02:00:00.000Z',
          cursor: 'c1',
          nextPartIndex: paths.length,
          recordCount: paths.length,
          files: paths.map((path) => ({ path, recordCount: 1, bytes: 10, sha256: 'a'.repeat(64) })),
        },
      },
    ],
    results: [],
  };
}

describe('cliniko-export handler, discard event', () => {
  beforeEach(() => {
    s3.on(DeleteObjectCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  });

  it('deletes the listed parts under the account prefix without reading the API key', async () => {
    // Prepare
    const fetch = stubCliniko();
    const event = { account: 'east', discard: abandoned(['part-00000.ndjson.gz', 'part-00001.ndjson.gz']) };

    // Act
    const response = await handler(event, context());

    // Assess
    expect(response).toEqual({ done: true, discarded: 2 });
    const deleted = s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input);
    expect(deleted).toEqual([
      { Bucket: 'out-bucket', Key: `snapshots/account=east/${RUN_FOLDER}/part-00000.ndjson.gz` },
      { Bucket: 'out-bucket', Key: `snapshots/account=east/${RUN_FOLDER}/part-00001.ndjson.gz` },
    ]);
    // It checked that the run has no manifest, and looked only inside the run folder.
    const manifestRead = s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key);
    expect(manifestRead).toEqual([`snapshots/account=east/${RUN_FOLDER}/_manifest.json`]);
    const listed = s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input.Prefix);
    expect(listed).toEqual([`snapshots/account=east/${RUN_FOLDER}/`]);
    expect(secrets.calls()).toHaveLength(0);
    expect(fetch).toEqual([]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('uses the only configured account when the event names none, and never deletes a manifest', async () => {
    // Prepare: the folder also holds a part no checkpoint listed yet, and (in a race) a manifest key.
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: `snapshots/account=east/${RUN_FOLDER}/part-00000.ndjson.gz` },
        { Key: `snapshots/account=east/${RUN_FOLDER}/part-00001.ndjson.gz` },
        { Key: `snapshots/account=east/${RUN_FOLDER}/_manifest.json` },
      ],
    });

    // Act
    const response = await handler({ discard: abandoned(['part-00000.ndjson.gz']) }, context());

    // Assess
    expect(response).toEqual({ done: true, discarded: 2 });
    const keys = s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys.sort()).toEqual([
      `snapshots/account=east/${RUN_FOLDER}/part-00000.ndjson.gz`,
      `snapshots/account=east/${RUN_FOLDER}/part-00001.ndjson.gz`,
    ]);
  });

  it('leaves a run alone when its manifest exists', async () => {
    // Prepare
    s3.on(GetObjectCommand, { Key: `snapshots/account=east/${RUN_FOLDER}/_manifest.json` }).resolves({
      Body: { transformToString: async () => '{}' } as never,
    });

    // Act
    const response = await handler({ discard: abandoned(['part-00000.ndjson.gz']) }, context());

    // Assess
    expect(response).toEqual({ done: true, discarded: 0 });
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it.each([
    [
      { discard: abandoned(['../../../_state/cliniko/patients.json']) },
      /is not a part file name/,
      'ConfigError',
    ],
    [{ discard: abandoned(['_manifest.json']) }, /is not a part file name/, 'ConfigError'],
    [{ discard: abandoned(['part-00000.ndjson.gz'], 'welkin') }, /source welkin, not cliniko/, 'ConfigError'],
    [
      { account: 'west', discard: abandoned(['part-00000.ndjson.gz']) },
      /unknown Cliniko account/,
      'ConfigError',
    ],
    [
      { discard: abandoned(['part-00000.ndjson.gz']), resources: ['patients'] },
      /Unrecognized key: "resources"/,
      'InvalidEventError',
    ],
  ])('refuses %j without deleting anything', async (event, message, name) => {
    // Prepare
    const input = event;

    // Act
    const act = handler(input, context());

    // Assess
    await expect(act).rejects.toThrow(message);
    await expect(act).rejects.toMatchObject({ name });
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });
});
