/**
 * Spills `ids` records of `recordBytes` bytes, each id twice (the second version wins), into ONE partition,
 * merges it and reads every winning line back. Run under a small --max-old-space-size: holding a partition's
 * text (here twice the heap) runs out of memory. Prints the outcome as one JSON line.
 */
import { createHash } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import { type MergeInput, mergePartition } from '../../shared/current-state/merge-partition.js';
import { SpillPartitions } from '../../shared/current-state/spill-partitions.js';

const [ids, recordBytes] = process.argv.slice(2).map(Number) as [number, number];
const input = (kind: MergeInput['kind'], n: number): MergeInput => ({
  kind,
  runId: `run-${n}`,
  startedAt: `2026-01-0${n}T00:00:00.000Z`,
  finishedAt: `2026-01-0${n}T01:00:00.000Z`,
});
const inputs = [input('previous', 1), input('incremental', 2), input('incremental', 3)];

/** A record of about `recordBytes` bytes; built per call so the probe itself holds no record for long. */
function record(id: number, version: number): string {
  const note = `v${version} é ${'x'.repeat(recordBytes)}`.slice(0, recordBytes);
  return `{"id":${id},"notes":"${note}"}`;
}

let heapPeak = 0;
const sample = () => {
  heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size);
};

const partitions = await SpillPartitions.create(1);
try {
  for (const version of [1, 2]) {
    for (let id = 1; id <= ids; id += 1) {
      partitions.add(version, String(id), record(id, version));
      if (id % 100 === 0) sample();
    }
  }
  await partitions.finish();
  const outcome = mergePartition(await partitions.entries(0), {
    inputs,
    markers: new Map(),
    latest: inputs[2] as MergeInput,
  });
  const got = createHash('sha256');
  const want = createHash('sha256');
  let lines = 0;
  for (const chunk of partitions.lineChunks(0, outcome.live, 1024 * 1024)) {
    got.update(chunk.bytes);
    lines += chunk.lines;
    sample();
  }
  for (let id = 1; id <= ids; id += 1) want.update(`${record(id, 2)}\n`);
  process.stdout.write(
    `${JSON.stringify({
      live: outcome.live.length,
      lines,
      byteExact: got.digest('hex') === want.digest('hex'),
      heapPeakMb: Math.round(heapPeak / 2 ** 20),
    })}\n`,
  );
} finally {
  await partitions.dispose();
}
