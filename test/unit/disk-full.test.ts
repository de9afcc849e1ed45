import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Every file stream writes to /dev/full, which the kernel answers with ENOSPC: a real full disk.
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return { ...fs, createWriteStream: () => fs.createWriteStream('/dev/full') };
});

const { LocalSink } = await import('../../shared/output/local-sink.js');
const { describeError } = await import('../../shared/errors.js');

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'disk-full-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('a full disk (issue 19, item 10)', () => {
  it('keeps ENOSPC in the one-line error', async () => {
    // Prepare
    const upload = new LocalSink(root).openUpload('cliniko/patients/part-00000.ndjson.gz');

    // Act
    const failure = await (async () => {
      for (let i = 0; i < 64; i += 1) await upload.write(new Uint8Array(64 * 1024));
      await upload.finish();
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    await upload.abort();

    // Assess
    expect(failure).toMatchObject({ name: 'SinkError' });
    expect(describeError(failure)).toMatch(/^writing .*part-00000\.ndjson\.gz failed: .*ENOSPC/);
  });
});
