import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimulatorProcess } from './simulator-process.js';

export interface CliCpuFigures {
  rows: number;
  /** CPU (user + system) of the CLI process beyond what starting it and printing --help costs, per row. */
  cpuPerRowUs: number;
  /** The same, startup included. */
  cpuPerRowWithStartupUs: number;
  startupCpuMs: number;
  target: string;
  met: boolean;
}

const TARGET_US = 25;

/** Runs `npm run export` as its own process and returns its CPU time (µs) and stderr. */
async function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ cpuUs: number; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      resolve('scripts/bench/report-cpu.mjs'),
      resolve('scripts/export.ts'),
      ...args,
    ],
    { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((done) => child.once('close', done));
  const line = stderr.split('\n').find((text) => text.startsWith('bench-cpu '));
  if (!line) throw new Error(`CLI printed no CPU line (exit ${code}): ${stderr.slice(-300)}`);
  const { userUs, systemUs } = JSON.parse(line.slice('bench-cpu '.length)) as {
    userUs: number;
    systemUs: number;
  };
  if (code !== 0) throw new Error(`CLI exited ${code}: ${stderr.slice(-300)}`);
  return { cpuUs: userUs + systemUs, stderr };
}

/**
 * Unthrottled CLI CPU per row: a full export of one resource by the CLI in its own process from a simulator
 * in another, minus the CPU of the same CLI printing --help (module loading and compiling, paid once).
 */
export async function benchCliCpu(source: 'cliniko' | 'welkin', rows: number): Promise<CliCpuFigures> {
  const sim =
    source === 'cliniko'
      ? await startSimulatorProcess<{ url: string; apiKey: string }>('cliniko', {
          rowsPerResource: { patients: rows },
          requestsPerMinute: 0,
          seed: 5,
        })
      : await startSimulatorProcess<Record<string, string>>('welkin', {
          rowsPerResource: { PATIENT: rows },
          seed: 5,
        });
  const dir = await mkdtemp(join(tmpdir(), 'bench-cli-'));
  try {
    const env =
      source === 'cliniko'
        ? clinikoEnv(sim.info as { url: string; apiKey: string })
        : welkinEnv(sim.info as Record<string, string>, dir);
    const startup = await runCli(['--help'], env);
    const run = await runCli([source, '--out', join(dir, 'out'), '--resources', 'patients', '--full'], env);
    if (!run.stderr.includes(`${rows} rows`))
      throw new Error(`CLI did not export ${rows} rows: ${run.stderr.slice(-300)}`);
    const perRow = (run.cpuUs - startup.cpuUs) / rows;
    return {
      rows,
      cpuPerRowUs: round(perRow),
      cpuPerRowWithStartupUs: round(run.cpuUs / rows),
      startupCpuMs: Math.round(startup.cpuUs / 1000),
      target: `<= ${TARGET_US} µs per row`,
      met: perRow <= TARGET_US,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await sim.stop();
  }
}

function clinikoEnv(sim: { url: string; apiKey: string }): Record<string, string> {
  return {
    CLINIKO_API_KEY: sim.apiKey,
    CLINIKO_BASE_URL: sim.url,
    CLINIKO_USER_AGENT: 'Clinic Pipe Bench (bench@example.com)',
    CLINIKO_REQUESTS_PER_MINUTE: '10000000',
  };
}

function welkinEnv(sim: Record<string, string>, dir: string): Record<string, string> {
  return {
    WELKIN_TENANT: sim.tenant as string,
    WELKIN_INSTANCE: sim.instance as string,
    WELKIN_CLIENT_NAME: sim.clientName as string,
    WELKIN_CLIENT_SECRET: sim.secret as string,
    WELKIN_BASE_URL: sim.baseUrl as string,
    // Measures the exporter, not the default pace.
    WELKIN_REQUESTS_PER_MINUTE: '0',
    WELKIN_TOKEN_FILE: join(dir, 'token.json'),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
