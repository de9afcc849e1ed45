import { PipelineError } from '../errors.js';
import { currentFolder } from '../layout/index.js';
import type { FileEntry } from '../output/manifest.js';
import type { Sink } from '../output/sink.js';
import type { CurrentManifest } from './current-manifest.js';
import type { CompletedRun } from './pending-runs.js';
import { rawIdOf } from './record-id.js';
import type { SpillPartitions } from './spill-partitions.js';
import { storedLineBatches } from './stored-lines.js';

/** A stored record the current state cannot key: no retry fixes it. */
export class UnkeyedRecordError extends PipelineError {}

/** The key of the one record of a single-record resource (settings), which carries no id. */
const SINGLETON_ID = 'null';

/**
 * Streams the previous current state (input 0), alongside each run in turn (inputs 1..n), into the partitions. When a
 * full run follows, the previous state only needs its ids (to find what that run no longer lists).
 */
export async function spillInputs(
  sink: Sink,
  partitions: SpillPartitions,
  previous: CurrentManifest | undefined,
  runs: readonly CompletedRun[],
  key = 'id',
): Promise<void> {
  const idsOnly = runs.some((run) => run.manifest.mode === 'full');
  const spillRuns = async () => {
    for (const [index, run] of runs.entries())
      await spillFiles(sink, partitions, index + 1, run.folder, run.manifest.files, false, key);
  };
  // The previous state and the runs are read side by side: each mostly waits on its download and gunzip.
  // Adding is synchronous, so their entries interleave whole; the merge orders them by input.
  const spillPrevious = async () => {
    if (!previous) return;
    const folder = currentFolder(previous.source, previous.resource);
    await spillFiles(sink, partitions, 0, folder, previous.files, idsOnly, key);
  };
  // Both settle before anything else happens: a failed side must not leave the other writing into disposed files.
  const settled = await Promise.allSettled([spillPrevious(), spillRuns()]);
  for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
  await partitions.finish();
}

async function spillFiles(
  sink: Sink,
  partitions: SpillPartitions,
  seq: number,
  folder: string,
  files: readonly FileEntry[],
  idsOnly: boolean,
  key: string,
): Promise<void> {
  let unkeyed = 0;
  for (const file of files) {
    const where = `${folder}/${file.path}`;
    let lineNumber = 0;
    for await (const batch of storedLineBatches(sink, folder, file)) {
      for (const line of batch) {
        lineNumber += 1;
        const id = idOf(line, where, lineNumber, key);
        if (id === undefined) unkeyed += 1;
        if (unkeyed > 1)
          throw new UnkeyedRecordError(`${where}:${lineNumber}: a second record without an ${key}`);
        partitions.add(seq, id ?? SINGLETON_ID, idsOnly ? undefined : line);
      }
    }
  }
}

function idOf(line: string, where: string, lineNumber: number, key: string): string | undefined {
  try {
    return rawIdOf(line, where, key);
  } catch (error) {
    throw new UnkeyedRecordError(`${where}:${lineNumber}: not a JSON record`, { cause: error });
  }
}
