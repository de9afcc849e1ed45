import { describe, expect, it } from 'vitest';
import { type MergeInput, mergePartition } from '../../shared/current-state/merge-partition.js';
import type { SpilledEntry } from '../../shared/current-state/spill-partitions.js';

const input = (kind: MergeInput['kind'], n: number): MergeInput => ({
  kind,
  runId: `run-${n}`,
  startedAt: `2026-01-0${n}T00:00:00.000Z`,
  finishedAt: `2026-01-0${n}T01:00:00.000Z`,
});

function entries(list: SpilledEntry[]): Iterable<SpilledEntry> {
  return list;
}

const entry = (seq: number, id: string, line: string | undefined = `${id}@${seq}`): SpilledEntry => ({
  seq,
  id,
  line,
});

describe('mergePartition', () => {
  it('keeps the latest line of each id and tombstones ids a later full run no longer lists', async () => {
    // Prepare: previous state (ids only), an incremental, then a full run.
    const inputs = [input('previous', 1), input('incremental', 2), input('full', 3)];
    const spilled = [entry(0, '1', undefined), entry(0, '2', undefined), entry(0, '3', undefined)];
    spilled.push(entry(1, '2'), entry(1, '4'), entry(2, '1'), entry(2, '5'));

    // Act
    const outcome = mergePartition(entries(spilled), {
      inputs,
      markers: new Map(),
      latest: inputs[2] as MergeInput,
    });

    // Assess: 2 and 3 (and 4, seen only in the incremental) are gone, detected by the full run.
    expect(outcome.live.sort()).toEqual(['1@2', '5@2']);
    expect(outcome.deleted.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: '2', deletedAt: '2026-01-03T01:00:00.000Z', runId: 'run-3' },
      { id: '3', deletedAt: '2026-01-03T01:00:00.000Z', runId: 'run-3' },
      { id: '4', deletedAt: '2026-01-03T01:00:00.000Z', runId: 'run-3' },
    ]);
  });

  it('never deletes on incremental runs and merges their rows over the previous state', async () => {
    // Prepare
    const inputs = [input('previous', 1), input('incremental', 2)];
    const spilled = [entry(0, '1'), entry(0, '2'), entry(1, '2'), entry(1, '3')];

    // Act
    const outcome = mergePartition(entries(spilled), {
      inputs,
      markers: new Map(),
      latest: inputs[1] as MergeInput,
    });

    // Assess
    expect(outcome.live.sort()).toEqual(['1@0', '2@1', '3@1']);
    expect(outcome.deleted).toEqual([]);
  });

  it('applies a deletion marker only when it was pulled after the version held was read', async () => {
    // Prepare: "a" read by run 2 (started Jan 2) and marked gone on Jan 3; "b" re-read by run 2 after a Jan 1 marker.
    const inputs = [input('previous', 1), input('incremental', 2)];
    const spilled = [entry(0, 'a'), entry(0, 'b'), entry(0, 'c'), entry(1, 'a'), entry(1, 'b')];
    const markers = new Map([
      ['a', '2026-01-03T00:00:00.000Z'],
      ['b', '2026-01-01T12:00:00.000Z'],
      ['c', '2026-01-01T12:00:00.000Z'],
    ]);

    // Act
    const outcome = mergePartition(entries(spilled), {
      inputs,
      markers,
      latest: inputs[1] as MergeInput,
    });

    // Assess: "c" from the previous state is gone too; "b" is live again in run 2.
    expect(outcome.live).toEqual(['b@1']);
    expect(outcome.deleted.map((item) => [item.id, item.deletedAt, item.runId])).toEqual([
      ['a', '2026-01-03T00:00:00.000Z', 'run-2'],
      ['c', '2026-01-01T12:00:00.000Z', 'run-2'],
    ]);
  });

  it('lets the latest input win when inputs were spilled side by side', async () => {
    // Prepare: the previous state's entries interleaved after the run's, and one id twice in the run.
    const inputs = [input('previous', 1), input('incremental', 2)];
    const spilled = [entry(1, '1'), entry(1, '2', '2@1a'), entry(0, '1'), entry(0, '2'), entry(0, '3')];
    spilled.push(entry(1, '2', '2@1b'));

    // Act
    const outcome = mergePartition(entries(spilled), {
      inputs,
      markers: new Map(),
      latest: inputs[1] as MergeInput,
    });

    // Assess
    expect(outcome.live.sort()).toEqual(['1@1', '2@1b', '3@0']);
  });

  it('compares ids by value: a switch from number to string ids neither tombstones nor doubles', async () => {
    // Prepare: the previous state spelled ids as numbers; the runs after it send the same ids as strings.
    const previous = [entry(0, '1', undefined), entry(0, '2', undefined), entry(0, '3', undefined)];
    const full = [input('previous', 1), input('full', 2)];
    const incremental = [input('previous', 1), input('incremental', 2)];

    // Act
    const afterFull = mergePartition(entries([...previous, entry(1, '"1"'), entry(1, '"2"')]), {
      inputs: full,
      markers: new Map(),
      latest: full[1] as MergeInput,
    });
    const afterIncremental = mergePartition(
      entries([entry(0, '1'), entry(0, '2'), entry(1, '"2"'), entry(1, '"4"')]),
      { inputs: incremental, markers: new Map(), latest: incremental[1] as MergeInput },
    );

    // Assess: only 3 is gone, tombstoned as it was last spelled; the string lines win, one per id.
    expect(afterFull.live.sort()).toEqual(['"1"@1', '"2"@1']);
    expect(afterFull.deleted.map((item) => item.id)).toEqual(['3']);
    expect(afterIncremental.live.sort()).toEqual(['"2"@1', '"4"@1', '1@0']);
    expect(afterIncremental.deleted).toEqual([]);
  });

  it('keeps other spellings apart: "01", " 1" and 1.0 are not the id 1', async () => {
    // Prepare
    const inputs = [input('previous', 1), input('incremental', 2)];
    const spilled = [entry(0, '1'), entry(1, '"01"'), entry(1, '" 1"'), entry(1, '1.0'), entry(1, '"1.0"')];

    // Act
    const outcome = mergePartition(entries(spilled), {
      inputs,
      markers: new Map(),
      latest: inputs[1] as MergeInput,
    });

    // Assess: 1.0 and "1.0" share their text, so they are one id (the later line wins).
    expect(outcome.live.sort()).toEqual(['" 1"@1', '"01"@1', '"1.0"@1', '1@0']);
  });

  it('applies a deletion marker (a string id) to a record whose id is the same value', async () => {
    // Prepare
    const inputs = [input('previous', 1), input('incremental', 2)];
    const markers = new Map([['7', '2026-01-03T00:00:00.000Z']]);

    // Act
    const outcome = mergePartition(entries([entry(0, '7'), entry(0, '8')]), {
      inputs,
      markers,
      latest: inputs[1] as MergeInput,
    });

    // Assess
    expect(outcome.live).toEqual(['8@0']);
    expect(outcome.deleted.map((item) => item.id)).toEqual(['7']);
  });
});
