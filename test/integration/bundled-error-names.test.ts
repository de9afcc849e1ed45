import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHandler } from '../../scripts/bench/bundle.js';

const run = promisify(execFile);

// Imports the bundle, invokes its handler once and prints what it threw: only the name and the message.
const INVOKE = `
const [bundle, event] = process.argv.slice(1);
const { handler } = await import(bundle);
try {
  await handler(JSON.parse(event), { getRemainingTimeInMillis: () => 900000 });
  console.log(JSON.stringify({ threw: false }));
} catch (error) {
  console.log(JSON.stringify({ threw: true, name: error.name, message: error.message }));
}`;

async function invokeBundled(bundle: string, event: unknown, env: Record<string, string>) {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', INVOKE, pathToFileURL(bundle).href, JSON.stringify(event)],
    {
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    threw: boolean;
    name?: string;
    message?: string;
  };
}

describe('error names in a minified bundle (the state machine does not retry errors matched by name)', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bundled-names-'));
    bundle = await bundleHandler('functions/cliniko-export/index.ts', dir);
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing setting surfaces as ConfigError', async () => {
    // Prepare
    const env = { OUTPUT_BUCKET: 'out-bucket' };

    // Act
    const outcome = await invokeBundled(bundle, { mode: 'full' }, env);

    // Assess
    expect(outcome).toMatchObject({ threw: true, name: 'ConfigError' });
    expect(outcome.message).toContain('CLINIKO_SECRET_ARNS');
  });

  it('a malformed event surfaces as InvalidEventError', async () => {
    // Prepare
    const env = { OUTPUT_BUCKET: 'out-bucket', CLINIKO_SECRET_ARNS: '{"main":"arn:secret"}' };

    // Act
    const outcome = await invokeBundled(bundle, { mode: 'sometimes' }, env);

    // Assess
    expect(outcome).toMatchObject({ threw: true, name: 'InvalidEventError' });
    expect(outcome.message).toContain('mode');
  });
});
