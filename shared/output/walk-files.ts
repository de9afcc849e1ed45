import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Calls `visit` for every file under `dir`, depth first, one at a time (so a visitor may delete what it is
 * given). A folder that does not exist holds no files: a prefix nothing was written under is not an error.
 */
export async function walkFiles(
  dir: string,
  visit: (path: string, name: string) => Promise<void> | void,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walkFiles(full, visit);
    else await visit(full, entry.name);
  }
}
