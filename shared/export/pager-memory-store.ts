import { SinkError } from '../errors.js';
import { pagerMemoryKey, runMemoryFolder } from '../layout/index.js';
import type { Sink } from '../output/sink.js';
import type { ResourceCheckpoint } from './checkpoint.js';
import type { ResourcePager } from './pager.js';

/** Hands a continuation the memory its previous invocation saved; a missing object cannot be guessed around. */
export async function loadPagerMemory(
  sink: Sink,
  pager: ResourcePager,
  checkpoint: ResourceCheckpoint | undefined,
): Promise<void> {
  const key = checkpoint?.memoryKey;
  if (!key || !pager.memory) return;
  const saved = await sink.getText(key);
  if (saved === undefined) {
    throw new SinkError(`the ids this run emitted so far are missing (${key}); start the run again`);
  }
  pager.memory.load(saved);
}

/**
 * Saves the pager's memory under a key of its own per checkpoint (named by the record count), so a retry of a
 * failed invocation still reads the memory that matches its checkpoint, not a later one.
 */
export async function savePagerMemory(
  sink: Sink,
  pager: ResourcePager,
  run: { source: string; resource: string; runId: string; recordCount: number },
): Promise<string | undefined> {
  const saved = pager.memory?.save();
  if (saved === undefined) return undefined;
  const key = pagerMemoryKey(run.source, run.resource, run.runId, run.recordCount);
  await sink.putText(key, saved, 'application/json');
  return key;
}

/** Once the run has ended (published or discarded), its memory objects go; a leftover only costs space. */
export async function removePagerMemory(
  sink: Sink,
  run: { source: string; resource: string; runId: string },
): Promise<void> {
  const keys = await sink.list(runMemoryFolder(run.source, run.resource, run.runId));
  await Promise.all(keys.map((key) => sink.delete(key)));
}
