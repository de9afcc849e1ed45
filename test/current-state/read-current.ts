import { gunzipSync } from 'node:zlib';
import { type CurrentManifest, currentManifestSchema } from '../../shared/current-state/current-manifest.js';
import { rawIdOf } from '../../shared/current-state/record-id.js';
import { storedLines } from '../../shared/current-state/stored-lines.js';
import { currentFolder, currentManifestKey } from '../../shared/layout/index.js';
import type { Sink } from '../../shared/output/sink.js';
import { joinKey } from '../../shared/output/sink.js';

export interface CurrentState {
  manifest: CurrentManifest;
  /** raw id -> line, checked: each id once, files matching the manifest byte for byte. */
  records: Map<string, string>;
}

/** The published current state as a reader following `_manifest.json` sees it. */
export async function readCurrent(
  sink: Sink,
  source: string,
  resource: string,
  key = 'id',
): Promise<CurrentState> {
  const text = await sink.getText(currentManifestKey(source, resource));
  if (text === undefined) throw new Error(`no current state for ${source}/${resource}`);
  const manifest = currentManifestSchema.parse(JSON.parse(text));
  const records = new Map<string, string>();
  for (const file of manifest.files) {
    for await (const line of storedLines(sink, currentFolder(source, resource), file)) {
      const id = rawIdOf(line, 'record', key) ?? 'null';
      if (records.has(id)) throw new Error(`id ${id} twice in the current state`);
      records.set(id, line);
    }
  }
  if (records.size !== manifest.recordCount) throw new Error('recordCount differs from the lines');
  return { manifest, records };
}

export interface TombstoneLine {
  id: string;
  deletedAt: string;
  runId: string;
  key: string;
}

/** Every tombstone line under `deletions/`, with the raw text of its id. */
export async function readTombstones(sink: Sink, source: string, resource: string): Promise<TombstoneLine[]> {
  const folder = joinKey(source, resource, 'deletions');
  const tombstones: TombstoneLine[] = [];
  for (const key of await sink.list(folder)) {
    const body = await sink.openRead(key);
    const chunks: Buffer[] = [];
    for await (const chunk of body ?? []) chunks.push(Buffer.from(chunk));
    const text = key.endsWith('.gz')
      ? gunzipSync(Buffer.concat(chunks)).toString('utf8')
      : Buffer.concat(chunks).toString();
    for (const line of text.split('\n').filter(Boolean)) {
      const parsed = JSON.parse(line) as { _deleted_at: string; _run_id: string };
      expectKeys(line);
      tombstones.push({
        id: rawIdOf(line) as string,
        deletedAt: parsed._deleted_at,
        runId: parsed._run_id,
        key,
      });
    }
  }
  return tombstones;
}

function expectKeys(line: string): void {
  const keys = Object.keys(JSON.parse(line) as object);
  if (keys.join(',') !== 'id,_deleted_at,_run_id') throw new Error(`tombstone keys: ${keys.join(',')}`);
}
