import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isRunning } from '../output/temp-files.js';

/** `current-state-<pid>-XXXXXX`: the process that made it is in the name. */
const OWNED = /^current-state-(\d+)-[A-Za-z0-9]{6}$/;
/** Earlier versions named the folder without its owner. */
const LEGACY = /^current-state-[A-Za-z0-9]{6}$/;
/** A legacy folder older than this is abandoned: no publish takes that long. */
const LEGACY_STALE_MS = 6 * 3600_000;

/**
 * A new spill folder under `parent`, after removing the ones killed processes left there. The spill files hold
 * whole patient records; a SIGKILL or a Lambda timeout skips every `finally`, and Lambda's `/tmp` survives into
 * the next (warm) invocation.
 */
export async function makeSpillFolder(parent: string): Promise<string> {
  await removeStaleSpillFolders(parent);
  return mkdtemp(join(parent, `current-state-${process.pid}-`));
}

/**
 * Removes spill folders no live publish can be using: a folder of a process that no longer runs; one named with
 * this process's id but older than this process (Lambda restarts a timed-out runtime, and the new process may
 * get the same id); a legacy one older than six hours. Returns the names removed.
 */
export async function removeStaleSpillFolders(parent: string, now = Date.now()): Promise<string[]> {
  const startedAt = now - process.uptime() * 1000;
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith('current-state-')) continue;
    const path = join(parent, name);
    const modified = await stat(path).then(
      (s) => (s.isDirectory() ? s.mtimeMs : undefined),
      () => undefined,
    );
    if (modified === undefined) continue;
    const owner = OWNED.exec(name)?.[1];
    const stale =
      owner === undefined
        ? LEGACY.test(name) && now - modified > LEGACY_STALE_MS
        : Number(owner) === process.pid
          ? modified < startedAt
          : !isRunning(Number(owner));
    if (!stale) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
