import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExportCli } from '../../scripts/export.js';
import { CLINIKO_RESOURCES } from '../../shared/cliniko/resources.js';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import type { HostileServer } from '../support/hostile-server.js';
import { isListOf, startRefusingProxy } from '../support/refusing-proxy.js';

const USER_AGENT = 'Clinic Pipe Tests (tests@example.com)';
let out: string;
let cliniko: ClinikoSimulator | undefined;
let welkin: WelkinSimulator | undefined;
let proxy: HostileServer | undefined;

async function cli(argv: string[], env: Record<string, string>) {
  const err: string[] = [];
  const stdout: string[] = [];
  const code = await runExportCli(argv, {
    env,
    err: (line) => err.push(line),
    out: (line) => stdout.push(line),
  });
  return { code, err, stdout };
}

function clinikoEnv(baseUrl: string, apiKey: string): Record<string, string> {
  return {
    CLINIKO_API_KEY: apiKey,
    CLINIKO_USER_AGENT: USER_AGENT,
    CLINIKO_BASE_URL: baseUrl,
    CLINIKO_REQUESTS_PER_MINUTE: '100000',
    EXPORT_CONCURRENCY: '4',
  };
}

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'forbidden-resource-'));
});

afterEach(async () => {
  await proxy?.stop();
  await cliniko?.stop();
  await welkin?.stop();
  proxy = cliniko = welkin = undefined;
  await rm(out, { recursive: true, force: true });
});

describe('a 403 on one resource fails that resource only; a 401 stops the run', () => {
  it('Cliniko: 403 on individual_appointments and settings, every other list is exported', async () => {
    // Prepare: Cliniko restricts /settings to some roles; a role may lack appointments too.
    cliniko = await startClinikoSimulator({ requestsPerMinute: 0, rowsPerResource: 3 });
    const forbidden = ['individual_appointments', 'settings'];
    proxy = await startRefusingProxy(cliniko.url, (_method, url) =>
      forbidden.some((resource) => isListOf(url, resource))
        ? { status: 403, body: { message: 'You do not have permission to access this.' } }
        : undefined,
    );
    const baseUrl = `${proxy.url}${new URL(cliniko.url).pathname}`;

    // Act
    const run = await cli(['cliniko', '--out', out, '--full'], clinikoEnv(baseUrl, cliniko.apiKey));

    // Assess
    expect(run.code).toBe(1);
    const summary = run.stdout.at(-1) ?? '';
    expect(summary).toContain(`${CLINIKO_RESOURCES.length - 2} resource(s) exported, 2 failed`);
    expect(summary).not.toContain('not started');
    expect(run.err.some((line) => line.includes('not started (run stopped)'))).toBe(false);
    for (const resource of forbidden) {
      const line = run.err.find((candidate) => candidate.includes(`cliniko/${resource}: Cliniko: 403`));
      expect(line).toMatch(/403 forbidden: the role of the API key's user may not read this list/);
    }
  });

  it('Cliniko: a 401 on one list still stops the run', async () => {
    // Prepare
    cliniko = await startClinikoSimulator({ requestsPerMinute: 0, rowsPerResource: 3 });
    proxy = await startRefusingProxy(cliniko.url, (_method, url) =>
      isListOf(url, 'invoices') ? { status: 401, body: { message: 'Unauthorized' } } : undefined,
    );
    const env = { ...clinikoEnv(`${proxy.url}${new URL(cliniko.url).pathname}`, cliniko.apiKey) };
    env.EXPORT_CONCURRENCY = '1';

    // Act
    const run = await cli(['cliniko', '--out', out, '--full', '--resources', 'invoices,patients,taxes'], env);

    // Assess: invoices come first in the catalog's order; the run stopped there.
    expect(run.code).toBe(1);
    expect(run.err[0]).toMatch(/^error: cliniko\/invoices: Cliniko: 401 API key rejected/);
    const cutOff = run.err.find((line) => line.startsWith('cliniko: not started (run stopped): '));
    expect(cutOff?.split(': ').at(-1)?.split(', ').sort()).toEqual(['patients', 'taxes']);
  });

  it('Welkin: a 403 without a code fails one resource naming the security policy; a 401 after renewal stops the run', async () => {
    // Prepare
    welkin = await startWelkinSimulator({ rowsPerResource: 3 });
    const sim = welkin;
    const refusals: Record<string, { status: number; body: unknown }> = {
      TASK: { status: 403, body: [{ errorCode: 'FORBIDDEN', componentType: 'API' }] },
    };
    proxy = await startRefusingProxy(sim.baseUrl, (_method, url) => {
      const resource = /\/export\/([A-Z_]+)$/.exec(url.pathname)?.[1];
      return resource ? refusals[resource] : undefined;
    });
    const env = {
      WELKIN_TENANT: sim.tenant,
      WELKIN_INSTANCE: sim.instance,
      WELKIN_CLIENT_NAME: sim.clientName,
      WELKIN_CLIENT_SECRET: sim.secret,
      WELKIN_BASE_URL: `${proxy.url}${new URL(sim.baseUrl).pathname}`,
      WELKIN_TOKEN_FILE: join(out, 'token.json'),
      EXPORT_CONCURRENCY: '1',
    };

    // Act
    const forbiddenRun = await cli(
      ['welkin', '--out', join(out, 'a'), '--resources', 'patients,tasks,users'],
      env,
    );
    refusals.PATIENT = { status: 401, body: [{ errorCode: 'NOT_VALID_JSON_WEB_TOKEN' }] };
    const unauthorisedRun = await cli(
      ['welkin', '--out', join(out, 'b'), '--resources', 'patients,tasks,users'],
      env,
    );

    // Assess
    expect(forbiddenRun.code).toBe(1);
    expect(forbiddenRun.stdout.at(-1)).toContain('2 resource(s) exported, 1 failed');
    const line = forbiddenRun.err.find((candidate) => candidate.includes('welkin/tasks: Welkin: 403'));
    expect(line).toContain(
      'FORBIDDEN: forbidden: the API client\'s security policies do not allow this endpoint (it needs "Export Data")',
    );
    expect(unauthorisedRun.code).toBe(1);
    expect(unauthorisedRun.err).toContain('welkin: not started (run stopped): tasks, users');
  });
});
