import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExportCli } from '../../scripts/export.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'out-file-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function cli(out: string) {
  const err: string[] = [];
  const env = {
    CLINIKO_API_KEY: 'any-key-au1',
    CLINIKO_USER_AGENT: 'Clinic Pipe Tests (tests@example.com)',
    CLINIKO_BASE_URL: 'http://127.0.0.1:9/v1',
  };
  const code = await runExportCli(['cliniko', '--out', out, '--resources', 'patients'], {
    env,
    err: (line: string) => err.push(line),
    out: () => undefined,
  });
  return { code, err };
}

describe('--out naming a file (issue 19, item 10)', () => {
  it('is refused with one clear line before anything is contacted', async () => {
    // Prepare
    const file = join(dir, 'export.ndjson');
    await writeFile(file, 'not a folder');

    // Act
    const direct = await cli(file);
    const below = await cli(join(file, 'sub'));

    // Assess
    expect(direct.code).toBe(2);
    expect(direct.err).toHaveLength(1);
    expect(direct.err[0]).toMatch(/--out.*export\.ndjson" is a file, not a folder.*name a folder/);
    expect(direct.err.join('\n')).not.toContain('ENOTDIR');
    expect(below.err).toEqual([expect.stringMatching(/is inside the file .*export\.ndjson, not a folder/)]);
  });
});
