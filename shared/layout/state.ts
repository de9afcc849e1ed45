import { joinKey } from '../output/sink.js';
import { dayFolderName } from './runs.js';

/**
 * What the product keeps for itself, outside every data folder (names starting with `_` are skipped by Athena
 * and Hive): `_state/<source>/` (watermarks, pager memory, the check's probes) and `_failures/<source>/`.
 */
const STATE_ROOT = '_state';
const FAILURES_ROOT = '_failures';

/** `_state/<source>`: a source's state; its functions may write here, and temp files left in it are removed. */
export function stateFolder(source: string): string {
  return joinKey(STATE_ROOT, source);
}

/** `_state/<source>/<resource>.json`: a resource's watermark and last runs. */
export function stateKey(source: string, resource: string): string {
  return joinKey(stateFolder(source), `${resource}.json`);
}

/**
 * Objects a run keeps while it is continued across invocations (the pager's memory); removed when it ends.
 * Under the source's state folder, which its functions may already write, and outside every data folder.
 */
export function runMemoryFolder(source: string, resource: string, runId: string): string {
  return joinKey(stateFolder(source), 'runs', resource, runId);
}

/**
 * `_state/<source>/runs/<resource>/<runId>/emitted-<n>.json`: the pager's memory saved with the checkpoint at
 * `recordCount` records, one object per checkpoint so a retried invocation reads the memory matching its own.
 */
export function pagerMemoryKey(source: string, resource: string, runId: string, recordCount: number): string {
  return joinKey(runMemoryFolder(source, resource, runId), `emitted-${recordCount}.json`);
}

/** `_state/<source>/_check`: where `--check` writes, reads back and removes its probe object. */
export function checkFolder(source: string): string {
  return joinKey(stateFolder(source), '_check');
}

/** `_failures/<source>`: the clean-up records of stopped executions (their own lifecycle rule). */
export function failuresFolder(source?: string): string {
  return source === undefined ? FAILURES_ROOT : joinKey(FAILURES_ROOT, source);
}

/** `_failures/<source>/dt=<day it stopped>/<execution name>.json`: one stopped execution's clean-up record. */
export function failureKey(source: string, day: string, executionName: string): string {
  return joinKey(failuresFolder(source), dayFolderName(day), `${executionName}.json`);
}
