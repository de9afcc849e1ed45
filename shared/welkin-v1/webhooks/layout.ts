import { joinKey } from '../../output/sink.js';

function day(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** `welkin-v1-events/dt=YYYY-MM-DD/<dedupeKey>.json`: one accepted notification, as received. */
export function v1EventKey(receivedAt: Date, dedupeKey: string): string {
  return joinKey('welkin-v1-events', `dt=${day(receivedAt)}`, `${dedupeKey}.json`);
}

/**
 * `welkin-v1-changes/<resource>/dt=YYYY-MM-DD/<dedupeKey>-<entry>.ndjson`: the records pulled for one entry of
 * one notification. `resource` is a name from the resource table, so it is a safe path segment.
 */
export function v1ChangeKey(resource: string, pulledAt: Date, dedupeKey: string, entry: number): string {
  return joinKey('welkin-v1-changes', resource, `dt=${day(pulledAt)}`, `${dedupeKey}-${entry}.ndjson`);
}
