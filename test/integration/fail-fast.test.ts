import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExportCli } from '../../scripts/export.js';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import { CLINIKO_RESOURCES } from '../../shared/cliniko/resources.js';
import { runExport } from '../../shared/export/run-export.js';
import { runExportInvocation } from '../../shared/lambda/run-invocation.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import { type HostileServer, startHostileServer } from '../support/hostile-server.js';

const USER_AGENT = 'Clinic Pipe Tests (tests@example.com)';
let out: string;
let cliniko: ClinikoSimulator | undefined;
let welkin: WelkinSimulator | undefined;
let hostile: HostileServer | undefined;

/** Runs the export CLI and keeps what it printed. */
async function cli(argv: string[], env: Record<string, string>) {
  const err: string[] = [];
  const stdout: string[] = [];
  const code = await runExportCli(argv, {
    env,
    err: (line) => err.push(line),
    out: (line) => stdout.push(line),
  });
  return { code, err, stdout, errors: err.filter((line) => line.startsWith('error:')) };
}

/** The resources the CLI reported as not started, sorted. */
function notStarted(err: string[], source: string): string[] {
  const line = err.find((candidate) => candidate.startsWith(`${source}: not started (run stopped): `));
  return (line?.split(': ').at(-1)?.split(', ') ?? []).sort();
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const quietLogger = { info: () => undefined, error: () => undefined } as unknown as Logger;

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'fail-fast-'));
});

afterEach(async () => {
  await cliniko?.stop();
  await welkin?.stop();
  await hostile?.stop();
  cliniko = welkin = hostile = undefined;
  await rm(out, { recursive: true, force: true });
});

