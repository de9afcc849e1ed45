import { ConfigError, SinkError } from '../errors.js';
import { isRunPartName, manifestKey, runFolder, runMemoryFolder } from '../layout/index.js';
import { joinKey, type Sink } from '../output/sink.js';
import type { RunCheckpoint } from './run-export.js';

/** Resource names and run ids are single path segments; `..` or a slash would point outside the run folder. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const STARTED_AT = /^\d{4}-\d{2}-\d{2}T/;
const DELETES_AT_ONCE = 8;

export interface DiscardOutcome {
  /** Part objects deleted (deleting a key that is already gone counts too: the call is idempotent). */
  discarded: number;
}

/**
 * Removes the parts of runs that will never get a manifest (the orchestrator gave up on them), so tables
 * that read whole `dt=` folders do not show their rows. Every key is checked before anything is deleted.
 * A run whose manifest exists is complete and is left alone; besides the parts the checkpoint lists, parts
 * under the run folder that it does not list (written by an invocation that timed out before it could
 * clean up) go too.
 */
export async function discardRun(
  sink: Sink,
  checkpoint: RunCheckpoint,
  expectedSource: string,
): Promise<DiscardOutcome> {
  const runs = runsToDiscard(checkpoint, expectedSource);
  const keys = new Set<string>();
  for (const run of runs) {
    if ((await sink.getText(manifestKey(run.folder))) !== undefined) continue;
    for (const key of run.keys) keys.add(key);
    for (const key of await sink.list(run.folder)) {
      if (isRunPartName(key.slice(run.folder.length + 1))) keys.add(key);
    }
    // The pager memory saved for its continuations is of no use once the run is given up.
    if (run.memoryFolder) for (const key of await sink.list(run.memoryFolder)) keys.add(key);
  }
  await deleteAll(sink, [...keys]);
  return { discarded: keys.size };
}

function runsToDiscard(
  checkpoint: RunCheckpoint,
  expectedSource: string,
): Array<{ folder: string; memoryFolder?: string; keys: string[] }> {
  if (checkpoint.source !== expectedSource) {
    throw new ConfigError(`discard: checkpoint is for source ${checkpoint.source}, not ${expectedSource}`);
  }
  const runs: Array<{ folder: string; memoryFolder?: string; keys: string[] }> = [];
  for (const item of checkpoint.pending) {
    const run = item.checkpoint;
    if (!run) continue;
    if (run.resource !== item.resource) {
      throw new ConfigError(`discard: checkpoint for ${run.resource} was filed under ${item.resource}`);
    }
    if (!SEGMENT.test(run.resource) || !SEGMENT.test(run.runId) || !STARTED_AT.test(run.startedAt)) {
      throw new ConfigError(`discard: ${item.resource}: resource, runId or startedAt is not a plain value`);
    }
    const folder = runFolder(checkpoint.source, run.resource, run.startedAt, run.runId);
    const keys = run.files.map((file) => {
      // Only names the part writer produces: a crafted event must not reach a manifest, a state file or a sibling.
      if (!isRunPartName(file.path)) {
        throw new ConfigError(
          `discard: ${item.resource}: ${JSON.stringify(file.path.slice(0, 80))} is not a part file name`,
        );
      }
      return joinKey(folder, file.path);
    });
    const memoryFolder = run.memoryKey
      ? runMemoryFolder(checkpoint.source, run.resource, run.runId)
      : undefined;
    runs.push({ folder, memoryFolder, keys });
  }
  return runs;
}

/** A few deletes at a time; one failing key does not stop the others, and the first failure is reported. */
async function deleteAll(sink: Sink, keys: string[]): Promise<void> {
  const failures: unknown[] = [];
  for (let start = 0; start < keys.length; start += DELETES_AT_ONCE) {
    const batch = keys.slice(start, start + DELETES_AT_ONCE);
    const settled = await Promise.allSettled(batch.map((key) => sink.delete(key)));
    for (const outcome of settled) if (outcome.status === 'rejected') failures.push(outcome.reason);
  }
  if (failures.length === 0) return;
  const first = failures[0];
  if (failures.length === 1 && first instanceof SinkError) throw first;
  throw new SinkError(
    `discard: ${failures.length} of ${keys.length} deletes failed; first: ${first instanceof Error ? first.message : String(first)}`,
    { cause: first },
  );
}
