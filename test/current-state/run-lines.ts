import { rawIdOf } from '../../shared/current-state/record-id.js';
import { storedLines } from '../../shared/current-state/stored-lines.js';
import { manifestSchema } from '../../shared/output/manifest.js';
import type { Sink } from '../../shared/output/sink.js';

/** The lines of one completed run by raw id (each id once), checked against its manifest. */
export async function readRunLines(sink: Sink, manifestKey: string): Promise<Map<string, string>> {
  const manifest = manifestSchema.parse(JSON.parse((await sink.getText(manifestKey)) ?? ''));
  const folder = manifestKey.slice(0, -'/_manifest.json'.length);
  const lines = new Map<string, string>();
  for (const file of manifest.files) {
    for await (const line of storedLines(sink, folder, file)) {
      const id = rawIdOf(line) ?? 'null';
      if (lines.has(id)) throw new Error(`id ${id} twice in run ${manifest.runId}`);
      lines.set(id, line);
    }
  }
  return lines;
}
