import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LocalSink } from '../../shared/output/local-sink.js';
import { type Manifest, manifestSchema } from '../../shared/output/manifest.js';

export interface ResourceOutput {
  manifest: Manifest;
  folder: string;
  lines: string[];
}

/** Every completed run of one resource in a local output folder, with its lines, verified against its manifest. */
export async function readRuns(root: string, source: string, resource: string): Promise<ResourceOutput[]> {
  const sink = new LocalSink(root);
  const keys = await sink.list(`${source}/${resource}`);
  const runs: ResourceOutput[] = [];
  // Run folders only: the current state and tombstones live beside them under the same resource folder.
  for (const key of keys.filter((name) => /\/run=[^/]+\/_manifest\.json$/.test(name))) {
    const folder = key.slice(0, -'/_manifest.json'.length);
    const manifest = manifestSchema.parse(JSON.parse((await sink.getText(key)) ?? ''));
    const lines: string[] = [];
    for (const file of manifest.files) {
      const stored = await readFile(join(root, folder, file.path));
      if (createHash('sha256').update(stored).digest('hex') !== file.sha256)
        throw new Error(`sha256 mismatch: ${file.path}`);
      if (stored.length !== file.bytes) throw new Error(`byte count mismatch: ${file.path}`);
      const text = file.path.endsWith('.gz') ? gunzipSync(stored).toString('utf8') : stored.toString('utf8');
      const fileLines = text.split('\n').filter((line) => line.length > 0);
      if (fileLines.length !== file.recordCount) throw new Error(`record count mismatch: ${file.path}`);
      lines.push(...fileLines);
    }
    runs.push({ manifest, folder, lines });
  }
  return runs;
}

/** The id of an NDJSON line, read from the raw text so 64-bit digits are not rounded. */
export function idOfLine(line: string): string {
  // A quoted id (Welkin UUIDs, which may start with digits) or a bare number (Cliniko's 64-bit ids).
  const match = /"id":\s*(?:"([^"]+)"|(\d+))/.exec(line);
  const id = match?.[1] ?? match?.[2];
  if (!id) throw new Error('line has no id');
  return id;
}
