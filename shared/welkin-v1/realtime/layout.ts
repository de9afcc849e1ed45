import { joinKey } from '../../output/sink.js';

const day = (at: Date) => at.toISOString().slice(0, 10);

/** `welkin-v1-realtime/events/dt=YYYY-MM-DD/<dedupeKey>.json`: one accepted realtime notification (no jwt). */
export function realtimeEventKey(receivedAt: Date, dedupeKey: string): string {
  return joinKey('welkin-v1-realtime', 'events', `dt=${day(receivedAt)}`, `${dedupeKey}.json`);
}

/** `welkin-v1-realtime/subscriptions/<MessageId>.json`: an SNS subscription we confirmed. */
export function subscriptionKey(messageId: string): string {
  const safe = messageId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128);
  return joinKey('welkin-v1-realtime', 'subscriptions', `${safe}.json`);
}

/** `welkin-v1-changes/<resource>/dt=…/<dedupeKey>.ndjson`: the record a create/update notification pulled. */
export function realtimeChangeKey(resource: string, pulledAt: Date, dedupeKey: string): string {
  return joinKey('welkin-v1-changes', resource, `dt=${day(pulledAt)}`, `${dedupeKey}.ndjson`);
}

/**
 * `welkin-v1-deletions/<resource>/dt=…/<dedupeKey>.json`: a deletion marker, read by the next current-state
 * publish of that resource (shared/current-state/welkin-deletion-markers.ts), which tombstones the record.
 */
export function deletionMarkerKey(resource: string, at: Date, dedupeKey: string): string {
  return joinKey('welkin-v1-deletions', resource, `dt=${day(at)}`, `${dedupeKey}.json`);
}
