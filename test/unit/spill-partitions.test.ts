import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type LineRef,
  type SpilledEntry,
  SpillPartitions,
} from '../../shared/current-state/spill-partitions.js';

const PROBE = fileURLToPath(new URL('../support/big-record-spill-probe.ts', import.meta.url));

/** Runs the probe in its own Node with a small heap; resolves with its exit code and stdout. */
function runProbe(
  heapMb: number,
  ids: number,
  recordBytes: number,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const args = [
      `--max-old-space-size=${heapMb}`,
      '--import',
      'tsx',
      PROBE,
      String(ids),
      String(recordBytes),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => resolve({ code, out: out.trim() }));
  });
}

let partitions: SpillPartitions | undefined;
afterEach(async () => {
  await partitions?.dispose();
  partitions = undefined;
});

describe('SpillPartitions', () => {
  it('holds a partition as ids and offsets and reads each line back byte for byte', async () => {
    // Prepare: a 300 KB line (bigger than any buffer or read window), multi-byte text, an id-only entry.
    partitions = await SpillPartitions.create(1);
    const big = `{"id":1,"notes":"${'é'.repeat(150_000)}"}`;
    const lines = [big, '{"id":"ü-2","a":"\\t"}', undefined, '{"id":3}'];
    const ids = ['1', '"ü-2"', '3', '3'];
    for (const [at, line] of lines.entries()) partitions.add(at, ids[at] as string, line);
    await partitions.finish();

    // Act
    const entries: SpilledEntry<LineRef>[] = partitions.entries(0);
    const refs = entries.flatMap((entry) => (entry.line ? [entry.line] : []));
    // Refs given out of order, and chunks smaller than a line: lines still come out whole, in file order.
    const chunks = [...partitions.lineChunks(0, refs.reverse(), 64)];

    // Assess: no entry carries text; every line comes back exactly as added, in order.
    expect(entries.map((entry) => [entry.seq, entry.id])).toEqual(ids.map((id, at) => [at, id]));
    expect(entries.every((entry) => entry.line === undefined || typeof entry.line === 'object')).toBe(true);
    expect(entries[0]?.line?.length).toBe(Buffer.byteLength(big));
    const text = Buffer.concat(chunks.map((chunk) => chunk.bytes)).toString('utf8');
    expect(text).toBe(`${[big, lines[1], lines[3]].join('\n')}\n`);
    expect(chunks.reduce((sum, chunk) => sum + chunk.lines, 0)).toBe(3);
  });

  it('merges 80 MB of 40 KB records in one partition within a 32 MB heap', async () => {
    // Prepare: 1,000 ids spilled twice at 40 KB each, so the partition holds 80 MB of text.

    // Act
    const { code, out } = await runProbe(32, 1_000, 40_000);

    // Assess: the child did not run out of memory, kept the latest version of each id, byte for byte.
    expect(code).toBe(0);
    const report = JSON.parse(out) as { live: number; byteExact: boolean; heapPeakMb: number };
    expect(report).toMatchObject({ live: 1_000, lines: 1_000, byteExact: true });
    expect(report.heapPeakMb).toBeLessThan(24);
  });
});
