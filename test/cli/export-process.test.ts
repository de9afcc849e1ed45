import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';

const REPO = resolve(import.meta.dirname, '../..');
const TSX = join(REPO, 'node_modules/.bin/tsx');
const CLI = join(REPO, 'scripts/export.ts');

/** The CLI in a child process of its own, stderr and stdout through pipes (not a terminal). */
function runCli(args: string[], options: { cwd: string; env: Record<string, string> }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(TSX, [CLI, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: options.cwd, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let work: string;
let sim: ClinikoSimulator | undefined;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'export-process-'));
});

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  await rm(work, { recursive: true, force: true });
});

describe('export CLI as a process with piped stderr', () => {
  it('prints plain progress lines with the estimate from total_entries, and no escape sequences', async () => {
    // Prepare
    sim = await startClinikoSimulator({ rowsPerResource: 250, requestsPerMinute: 0, seed: 3 });
    const env = {
      CLINIKO_API_KEY: sim.apiKey,
      CLINIKO_BASE_URL: sim.url,
      CLINIKO_USER_AGENT: 'Clinic Pipe Tests (tests@example.com)',
    };

    // Act
    const run = await runCli(['cliniko', '--out', join(work, 'out'), '--resources', 'taxes'], {
      cwd: work,
      env,
    });

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('\u001b');
    const lines = run.stderr.trim().split('\n');
    expect(lines[0], run.stderr).toMatch(
      /^cliniko\/taxes: 100 rows, 1 pages, 40% of 250, (~\d+:\d\d left, )?\d+ req\/min$/,
    );
    expect(run.stderr).toMatch(/^cliniko\/taxes: done, 250 rows \(full\) in \d+:\d\d$/m);
    expect(run.stdout).toMatch(/^cliniko: 1 resource\(s\) exported, 0 failed, 250 rows/m);
    // Every request the simulator saw, and their pace: a run under a minute sent them all within one.
    const requests = sim.stats().requests;
    expect(run.stdout).toMatch(new RegExp(`, ${requests} requests in \\d+\\.\\ds \\(${requests}/min\\) -> `));
    // One short line per resource, no URLs (those are in --json).
    expect(run.stdout).toMatch(/^cliniko\/taxes: 250 rows \(full\); current 250$/m);
    expect(run.stdout).not.toContain('file://');
  });

  it('prints one JSON summary with every key and URL on stdout with --json', async () => {
    // Prepare
    sim = await startClinikoSimulator({ rowsPerResource: 1_200, requestsPerMinute: 0, seed: 3 });
    const env = {
      CLINIKO_API_KEY: sim.apiKey,
      CLINIKO_BASE_URL: sim.url,
      CLINIKO_USER_AGENT: 'Clinic Pipe Tests (tests@example.com)',
    };

    // Act
    const out = join(work, 'out');
    const run = await runCli(['cliniko', '--out', out, '--resources', 'taxes', '--json'], { cwd: work, env });

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ source: 'cliniko', rows: 1_200, failures: [], notStarted: [] });
    expect(summary.results[0]).toMatchObject({
      resource: 'taxes',
      recordCount: 1_200,
      currentRecordCount: 1_200,
      manifestUrl: expect.stringMatching(/^file:\/\/.*\/_manifest\.json$/),
      currentParquetSymlinkUrl: expect.stringMatching(/_symlink_parquet\/symlink\.txt$/),
      currentSchemaUrl: expect.stringMatching(/current\/_schema\.json$/),
    });
  });

  it('refuses --out s3:/bucket/x with the s3:// form and writes nothing', async () => {
    // Prepare
    const env = {
      CLINIKO_API_KEY: 'unused-au1',
      CLINIKO_USER_AGENT: 'Clinic Pipe Tests (tests@example.com)',
    };

    // Act
    const run = await runCli(['cliniko', '--out', 's3:/bucket/x'], { cwd: work, env });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      '--out: "s3:/bucket/x" is not an S3 location — write s3://bucket/prefix (two slashes)\n',
    );
    expect(await readdir(work)).toEqual([]);
  });
});
