/**
 * Every S3 key the product writes or reads, below the output prefix, named in one place: the Lambdas, the CLI,
 * and the stack's tables, grants and lifecycle rules build their keys and prefixes from these functions only
 * (test/unit/layout.test.ts pins one key per family and finds keys built by hand elsewhere).
 *
 * - runs.ts: `<source>/<resource>/dt=<day>/run=<runId>/part-NNNNN.ndjson.gz` and `_manifest.json`
 * - current.ts: `<source>/<resource>/current/` (versions, manifests, symlinks, `_schema.json`) and the
 *   tombstones `<source>/<resource>/deletions/dt=<day>/run=<runId>/`
 * - state.ts: `_state/<source>/` (watermarks, pager memory, check probes) and `_failures/<source>/`
 * - webhooks.ts: the webhook functions' folders (`welkin-events`, `welkin-changes`, `welkin-v1-*`)
 *
 * - bucket.ts: the default output prefix, Athena query results, access logs
 *
 * A per-account source (Cliniko) has all of its folders below `account=<name>/`.
 */
export * from './bucket.js';
export * from './current.js';
export * from './runs.js';
export * from './state.js';
export * from './webhooks.js';

/** `account=<name>`: the folder of one account of a per-account source, above its source folder. */
export function accountFolder(account: string): string {
  return `account=${account}`;
}
