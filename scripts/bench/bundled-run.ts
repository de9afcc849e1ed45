import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import S3rver from 's3rver';
import { EXPORTER_NODE_OPTIONS } from '../../shared/lambda/runtime-options.js';
import { bundleHandler } from './bundle.js';
import { startFakeSecretsManager } from './fake-secrets-manager.js';

export interface BundledRun {
  rows: number;
  maxRssMb: number;
  seconds: number;
}

/**
 * Bundles a handler as the stack does and runs it once in a child process of its own, against a real
 * S3-protocol server and a local Secrets Manager, so its peak RSS excludes the simulator and the servers.
 */
export async function runBundledHandler(options: {
  entry: string;
  event: unknown;
  env: Record<string, string>;
  secrets: Record<string, string | undefined>;
}): Promise<BundledRun> {
  const bundle = await bundleHandler(options.entry, '.bench');
  const s3dir = await mkdtemp(join(tmpdir(), 'bench-s3-'));
  const s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: s3dir,
    configureBuckets: [{ name: 'bench', configs: [] }],
  });
  const { port } = (await s3.run()) as { port: number };
  const secrets = await startFakeSecretsManager(options.secrets);
  try {
    const line = await runChild(bundle, options.event, {
      ...options.env,
      OUTPUT_BUCKET: 'bench',
      OUTPUT_PREFIX: 'snapshots',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      S3_FORCE_PATH_STYLE: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      NODE_OPTIONS: EXPORTER_NODE_OPTIONS,
      ...(process.env.BENCH_TRACE ? { BENCH_TRACE: '1' } : {}),
    });
    if (!line.ok) throw new Error(`bundled handler failed: ${line.error}`);
    return {
      rows: line.rows,
      maxRssMb: Math.round(line.maxRssMb),
      seconds: Math.round(line.seconds * 1000) / 1000,
    };
  } finally {
    await secrets.stop();
    await s3.close();
    await rm(s3dir, { recursive: true, force: true });
  }
}

export interface ChildLine {
  ok: boolean;
  rows: number;
  seconds: number;
  maxRssMb: number;
  error?: string;
}

export function runChild(bundle: string, event: unknown, env: Record<string, string>): Promise<ChildLine> {
  return new Promise((resolveLine, reject) => {
    const child = spawn(
      process.execPath,
      [resolve('scripts/bench/invoke-child.mjs'), bundle, JSON.stringify(event)],
      { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', () => {
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolveLine(JSON.parse(last) as ChildLine);
      } catch {
        reject(new Error('bench child printed no result'));
      }
    });
  });
}
