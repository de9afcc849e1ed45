import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';

/**
 * Temp files are hidden, carry no `.ndjson` in their name (so `*.ndjson*` globs, as DuckDB and Athena use them,
 * never match one) and name the process writing them, so a later run can tell an abandoned one from one that
 * a live process is still writing.
 */
const TEMP = /^\.tmp-(\d+)-[0-9a-f-]{36}\.partial$/;
/** Earlier versions named temp files `<target>.<uuid>.partial`, without an owner. */
const LEGACY_TEMP = /\.[0-9a-f-]{36}\.partial$/;
/** A legacy temp file older than this is abandoned: no write takes that long between two chunks. */
const LEGACY_STALE_MS = 60 * 60_000;

export function tempPathFor(target: string): string {
  return join(dirname(target), `.tmp-${process.pid}-${randomUUID()}.partial`);
}

export function isTempName(name: string): boolean {
  return TEMP.test(name) || LEGACY_TEMP.test(name);
}

/** Whether a temp file was left behind by a process that no longer runs (or an old one, long ago). */
export function isAbandonedTemp(name: string, modifiedMs: number, now = Date.now()): boolean {
  const owner = TEMP.exec(name)?.[1];
  if (owner === undefined) return LEGACY_TEMP.test(name) && now - modifiedMs > LEGACY_STALE_MS;
  const pid = Number(owner);
  return pid !== process.pid && !isRunning(pid);
}

/** Whether a process with this id exists (on this machine, in this container). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