describe('failures no retry fixes stop the whole run at once', () => {
  it('a rejected Cliniko key: one error line, every other resource not started, exit 1', async () => {
    // Prepare
    cliniko = await startClinikoSimulator({ requestsPerMinute: 0, rowsPerResource: 5 });
    const env = {
      CLINIKO_API_KEY: 'wrong-key-au1',
      CLINIKO_USER_AGENT: USER_AGENT,
      CLINIKO_BASE_URL: cliniko.url,
    };

    // Act
    const run = await cli(['cliniko', '--out', out, '--full'], env);

    // Assess
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(
      /^error: cliniko\/\w+: Cliniko: 401 API key rejected: check CLINIKO_API_KEY/,
    );
    const failed = /^error: cliniko\/(\w+):/.exec(run.errors[0] ?? '')?.[1];
    const others = CLINIKO_RESOURCES.map((resource) => resource.name).filter((name) => name !== failed);
    expect(notStarted(run.err, 'cliniko')).toEqual(others.sort());
    expect(run.stdout.at(-1)).toMatch(/0 resource\(s\) exported, 1 failed, \d+ not started/);
    // The resources already in flight asked once each; nothing was retried.
    expect(cliniko.stats().requests).toBeLessThanOrEqual(3);
    expect(run.err.join('\n')).not.toContain('wrong-key-au1');
    await expect(readdir(out)).resolves.toEqual([]);
  });

  it('a refused connection on the first request: one line naming ECONNREFUSED and what to check', async () => {
    // Prepare
    const port = await closedPort();
    const env = {
      CLINIKO_API_KEY: 'any-key-au1',
      CLINIKO_USER_AGENT: USER_AGENT,
      CLINIKO_BASE_URL: `http://127.0.0.1:${port}/v1`,
      EXPORT_CONCURRENCY: '1',
    };

    // Act
    const run = await cli(['cliniko', '--out', out, '--resources', 'patients,invoices,taxes'], env);

    // Assess
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      `error: cliniko/invoices: Cliniko: connection failed (ECONNREFUSED) on the first request: check CLINIKO_BASE_URL (or the shard suffix of CLINIKO_API_KEY) and the network (GET http://127.0.0.1:${port}/v1/invoices?per_page=100&sort=id&q[]=archived_at:*)`,
    ]);
    // Resources run in the catalog's order: invoices first.
    expect(notStarted(run.err, 'cliniko')).toEqual(['patients', 'taxes']);
  });

  it('a rejected Welkin client: one line, the others not started, a single token request', async () => {
    // Prepare
    welkin = await startWelkinSimulator({ rowsPerResource: 5 });
    const env = {
      WELKIN_TENANT: welkin.tenant,
      WELKIN_INSTANCE: welkin.instance,
      WELKIN_CLIENT_NAME: welkin.clientName,
      WELKIN_CLIENT_SECRET: 'not-the-secret',
      WELKIN_BASE_URL: welkin.baseUrl,
      WELKIN_TOKEN_FILE: join(out, 'token.json'),
      EXPORT_CONCURRENCY: '1',
    };

    // Act
    const run = await cli(['welkin', '--out', join(out, 'data'), '--resources', 'patients,users,tasks'], env);

    // Assess
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    const failed = /^error: welkin\/(\w+): cannot obtain a Welkin token: .*401/.exec(
      run.errors[0] ?? '',
    )?.[1];
    expect(failed).toBeDefined();
    const resources = ['patients', 'users', 'tasks'];
    expect(notStarted(run.err, 'welkin')).toEqual(resources.filter((name) => name !== failed).sort());
    expect(welkin.stats().tokenRequests).toBe(1);
  });

  it('a Lambda invocation with a rejected key fails once, keeping the AuthError name for the state machine', async () => {
    // Prepare
    cliniko = await startClinikoSimulator({ requestsPerMinute: 0, rowsPerResource: 5 });
    const { catalog } = clinikoCatalog({
      apiKey: 'wrong-key-au1',
      userAgent: USER_AGENT,
      baseUrl: new URL(cliniko.url),
      requestsPerMinute: 100_000,
      timeoutMs: 2_000,
    });

    // Act
    const failure = await runExportInvocation({
      request: { mode: 'full', resources: ['patients', 'invoices', 'taxes', 'users'] },
      catalog,
      sink: new LocalSink(out),
      settings: { compress: true, maxPartBytes: 1 << 20, overlapMs: 0, concurrency: 2 },
      remainingMs: () => 900_000,
      logger: quietLogger,
    }).catch((error: Error) => error);

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('AuthError');
    const message = (failure as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^cliniko\/\w+: Cliniko: 401 API key rejected: .*; not started: [a-z_, ]+$/);
    expect(message.split('; not started: ')[1]?.split(', ')).toHaveLength(3);
  });

  it('the run watchdog stops a run whose requests hang, with one line, even with long request deadlines', async () => {
    // Prepare: a server that accepts requests and never answers.
    hostile = await startHostileServer(() => undefined);
    const env = {
      CLINIKO_API_KEY: 'any-key-au1',
      CLINIKO_USER_AGENT: USER_AGENT,
      CLINIKO_BASE_URL: `${hostile.url}/v1`,
      CLINIKO_TIMEOUT_MS: '600000',
      EXPORT_RUN_DEADLINE_MINUTES: '0.01',
    };

    // Act
    const run = await cli(['cliniko', '--out', out, '--resources', 'patients,invoices,taxes,users'], env);

    // Assess
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      'error: cliniko: run deadline of 600 ms reached: every resource was stopped',
    ]);
    // Issue 19: what was running when the deadline came is reported as interrupted, the rest as not started.
    const interrupted = run.err.find((l) => l.startsWith('cliniko: interrupted (run stopped): '));
    const cutOff = interrupted?.slice('cliniko: interrupted (run stopped): '.length).split(', ') ?? [];
    expect(cutOff.length).toBeGreaterThan(0);
    expect([...cutOff, ...notStarted(run.err, 'cliniko')].sort()).toEqual([
      'invoices',
      'patients',
      'taxes',
      'users',
    ]);
    await expect(readdir(out)).resolves.toEqual([]);
  });

  it('a host that never answers: retries run out once, then one line and every other resource not started', async () => {
    // Prepare: accepts connections, never answers.
    hostile = await startHostileServer(() => undefined);
    const { catalog } = clinikoCatalog({
      apiKey: 'silent-host-key-au1',
      userAgent: USER_AGENT,
      baseUrl: new URL(`${hostile.url}/v1`),
      requestsPerMinute: 100_000,
      timeoutMs: 100,
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2, rateLimitRetries: 0 },
    });

    // Act
    const outcome = await runExport({
      catalog,
      sink: new LocalSink(out),
      settings: { compress: true, maxPartBytes: 1 << 20, overlapMs: 0 },
      mode: 'full',
      resources: ['patients', 'invoices', 'taxes', 'users'],
      concurrency: 2,
    });

    // Assess
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]?.message).toMatch(
      /^cliniko\/\w+: Cliniko: request timed out after 3 attempts; the host never answered: check CLINIKO_BASE_URL/,
    );
    expect(outcome.stopped?.notStarted).toHaveLength(3);
    // Two resources were in flight; each tried at most three times before the run stopped.
    expect(hostile.seen.length).toBeLessThanOrEqual(6);
  });

  it('a Lambda invocation is stopped before its own timeout when requests hang, failing with one line', async () => {
    // Prepare: 16 s left, of which the watchdog keeps 15 s: it fires after about one second.
    hostile = await startHostileServer(() => undefined);
    const { catalog } = clinikoCatalog({
      apiKey: 'lambda-watchdog-key-au1',
      userAgent: USER_AGENT,
      baseUrl: new URL(`${hostile.url}/v1`),
      requestsPerMinute: 100_000,
      timeoutMs: 600_000,
    });

    // Act
    const failure = await runExportInvocation({
      request: { mode: 'full', resources: ['patients', 'taxes'] },
      catalog,
      sink: new LocalSink(out),
      settings: { compress: true, maxPartBytes: 1 << 20, overlapMs: 0, concurrency: 1 },
      remainingMs: () => 16_000,
      marginMs: 1_000,
      logger: quietLogger,
    }).catch((error: Error) => error);

    // Assess
    expect((failure as Error).name).toBe('RunStoppedError');
    // Issue 19: the resource running at the deadline is interrupted, the one after it not started.
    const [line, cutOff] = (failure as Error).message.split('; interrupted: ');
    expect(line).toBe('cliniko: run deadline of 1 s reached: every resource was stopped');
    expect(cutOff).toMatch(/^(patients; not started: taxes|taxes; not started: patients)$/);
  });
});
