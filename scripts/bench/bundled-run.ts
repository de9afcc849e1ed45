import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { EXPORTER_NODE_OPTIONS } from '../../shared/lambda/runtime-options.js';
import { startLocalS3 } from '../local/local-s3.js';
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
  const s3 = await startLocalS3(['bench']);
  const secrets = await startFakeSecretsManager(options.secrets);
  try {
    const line = await runChild(bundle, options.event, {
      ...options.env,
      OUTPUT_BUCKET: 'bench',
      OUTPUT_PREFIX: 'snapshots',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
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
    await s3.stop();
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
