import { SinkError } from '../errors.js';
import { folderOfManifest, parseRunManifestKey, resourceFolder, runDayFolder } from '../layout/index.js';
import { type Manifest, manifestSchema } from '../output/manifest.js';
import type { Sink } from '../output/sink.js';

export interface CompletedRun {
  folder: string;
  manifest: Manifest;
}

/** Listing day by day is cheaper than listing every run ever kept, up to about two months of days. */
const MAX_DAYS_LISTED = 62;
const DAY_MS = 86_400_000;
/** `YYYYMMDDTHHMMSSZ` at the start of every run id. */
const STAMP_LENGTH = 16;

/**
 * Completed runs (those with a manifest) of a resource started after `after`, oldest first, ordered by
 * start time then run id (run ids carry whole seconds only, so they alone do not order two runs started in
 * one second). More than one comes back when an earlier publish of the current state failed, so its rows
 * are merged now instead of lost.
 */
export async function completedRunsAfter(
  sink: Sink,
  source: string,
  resource: string,
  after: { runId: string; startedAt: string } | undefined,
  today: Date,
): Promise<CompletedRun[]> {
  const keys = await manifestKeys(sink, source, resource, after?.startedAt, today);
  const runs: CompletedRun[] = [];
  for (const key of keys) {
    const runId = parseRunManifestKey(key)?.runId;
    // The id's leading time stamp is the start to the second: older runs are skipped without a read.
    if (!runId || (after && runId.slice(0, STAMP_LENGTH) < after.runId.slice(0, STAMP_LENGTH))) continue;
    const text = await sink.getText(key);
    if (text === undefined) continue;
    const parsed = manifestSchema.safeParse(safeJson(text));
    if (!parsed.success || parsed.data.source !== source || parsed.data.resource !== resource)
      throw new SinkError(
        `${source}/${resource}: ${sink.location}/${key} is not a run manifest of ${source}/${resource} (truncated or edited); restore its previous version (the bucket is versioned), or delete that run folder and run a full export`,
      );
    if (after && compareStart(parsed.data, after) <= 0) continue;
    runs.push({ folder: folderOfManifest(key), manifest: parsed.data });
  }
  return runs.sort((a, b) => compareStart(a.manifest, b.manifest));
}

function compareStart(
  a: { startedAt: string; runId: string },
  b: { startedAt: string; runId: string },
): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? -1 : 1;
  return a.runId === b.runId ? 0 : a.runId < b.runId ? -1 : 1;
}

async function manifestKeys(
  sink: Sink,
  source: string,
  resource: string,
  fromStartedAt: string | undefined,
  today: Date,
): Promise<string[]> {
  const base = resourceFolder(source, resource);
  const isRunManifest = (key: string) => parseRunManifestKey(key) !== undefined;
  const from = fromStartedAt ? Date.parse(`${fromStartedAt.slice(0, 10)}T00:00:00Z`) : Number.NaN;
  const days = Math.floor((today.getTime() - from) / DAY_MS) + 1;
  if (!(days > 0 && days <= MAX_DAYS_LISTED)) return (await sink.list(base)).filter(isRunManifest);
  const keys: string[] = [];
  for (let day = 0; day < days; day += 1) {
    const dt = new Date(from + day * DAY_MS).toISOString().slice(0, 10);
    keys.push(...(await sink.list(runDayFolder(source, resource, dt))).filter(isRunManifest));
  }
  return keys;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
