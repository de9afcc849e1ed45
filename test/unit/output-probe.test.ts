import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { assertOutputUsable, probeOutput } from '../../shared/output/output-probe.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'output-probe-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the output probe of a folder', () => {
  it('creates a missing folder, writes and removes a probe file, and leaves nothing else', async () => {
    // Prepare
    const sink = new LocalSink(join(dir, 'new', 'out'));

    // Act
    const probe = await probeOutput(sink, 'cliniko');

    // Assess
    expect(probe).toEqual({
      ok: true,
      location: sink.location,
      message: `output ${sink.location}: ok (a probe file written and removed)`,
    });
    await expect(readdir(sink.location)).resolves.toEqual([]);
  });

  it('a file where the folder should be: one line naming ENOTDIR, and a run stops with a ConfigError', async () => {
    // Prepare
    await writeFile(join(dir, 'taken'), 'not a folder');
    const sink = new LocalSink(join(dir, 'taken', 'out'));

    // Act
    const probe = await probeOutput(sink, 'welkin');
    const failure = await assertOutputUsable(sink, 'welkin').catch((error: Error) => error);

    // Assess
    expect(probe.ok).toBe(false);
    expect(probe.cause).toBe('ENOTDIR');
    expect(probe.message).toBe(
      `output ${sink.location}: write of a probe file failed: ENOTDIR — a file stands where the folder should be`,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toBe(probe.message);
  });
});
