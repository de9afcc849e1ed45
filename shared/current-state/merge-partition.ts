import { idValueOf } from './record-id.js';
import type { SpilledEntry } from './spill-partitions.js';

/** One input of a merge, by sequence number: 0 is the previous current state, then the runs in run order. */
export interface MergeInput {
  kind: 'previous' | 'full' | 'incremental';
  runId: string;
  startedAt: string;
  finishedAt: string;
}

export interface Tombstone {
  /** The id's JSON text as the API last wrote it (the spelling of the version that was live). */
  id: string;
  deletedAt: string;
  runId: string;
}

export interface PartitionOutcome<Line = string> {
  live: Line[];
  deleted: Tombstone[];
}

export interface MergeRules {
  inputs: readonly MergeInput[];
  /** Welkin deletion markers: id value (record-id.ts) -> when the record was found gone. */
  markers: ReadonlyMap<string, string>;
  /** The run whose publish applies the markers. */
  latest: MergeInput;
}

/**
 * The current state of one partition. The latest line of an id wins: from the latest input, and the later one within an input. An id
 * is gone when a later full run did not list it (detected by the first such run), or when a deletion marker
 * was pulled after the version we hold was read; otherwise its latest line is live. A line is whatever the
 * caller holds for it: the text, or where to read it (so a partition of big records costs no text).
 */
export function mergePartition<Line = string>(
  entries: Iterable<SpilledEntry<Line>>,
  rules: MergeRules,
): PartitionOutcome<Line> {
  // Keyed by the id's value, not its spelling: `1` then `"1"` is one record edited, not one gone and one new.
  const latest = new Map<string, SpilledEntry<Line>>();
  for (const entry of entries) {
    // Inputs are spilled side by side, so the higher input wins, not the later entry (within one input the
    // later entry wins: an input is spilled in its own order).
    const value = idValueOf(entry.id);
    const held = latest.get(value);
    if (held === undefined || held.seq <= entry.seq) latest.set(value, entry);
  }
  const fullRuns = rules.inputs.flatMap((input, seq) => (input.kind === 'full' ? [seq] : []));
  const outcome: PartitionOutcome<Line> = { live: [], deleted: [] };
  for (const [value, entry] of latest) {
    const { id } = entry;
    const detectedBy = fullRuns.find((seq) => seq > entry.seq);
    if (detectedBy !== undefined) {
      const run = rules.inputs[detectedBy] as MergeInput;
      outcome.deleted.push({ id, deletedAt: run.finishedAt, runId: run.runId });
      continue;
    }
    const markedAt = rules.markers.get(value);
    const readAt = (rules.inputs[entry.seq] as MergeInput).startedAt;
    if (markedAt !== undefined && (entry.seq === 0 || markedAt >= readAt)) {
      outcome.deleted.push({ id, deletedAt: markedAt, runId: rules.latest.runId });
      continue;
    }
    if (entry.line === undefined) throw new Error(`internal: id ${entry.seq} kept without its record`);
    outcome.live.push(entry.line);
  }
  return outcome;
}
