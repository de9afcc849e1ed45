import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runExportCli } from '../../scripts/export.js';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import { clinikoSource } from '../../shared/cliniko/source.js';
import { CheckFailedError, runCheckInvocation } from '../../shared/lambda/check-invocation.js';
import { exportHandler } from '../../shared/lambda/export-handler.js';
import { S3Sink } from '../../shared/output/s3-sink.js';
import { SOURCES } from '../../shared/sources/registry.js';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { SIMULATORS } from '../../simulators/registry.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import type { HostileServer } from '../support/hostile-server.js';
import { isListOf, startRefusingProxy } from '../support/refusing-proxy.js';

const USER_AGENT = 'Clinic Pipe Tests (tests@example.com)';
let out: string;
let stops: Array<() => Promise<void>> = [];

async function cli(argv: string[], env: Record<string, string | undefined>) {
  const err: string[] = [];
  const stdout: string[] = [];
  const code = await runExportCli(argv, {
    env,
    err: (line) => err.push(line),
    out: (line) => stdout.push(line),
  });
  return { code, err, stdout };
}

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'check-access-'));
});

afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
  await rm(out, { recursive: true, force: true });
});

describe('--check against the simulators', () => {
  it.each(SOURCES.map((source) => [source.name, source.resourceNames.length] as const))(
    '%s: every resource and the output are ok, exit 0, nothing written',
    async (name, count) => {
      // Prepare
      const sim = await SIMULATORS[name]?.({
        rowsPerResource: 3,
        scratchDir: out,
        requestsPerMinute: 100_000,
      });
      if (!sim) throw new Error(`no simulator for ${name}`);
      stops.push(() => sim.stop());
      const data = join(out, 'data');

      // Act
      const run = await cli([name, '--out', data, '--check'], { ...sim.env, EXPORT_CONCURRENCY: '4' });

      // Assess
      expect(run.err).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.stdout).toHaveLength(count + 2);
      for (const line of run.stdout.slice(0, count))
        expect(line).toMatch(/^[\w-]+\/\w+: ok \(first page: \d+ record\(s\)\)$/);
      expect(run.stdout.at(-2)).toBe(`output ${data}: ok (a probe file written and removed)`);
      expect(run.stdout.at(-1)).toBe(`${name} check: ${count} of ${count} resource(s) ok, output ok`);
      // A check exports nothing and moves no state.
      await expect(readdir(data)).resolves.toEqual([]);
    },
  );
});

