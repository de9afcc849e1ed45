import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');

let temp: string;
let out: string;

beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'demo-temp-'));
  out = await mkdtemp(join(tmpdir(), 'demo-out-'));
});

afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

describe('npm start', () => {
  it('ends well and leaves nothing in the OS temp folder', async () => {
    // Prepare: the demo sees an OS temp folder of its own, so anything it leaves there shows.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: temp,
      TMPDIR: temp,
      DEMO_OUT: out,
      AWS_REGION: 'us-east-1',
    };

    // Act
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn(join(REPO, 'node_modules/.bin/tsx'), ['scripts/demo.ts'], {
        cwd: REPO,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Query them with DuckDB');
    expect(run.stdout).toContain('subscription confirmed -> 200, delete notification -> 200');
    expect(run.stderr).not.toContain('\u001b');
    // tsx keeps its compile cache there (tsx-<uid>); that is the tool's, not the demo's.
    const left = (await readdir(temp)).filter((name) => !name.startsWith('tsx-'));
    expect(left).toEqual([]);
    expect(await readdir(out)).toEqual(expect.arrayContaining(['cliniko', 'welkin']));
  });
});
