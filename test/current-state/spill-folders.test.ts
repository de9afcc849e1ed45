import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpillPartitions } from '../../shared/current-state/spill-partitions.js';

let parent: string;

beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), 'spill-parent-'));
});
afterEach(() => rm(parent, { recursive: true, force: true }));

/** A spill folder as a publish leaves it: ten partition files of patient lines. */
async function leftFolder(name: string, modifiedAt?: Date): Promise<void> {
  const folder = join(parent, name);
  await mkdir(folder);
  for (let i = 0; i < 10; i += 1)
    await writeFile(join(folder, `partition-${i}.tsv`), '1\t"p1"\t{"id":"p1"}\n');
  if (modifiedAt) await utimes(folder, modifiedAt, modifiedAt);
}

/** A real process id: of a child that runs (`keep`) or of one killed with SIGKILL. */
async function childPid(keep: boolean): Promise<{ pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  };
  if (!keep) await stop();
  return { pid: child.pid as number, stop };
}

describe('temp folders of the current-state step (issue 19, item 8)', () => {
  it('removes, at the next start, folders of killed processes and of an earlier runtime with the same pid', async () => {
    // Prepare
    const killed = await childPid(false);
    const running = await childPid(true);
    const beforeThisProcess = new Date(Date.now() - process.uptime() * 1000 - 60_000);
    await leftFolder(`current-state-${killed.pid}-aB3dE9`);
    await leftFolder(`current-state-${running.pid}-xY7wV2`);
    // A warm Lambda after a timeout: the new runtime may get the old one's pid; the folder predates it.
    await leftFolder(`current-state-${process.pid}-Qq1Ww2`, beforeThisProcess);
    await leftFolder('current-state-Zz9Yy8', new Date(Date.now() - 7 * 3600_000));
    await leftFolder('current-state-Aa1Bb2');

    // Act
    const partitions = await SpillPartitions.create(2, parent);
    const during = (await readdir(parent)).sort();
    await partitions.dispose();
    const after = (await readdir(parent)).sort();
    await running.stop();

    // Assess: a live process's folder, and a recent legacy one, are left alone.
    expect(during).toHaveLength(3);
    expect(during).toEqual(
      expect.arrayContaining([`current-state-${running.pid}-xY7wV2`, 'current-state-Aa1Bb2']),
    );
    expect(during.find((n) => n.startsWith(`current-state-${process.pid}-`))).toMatch(
      /^current-state-\d+-\w{6}$/,
    );
    expect(after).toEqual([`current-state-${running.pid}-xY7wV2`, 'current-state-Aa1Bb2'].sort());
  });

  it('keeps the folder another publish of this process is using', async () => {
    // Prepare
    const first = await SpillPartitions.create(1, parent);

    // Act
    const second = await SpillPartitions.create(1, parent);
    const both = await readdir(parent);
    await Promise.all([first.dispose(), second.dispose()]);

    // Assess
    expect(both).toHaveLength(2);
    expect(await readdir(parent)).toEqual([]);
  });
});

describe('a publish that fails part-way (issue 19, item 8)', () => {
  it('removes its spill folder, and the current state stays as it was', async () => {
    // Prepare: a completed run of 50 records stored in a folder; the current-state writes then fail.
    const { LocalSink } = await import('../../shared/output/local-sink.js');
    const { publishCurrentState } = await import('../../shared/current-state/publish-current-state.js');
    const out = await mkdtemp(join(tmpdir(), 'spill-out-'));
    const sink = new LocalSink(out);
    const folder = 'cliniko/patients/dt=2026-12-01/run=20261201T030000Z-abc123';
    const lines = Array.from(
      { length: 50 },
      (_, i) => `{"id":"${i + 1}","updated_at":"2026-12-01T00:00:00Z"}`,
    );
    await sink.putText(`${folder}/part-00000.ndjson`, `${lines.join('\n')}\n`);
    const { createHash } = await import('node:crypto');
    const bytes = Buffer.byteLength(`${lines.join('\n')}\n`);
    const sha256 = createHash('sha256')
      .update(`${lines.join('\n')}\n`)
      .digest('hex');
    const manifest = {
      source: 'cliniko',
      resource: 'patients',
      runId: '20261201T030000Z-abc123',
      mode: 'full' as const,
      startedAt: '2026-12-01T03:00:00.000Z',
      finishedAt: '2026-12-01T03:01:00.000Z',
      recordCount: 50,
      watermark: '2026-12-01T03:00:00.000Z',
      files: [{ path: 'part-00000.ndjson', recordCount: 50, bytes, sha256 }],
    };
    await sink.putText(`${folder}/_manifest.json`, JSON.stringify(manifest));
    const failing = Object.create(sink) as typeof sink;
    failing.openUpload = () => {
      throw new Error('disk gone');
    };

    // Act
    const failure = await publishCurrentState({
      sink: failing,
      source: 'cliniko',
      resource: 'patients',
      compress: false,
      maxPartBytes: 1 << 20,
      tempDir: parent,
      completed: { folder, manifest },
    }).then(
      () => undefined,
      (error: Error) => error,
    );

    // Assess
    expect(failure?.name).toBe('CurrentStateError');
    expect(await readdir(parent)).toEqual([]);
    expect(await sink.getText('cliniko/patients/current/_manifest.json')).toBeUndefined();
    await rm(out, { recursive: true, force: true });
  });
});
