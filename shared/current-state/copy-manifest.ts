import type { FileEntry } from '../output/manifest.js';
import type { Sink } from '../output/sink.js';
import { joinKey } from '../output/sink.js';
import { objectUrl } from './object-url.js';

export interface CopyManifest {
  entries: { url: string; mandatory: true; meta: { content_length: number } }[];
}

/**
 * Redshift's `COPY … MANIFEST` format for the files of a folder. `mandatory` makes COPY fail rather than load
 * a snapshot with a file missing; `content_length` is required by COPY for some formats and lets it check.
 */
export function copyManifestOf(sink: Sink, folder: string, files: readonly FileEntry[]): CopyManifest {
  return {
    entries: files.map((file) => ({
      url: objectUrl(sink, joinKey(folder, file.path)),
      mandatory: true,
      meta: { content_length: file.bytes },
    })),
  };
}

/** Athena's symlink file: one absolute URL per line. */
export function symlinkTextOf(sink: Sink, folder: string, files: readonly FileEntry[]): string {
  return files.map((file) => `${objectUrl(sink, joinKey(folder, file.path))}\n`).join('');
}
