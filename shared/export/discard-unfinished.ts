import { SinkError } from '../errors.js';
import { isRunPartName, MANIFEST_NAME, runDayFolder, runEntryOf } from '../layout/index.js';
import type { Sink } from '../output/sink.js';

/** `run=20261201T083000Z-a1b2c3`: the run id starts with its start time, to the second. */
const RUN_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[0-9a-f]+$/;
const DAY_MS = 86_400_000;
const DELETES_AT_ONCE = 8;

export interface UnfinishedRunWindow {
  readonly source: string;
  readonly resources: readonly string[];
  /** The stopped execution's start and stop: runs started in between were its own. */
  readonly from: Date;
  readonly to: Date;
}

export interface DiscardedRun {
  readonly resource: string;
  readonly runId: string;
  readonly parts: number;
}

/** When a run id says its run started; undefined for anything that is not a run id. */
export function runStartOf(runId: string): Date | undefined {
  const m = RUN_ID.exec(runId);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

/** The days (UTC) whose run folders a run started between `from` and `to` can be in. */
function daysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (
    let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    t <= to.getTime();
    t += DAY_MS
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Deletes the parts of runs a stopped execution started and never finished (no `_manifest.json`). Works from the
 * layout alone, because an aborted or timed-out execution leaves no checkpoint behind: a run belongs to the
 * execution when its id's start time lies inside the execution's lifetime, which the one-execution-at-a-time
 * lease makes unambiguous. Finished runs, manifests and anything that is not a part file are never touched.
 */
export async function discardUnfinishedRuns(
  sink: Sink,
  window: UnfinishedRunWindow,
): Promise<DiscardedRun[]> {
  // Run ids keep whole seconds only: a run started in the execution's first second reads as slightly earlier.
  const from = new Date(Math.floor(window.from.getTime() / 1000) * 1000);
  const discarded: DiscardedRun[] = [];
  for (const resource of window.resources) {
    for (const day of daysBetween(from, window.to)) {
      const folder = runDayFolder(window.source, resource, day);
      discarded.push(...(await discardInFolder(sink, folder, resource, from, window.to)));
    }
  }
  return discarded;
}

async function discardInFolder(
  sink: Sink,
  folder: string,
  resource: string,
  from: Date,
  to: Date,
): Promise<DiscardedRun[]> {
  const runs = new Map<string, { parts: string[]; finished: boolean }>();
  for (const key of await sink.list(folder)) {
    const entry = runEntryOf(folder, key);
    if (!entry) continue;
    const { runId, name } = entry;
    const started = runStartOf(runId);
    if (!started || started < from || started > to) continue;
    const run = runs.get(runId) ?? { parts: [], finished: false };
    if (name === MANIFEST_NAME) run.finished = true;
    else if (isRunPartName(name)) run.parts.push(key);
    runs.set(runId, run);
  }
  const discarded: DiscardedRun[] = [];
  for (const [runId, run] of runs) {
    if (run.finished || run.parts.length === 0) continue;
    await deleteAll(sink, run.parts);
    discarded.push({ resource, runId, parts: run.parts.length });
  }
  return discarded;
}

/** A few deletes at a time; one failing key does not stop the others, and the first failure is reported. */
async function deleteAll(sink: Sink, keys: readonly string[]): Promise<void> {
  const failed: unknown[] = [];
  for (let start = 0; start < keys.length; start += DELETES_AT_ONCE) {
    const batch = keys.slice(start, start + DELETES_AT_ONCE);
    const settled = await Promise.allSettled(batch.map((key) => sink.delete(key)));
    for (const outcome of settled) if (outcome.status === 'rejected') failed.push(outcome.reason);
  }
  if (failed.length === 0) return;
  const first = failed[0];
  throw new SinkError(
    `discard: ${failed.length} of ${keys.length} deletes failed; first: ${first instanceof Error ? first.message : String(first)}`,
    { cause: first },
  );
}
