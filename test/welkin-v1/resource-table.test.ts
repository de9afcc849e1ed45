import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runExportCli } from '../../scripts/export.js';
import { startWelkinV1Simulator, type WelkinV1Simulator } from '../../simulators/welkin-v1/index.js';
import { tempDir } from './helpers.js';

let sim: WelkinV1Simulator | undefined;
let out: { path: string; remove: () => Promise<void> } | undefined;

afterEach(async () => {
  await sim?.stop();
  await out?.remove();
  sim = undefined;
  out = undefined;
});

/** `npm run export -- welkin-v1 …` in process, against the simulator. */
async function cli(args: string[], env: Record<string, string> = {}) {
  sim ??= await startWelkinV1Simulator({ rowsPerResource: 7 });
  out ??= await tempDir();
  const err: string[] = [];
  const lines: string[] = [];
  const code = await runExportCli(['welkin-v1', '--out', join(out.path, 'data'), ...args], {
    env: {
      WELKIN_V1_BASE_URL: sim.baseUrl,
      WELKIN_V1_CLIENT_ID: sim.clientId,
      WELKIN_V1_CLIENT_SECRET: sim.clientSecret,
      WELKIN_V1_TOKEN_FILE: join(out.path, 'token.json'),
      WELKIN_V1_REQUESTS_PER_MINUTE: '0',
      ...env,
    },
    out: (line) => lines.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: lines.join('\n'), err: err.join('\n') };
}

const folders = async () => (await readdir(join(out?.path ?? '', 'data', 'welkin-v1'))).sort();

describe('welkin-v1 resource table of the final reference', () => {
  it('takes the draft names careplans and messages as aliases, writing to care_flows and app_messages', async () => {
    // Act
    const { code } = await cli(['--resources', 'careplans,messages,care_flows']);
    // Assess
    expect(code).toBe(0);
    expect(await folders()).toEqual(['app_messages', 'care_flows']);
  });

  it('refuses patient_tasks, removed from the API, without a request', async () => {
    // Act
    const { code, err } = await cli(['--resources', 'patient_tasks']);
    // Assess
    expect(code).toBe(2);
    expect(err).toMatch(/"patient_tasks" not a welkin-v1 resource/);
    expect(sim?.stats().requests).toBe(0);
  });

  it('exports audit_logs only when event types are configured, one Find per event_type', async () => {
    // Act
    const off = await cli(['--resources', 'audit_logs']);
    const on = await cli(['--resources', 'audit_logs,alerts'], {
      WELKIN_V1_AUDIT_LOG_EVENT_TYPES: 'login, record_view',
    });
    // Assess: off, it is not requested at all; on, alerts sends its required alert_type
    expect(off.code).not.toBe(0);
    expect(on.code).toBe(0);
    expect(await folders()).toEqual(['alerts', 'audit_logs']);
  });

  it('says in --help that audit_logs is off unless configured, and which older names are accepted', async () => {
    // Act
    const { code, out: help } = await cli(['--help']);
    // Assess
    expect(code).toBe(0);
    expect(help).toMatch(/WELKIN_V1_AUDIT_LOG_EVENT_TYPES +default: audit_logs not exported/);
    expect(help).toMatch(/only when configured \(see above\): audit_logs/);
    expect(help).toMatch(/careplans = care_flows/);
    expect(help).toMatch(/messages = app_messages/);
  });

  it.each(['careplans', 'messages', 'patient_tasks'])(
    'the simulator answers 404 to the removed path /v1/%s, as the API does',
    async (path) => {
      // Prepare
      sim = await startWelkinV1Simulator({ rowsPerResource: 1 });
      const token = await tokenOf(sim);
      // Act
      const response = await fetch(`${sim.baseUrl}/v1/${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      // Assess
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ errors: [{ status: 404, code: 'not_found' }] });
    },
  );
});

async function tokenOf(simulator: WelkinV1Simulator): Promise<string> {
  const { signAssertion } = await import('../../shared/welkin-v1/assertion.js');
  const baseUrl = new URL(simulator.baseUrl);
  const assertion = await signAssertion({
    clientId: simulator.clientId,
    clientSecret: simulator.clientSecret,
    scope: 'all',
    baseUrl,
    tokenUrl: new URL('/v1/token', baseUrl),
    timeoutMs: 1000,
    pageSize: 10,
  });
  const response = await fetch(`${simulator.baseUrl}/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ assertion, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
