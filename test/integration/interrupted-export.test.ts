import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExportCli } from '../../scripts/export.js';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';

const ROWS = 1_500;
let sim: ClinikoSimulator;
let out: string;

function cliEnv(): Record<string, string> {
  return {
    CLINIKO_API_KEY: sim.apiKey,
    CLINIKO_BASE_URL: sim.url,
    CLINIKO_USER_AGENT: 'Clinic Pipe Tests (tests@example.com)',
    CLINIKO_REQUESTS_PER_MINUTE: '100000',
    // Small parts, so an interrupted run has finished some of its parts and has one open.
    EXPORT_MAX_PART_MB: '0.02',
  };
}

async function exportInProcess(): Promise<number> {
  const io = { env: cliEnv(), err: () => undefined, out: () => undefined };
  return runExportCli(['cliniko', '--out', out, '--resources', 'patients', '--full'], io);
}

/** Every file under the output folder, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

async function duckCount(glob: string): Promise<number> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    const reader = await duck.runAndReadAll(`select count(*)::INTEGER as n from read_ndjson_auto('${glob}')`);
    return reader.getRowObjectsJson()[0]?.n as number;
  } finally {
    duck.closeSync();
  }
}

/**
 * Starts the CLI in its own process; resolves once its run has finished a part and is writing the next one
 * (a temp file), with its exit promise.
 */
async function startCliUntilWriting(
  before: string[],
): Promise<{ signal: () => void; exited: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve('scripts/export.ts'),
      'cliniko',
      '--out',
      out,
      '--resources',
      'patients',
      '--full',
    ],
    { env: { PATH: process.env.PATH ?? '', ...cliEnv() }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const files = (await filesUnder(out)).filter((file) => !before.includes(file));
    const finished = files.some((file) => /\/part-\d+\.ndjson\.gz$/.test(file));
    if (finished && files.some((file) => file.includes('/.tmp-'))) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`CLI never wrote a part: ${stderr}`);
    await new Promise((done) => setTimeout(done, 20));
  }
  return { signal: () => child.kill('SIGINT'), exited };
}

beforeEach(async () => {
  sim = await startClinikoSimulator({ rowsPerResource: { patients: ROWS }, requestsPerMinute: 0, seed: 7 });
  out = await mkdtemp(join(tmpdir(), 'interrupted-'));
});

afterEach(async () => {
  await sim.stop();
  await rm(out, { recursive: true, force: true });
});

describe('an interrupted CLI export', () => {
  it('leaves no temp file and nothing of its run, and DuckDB still reads the complete run', async () => {
    // Prepare: one complete run, then a slow one interrupted with a real SIGINT while it writes.
    expect(await exportInProcess()).toBe(0);
    const complete = await filesUnder(out);
    sim.setFaults({ latencyMs: 60 });
    const cli = await startCliUntilWriting(complete);

    // Act
    cli.signal();
    const code = await cli.exited;

    // Assess
    expect(code).toBe(130);
    const after = await filesUnder(out);
    expect(after.filter((file) => file.includes('.tmp-') || file.endsWith('.partial'))).toEqual([]);
    expect(after).toEqual(complete);
    expect(await duckCount(join(out, 'cliniko/patients/dt=*/**/*.ndjson*'))).toBe(ROWS);
  }, 60_000);

  it('removes temp files of processes that died, keeps those of live ones', async () => {
    // Prepare: temp files a killed process left in the resource and state folders, and a live one's.
    const dead = spawn(process.execPath, ['-e', '']);
    const [, deadPid] = [await once(dead, 'exit'), dead.pid as number];
    const runDir = join(out, 'cliniko/patients/dt=2026-01-01/run=old');
    await mkdir(runDir, { recursive: true });
    await mkdir(join(out, '_state/cliniko'), { recursive: true });
    const abandoned = [
      join(runDir, `.tmp-${deadPid}-${randomUUID()}.partial`),
      join(out, '_state/cliniko', `.tmp-${deadPid}-${randomUUID()}.partial`),
    ];
    const live = join(runDir, `.tmp-${process.ppid}-${randomUUID()}.partial`);
    for (const file of [...abandoned, live]) await writeFile(file, '{"id":1,"first_name":"half');

    // Act
    const code = await exportInProcess();

    // Assess
    expect(code).toBe(0);
    const files = await filesUnder(out);
    expect(files.filter((file) => file.includes('.tmp-'))).toEqual([live.slice(out.length + 1)]);
    expect(await duckCount(join(out, 'cliniko/patients/dt=*/**/*.ndjson*'))).toBe(ROWS);
  }, 60_000);
});
