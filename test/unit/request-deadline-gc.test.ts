import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type HostileServer, stallMidBody, startHostileServer } from '../support/hostile-server.js';

const PROBE = fileURLToPath(new URL('../support/stalled-body-probe.ts', import.meta.url));

/** Runs the probe in its own Node with --expose-gc; resolves with its stdout, or 'no answer' when killed. */
function runProbe(url: string, timeoutMs: number, waitMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', PROBE, url, String(timeoutMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), waitMs);
    child.on('exit', () => {
      clearTimeout(killer);
      resolve(out.trim() || 'no answer');
    });
  });
}

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('request deadline under garbage collection', () => {
  it('times out a body that stalls after the headers while collections run, retries once, then fails', async () => {
    // Prepare
    server = await startHostileServer(stallMidBody(JSON.stringify({ patients: [{ id: 1 }, { id: 2 }] })));

    // Act
    const answer = await runProbe(server.url, 300, 20_000);

    // Assess
    expect(answer).not.toBe('no answer');
    const report = JSON.parse(answer) as { outcome: string; name: string; message: string };
    expect(report).toMatchObject({
      outcome: 'failed',
      name: 'HttpError',
      message: `Probe: request timed out after 2 attempts (GET ${server.url}/stalled)`,
    });
    expect(server.seen).toEqual(['GET /stalled', 'GET /stalled']);
  });
});
