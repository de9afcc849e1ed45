import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalService, startLocalService } from '../../scripts/local/local-service.js';
import { pullFailureLine, pullLine, receiveLine } from '../../scripts/local/outcome-lines.js';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import { makeNotice, post, SECRET } from './helpers.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
let sim: WelkinSimulator;
let dir: string;
let service: LocalService;
const lines: string[] = [];

beforeEach(async () => {
  sim = await startWelkinSimulator({ rowsPerResource: 5 });
  dir = await mkdtemp(join(tmpdir(), 'log-lines-'));
  lines.length = 0;
  service = await startLocalService({
    sink: new LocalSink(dir),
    tokenStore: new MemoryTokenStore(),
    env: {
      WELKIN_WEBHOOK_SECRET: SECRET,
      WELKIN_BASE_URL: sim.baseUrl,
      WELKIN_TENANT: sim.tenant,
      WELKIN_INSTANCE: sim.instance,
      WELKIN_CLIENT_NAME: sim.clientName,
      WELKIN_CLIENT_SECRET: sim.secret,
    },
    onReceive: (outcome) => lines.push(receiveLine(outcome)),
    onPull: (outcome) => lines.push(pullLine(outcome)),
    onPullFailure: (reason, attempt) => lines.push(pullFailureLine(reason, attempt)),
  });
});

afterEach(async () => {
  await service.stop();
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('webhook log lines', () => {
  it('escapes control characters a notice carries, so it cannot forge a line or drive the terminal', async () => {
    // Prepare
    const notice = makeNotice({
      tenantName: sim.tenant,
      instanceName: sim.instance,
      eventEntity: 'PATIENT\u001b[2J\u001b[1;1H',
      eventSubtype: 'UPDATED\nrejected: forged line\r',
      sourceId: sim.liveIds('PATIENT')[0],
    });

    // Act
    const response = await post(service.server.url, JSON.stringify(notice));
    await service.drain();

    // Assess
    expect(response.status).toBe(200);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).not.toMatch(CONTROL);
    expect(lines.find((line) => line.startsWith('accepted'))).toMatch(
      /^accepted PATIENT\\u001b\[2J\\u001b\[1;1H UPDATED\\u000arejected: forged line\\u000d /,
    );
  });
});