describe('--check against an API that refuses some requests', () => {
  let cliniko: ClinikoSimulator;
  let welkin: WelkinSimulator;

  it('Cliniko: 403 on settings and 400 on taxes are two lines saying what to do; the others are ok', async () => {
    // Prepare
    cliniko = await startClinikoSimulator({ requestsPerMinute: 0, rowsPerResource: 3 });
    stops.push(() => cliniko.stop());
    const proxy: HostileServer = await startRefusingProxy(cliniko.url, (_method, url) => {
      if (isListOf(url, 'settings')) return { status: 403, body: { message: 'Forbidden' } };
      if (isListOf(url, 'taxes')) return { status: 400, body: { message: 'This column is not searchable.' } };
      return undefined;
    });
    stops.push(() => proxy.stop());
    const env = {
      CLINIKO_API_KEY: cliniko.apiKey,
      CLINIKO_USER_AGENT: USER_AGENT,
      CLINIKO_BASE_URL: `${proxy.url}${new URL(cliniko.url).pathname}`,
      CLINIKO_REQUESTS_PER_MINUTE: '100000',
    };

    // Act
    const run = await cli(
      ['cliniko', '--out', out, '--check', '--resources', 'patients,settings,taxes'],
      env,
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toHaveLength(5);
    expect(run.stdout[0]).toMatch(
      /^cliniko\/taxes: refused parameter \(400\): Cliniko: 400 .*\/taxes\?.* — the API refuses a parameter/,
    );
    expect(run.stdout[1]).toMatch(/^cliniko\/patients: ok /);
    expect(run.stdout[2]).toMatch(
      /^cliniko\/settings: forbidden \(403\): Cliniko: 403 forbidden: the role of the API key's user may not read this list: give the user a role that can, or leave the resource out;.* — a run fails this resource alone and exports the others$/,
    );
    expect(run.stdout[3]).toBe(`output ${out}: ok (a probe file written and removed)`);
    expect(run.stdout[4]).toBe(
      'cliniko check: 1 of 3 resource(s) ok, output ok — fix the lines above before the first run',
    );
    expect(proxy.seen.filter((line) => /\/(patients|settings|taxes)\b/.test(line))).toHaveLength(3);
  });

  it('Welkin: a missing security policy and a refused parameter, one line each', async () => {
    // Prepare
    welkin = await startWelkinSimulator({ rowsPerResource: 3 });
    stops.push(() => welkin.stop());
    const proxy = await startRefusingProxy(welkin.baseUrl, (_method, url) => {
      if (url.pathname.endsWith('/export/TASK')) {
        return { status: 403, body: [{ errorCode: 'ACCESS_FOR_API_CLIENT_RESTRICTED' }] };
      }
      if (url.pathname.endsWith('/admin/users')) return { status: 400, body: [{ errorCode: 'BAD_REQUEST' }] };
      return undefined;
    });
    stops.push(() => proxy.stop());
    const env = {
      WELKIN_TENANT: welkin.tenant,
      WELKIN_INSTANCE: welkin.instance,
      WELKIN_CLIENT_NAME: welkin.clientName,
      WELKIN_CLIENT_SECRET: welkin.secret,
      WELKIN_BASE_URL: `${proxy.url}${new URL(welkin.baseUrl).pathname}`,
      WELKIN_TOKEN_FILE: join(out, 'token.json'),
    };

    // Act
    const run = await cli(['welkin', '--out', join(out, 'data'), '--check'], env);

    // Assess
    expect(run.code).toBe(1);
    const failing = run.stdout.filter(
      (line) => /^welkin\/\w+: /.test(line) && !/^welkin\/\w+: ok /.test(line),
    );
    expect(failing).toHaveLength(2);
    expect(failing.find((line) => line.startsWith('welkin/tasks: '))).toMatch(
      /^welkin\/tasks: forbidden \(403\): Welkin: 403 ACCESS_FOR_API_CLIENT_RESTRICTED: the API client lacks the "Export Data" security policy/,
    );
    expect(failing.find((line) => line.startsWith('welkin/users: '))).toMatch(
      /^welkin\/users: refused parameter \(400\): Welkin: 400 BAD_REQUEST/,
    );
  });

  it('a rejected credential: one unauthorised line, the rest not checked rather than asked in vain', async () => {
    // Prepare
    cliniko = await startClinikoSimulator({ requestsPerMinute: 0, rowsPerResource: 3 });
    stops.push(() => cliniko.stop());
    const env = {
      CLINIKO_API_KEY: 'wrong-key-au1',
      CLINIKO_USER_AGENT: USER_AGENT,
      CLINIKO_BASE_URL: cliniko.url,
      EXPORT_CONCURRENCY: '1',
    };

    // Act
    const run = await cli(
      ['cliniko', '--out', out, '--check', '--resources', 'patients,invoices,taxes'],
      env,
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout.slice(0, 3)).toEqual([
      expect.stringMatching(
        /^cliniko\/invoices: unauthorised: Cliniko: 401 API key rejected: .* — a run stops here: fix the credential first$/,
      ),
      "cliniko/taxes: not checked: the check stopped at invoices's failure, which every resource would meet",
      "cliniko/patients: not checked: the check stopped at invoices's failure, which every resource would meet",
    ]);
    expect(cliniko.stats().requests).toBe(1);
  });
});

describe('the output probe over S3 (s3rver) and a refusing S3', () => {
  let s3: Awaited<ReturnType<typeof import('../../scripts/local/local-s3.js').startLocalS3>>;

  beforeAll(async () => {
    const { startLocalS3 } = await import('../../scripts/local/local-s3.js');
    s3 = await startLocalS3(['check-bucket']);
  });

  afterAll(async () => {
    await s3?.stop();
  });

  beforeEach(() => {
    // The SDK reads credentials and region from the process; the endpoint comes from the CLI's env.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    vi.stubEnv('AWS_REGION', 'us-east-1');
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  async function clinikoEnv(endpoint: string) {
    const cliniko = await startClinikoSimulator({ requestsPerMinute: 0, rowsPerResource: 3 });
    stops.push(() => cliniko.stop());
    return {
      cliniko,
      env: {
        CLINIKO_API_KEY: cliniko.apiKey,
        CLINIKO_USER_AGENT: USER_AGENT,
        CLINIKO_BASE_URL: cliniko.url,
        AWS_ENDPOINT_URL_S3: endpoint,
        S3_FORCE_PATH_STYLE: 'true',
      },
    };
  }

  it('an existing bucket: put, read, list and delete of a probe object, which does not stay', async () => {
    // Prepare
    const { env } = await clinikoEnv(s3.endpoint);

    // Act
    const run = await cli(
      ['cliniko', '--out', 's3://check-bucket/nightly', '--check', '--resources', 'taxes'],
      env,
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout.at(-2)).toBe(
      'output s3://check-bucket/nightly: ok (a probe object put, read, listed and deleted)',
    );
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const listing = await s3.client.send(new ListObjectsV2Command({ Bucket: 'check-bucket' }));
    expect(listing.Contents ?? []).toEqual([]);
  });

  it('a bucket that does not exist: one line naming NoSuchBucket, exit 1', async () => {
    // Prepare
    const { env } = await clinikoEnv(s3.endpoint);

    // Act
    const run = await cli(
      ['cliniko', '--out', 's3://no-such-bucket/nightly', '--check', '--resources', 'taxes'],
      env,
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toEqual([
      expect.stringMatching(/^cliniko\/taxes: ok /),
      'output s3://no-such-bucket/nightly: write of a probe object failed: NoSuchBucket — the bucket does not exist: check the bucket name and the AWS account',
      'cliniko check: 1 of 1 resource(s) ok, output not usable — fix the lines above before the first run',
    ]);
  });

  it.each([
    [
      'an AccessDenied body',
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
    ],
    ['no body', ''],
  ])('a policy that forbids the prefix (403 with %s): one line naming AccessDenied', async (_what, body) => {
    // Prepare: an S3 endpoint that refuses everything as a bucket policy without the grant does.
    const { startHostileServer } = await import('../support/hostile-server.js');
    const refusing = await startHostileServer((_request, response) => {
      response.writeHead(403, { 'content-type': 'application/xml' });
      response.end(body);
    });
    stops.push(() => refusing.stop());
    const { env } = await clinikoEnv(refusing.url);

    // Act
    const run = await cli(
      ['cliniko', '--out', 's3://locked-bucket/nightly', '--check', '--resources', 'taxes'],
      env,
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout[1]).toBe(
      'output s3://locked-bucket/nightly: write of a probe object failed: AccessDenied — grant s3:PutObject (and, with a KMS key, kms:GenerateDataKey) on this prefix to the role or user running the export',
    );
  });

  it('a Lambda check over a missing bucket fails the invocation with one output line naming NoSuchBucket', async () => {
    // Prepare
    const { cliniko } = await clinikoEnv(s3.endpoint);
    const { catalog } = clinikoCatalog({
      apiKey: cliniko.apiKey,
      userAgent: USER_AGENT,
      baseUrl: new URL(cliniko.url),
      requestsPerMinute: 100_000,
      timeoutMs: 2_000,
    });
    const logged: string[] = [];
    const logger = {
      info: (message: string, fields: { message?: string }) => logged.push(`${message}: ${fields.message}`),
      error: (message: string, fields: { message?: string }) => logged.push(`${message}: ${fields.message}`),
    } as unknown as Logger;

    // Act
    const failure = await runCheckInvocation({
      request: { check: true, resources: ['taxes', 'users'] },
      catalog,
      sink: new S3Sink({ client: s3.client, bucket: 'no-such-bucket', prefix: 'snapshots/account=main' }),
      settings: { compress: true, maxPartBytes: 1 << 20, overlapMs: 0 },
      remainingMs: () => 900_000,
      logger,
    }).catch((error: Error) => error);

    // Assess
    expect(failure).toBeInstanceOf(CheckFailedError);
    expect((failure as Error).message).toBe(
      'cliniko check: 2 of 2 resource(s) ok, output not usable: output s3://no-such-bucket/snapshots/account=main: write of a probe object failed: NoSuchBucket — the bucket does not exist: check the bucket name and the AWS account',
    );
    expect(logged).toHaveLength(3);
  });

  it('a Lambda export invocation to a missing bucket fails as a ConfigError before reading any secret', async () => {
    // Prepare
    vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
    vi.stubEnv('S3_FORCE_PATH_STYLE', 'true');
    vi.stubEnv('OUTPUT_BUCKET', 'no-such-bucket');
    vi.stubEnv('OUTPUT_PREFIX', 'snapshots');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('CLINIKO_USER_AGENT', USER_AGENT);
    // A secret that cannot be read from here: the probe must fail first.
    vi.stubEnv(
      'CLINIKO_SECRET_ARNS',
      JSON.stringify({ main: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x' }),
    );
    const handler = exportHandler(clinikoSource);
    const context = { getRemainingTimeInMillis: () => 900_000 } as unknown as Context;

    // Act
    const failure = await handler({ mode: 'full' }, context).catch((error: Error) => error);

    // Assess
    expect(failure).toMatchObject({
      name: 'ConfigError',
      message:
        'output s3://no-such-bucket/snapshots/account=main: write of a probe object failed: NoSuchBucket — the bucket does not exist: check the bucket name and the AWS account',
    });
  });

  it('a run (not a check) to a missing bucket stops with one line before any resource starts', async () => {
    // Prepare
    const { env, cliniko } = await clinikoEnv(s3.endpoint);

    // Act
    const run = await cli(['cliniko', '--out', 's3://no-such-bucket/nightly', '--full'], env);

    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toEqual([
      'output s3://no-such-bucket/nightly: write of a probe object failed: NoSuchBucket — the bucket does not exist: check the bucket name and the AWS account',
    ]);
    expect(run.stdout).toEqual([]);
    expect(cliniko.stats().requests).toBe(0);
  });
});
