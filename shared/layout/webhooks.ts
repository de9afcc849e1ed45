import { joinKey } from '../output/sink.js';
import { dayFolderName } from './runs.js';

/**
 * The webhook functions' folders, below the output prefix beside the source folders. Every one is
 * day-foldered (`dt=YYYY-MM-DD`), so the same Glue tables and lifecycle rules cover them.
 */
export const WEBHOOK_FOLDERS = {
  /** Welkin V8: accepted notices. */
  welkinEvents: 'welkin-events',
  /** Welkin V8: records pulled per notice, and deletion markers, per entity. */
  welkinChanges: 'welkin-changes',
  /** Welkin v1: accepted legacy notifications. */
  v1Events: 'welkin-v1-events',
  /** Welkin v1: records pulled per notified window, per resource. */
  v1Changes: 'welkin-v1-changes',
  /** Welkin v1 realtime: accepted notifications and confirmed SNS subscriptions. */
  v1Realtime: 'welkin-v1-realtime',
  /** Welkin v1 realtime: deletion markers per resource, read by the current-state publish. */
  v1Deletions: 'welkin-v1-deletions',
} as const;

/** Safe as one path segment: upper/lower letters, digits, `_` and `-` only. */
const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

const day = (at: Date) => at.toISOString().slice(0, 10);

/** `welkin-events/dt=YYYY-MM-DD/<dedupeKey>.json`: one accepted notice. */
export function eventKey(eventDate: Date, dedupeKey: string): string {
  return joinKey(WEBHOOK_FOLDERS.welkinEvents, dayFolderName(day(eventDate)), `${dedupeKey}.json`);
}

/** `welkin-changes/<entity>`: the records pulled for one entity's notices (entity lowercased). */
export function welkinChangesFolder(entity: string): string {
  return joinKey(
    WEBHOOK_FOLDERS.welkinChanges,
    SEGMENT.test(entity) ? entity.toLowerCase() : 'unknown-entity',
  );
}

/** `welkin-changes/<entity>/dt=YYYY-MM-DD/<dedupeKey>.ndjson`: the record pulled for one notice. */
export function changeKey(entity: string, pulledAt: Date, dedupeKey: string): string {
  return joinKey(welkinChangesFolder(entity), dayFolderName(day(pulledAt)), `${dedupeKey}.ndjson`);
}

/** `welkin-v1-events/dt=YYYY-MM-DD/<dedupeKey>.json`: one accepted notification, as received. */
export function v1EventKey(receivedAt: Date, dedupeKey: string): string {
  return joinKey(WEBHOOK_FOLDERS.v1Events, dayFolderName(day(receivedAt)), `${dedupeKey}.json`);
}

/**
 * `welkin-v1-changes/<resource>/dt=YYYY-MM-DD/<dedupeKey>-<entry>.ndjson`: the records pulled for one entry of
 * one notification. `resource` is a name from the resource table, so it is a safe path segment.
 */
export function v1ChangeKey(resource: string, pulledAt: Date, dedupeKey: string, entry: number): string {
  return joinKey(v1ChangesFolder(resource), dayFolderName(day(pulledAt)), `${dedupeKey}-${entry}.ndjson`);
}

/** `welkin-v1-changes/<resource>/dt=…/<dedupeKey>.ndjson`: the record a create/update notification pulled. */
export function realtimeChangeKey(resource: string, pulledAt: Date, dedupeKey: string): string {
  return joinKey(v1ChangesFolder(resource), dayFolderName(day(pulledAt)), `${dedupeKey}.ndjson`);
}

function v1ChangesFolder(resource: string): string {
  return joinKey(WEBHOOK_FOLDERS.v1Changes, resource);
}

/** `welkin-v1-realtime/events/dt=YYYY-MM-DD/<dedupeKey>.json`: one accepted realtime notification (no jwt). */
export function realtimeEventKey(receivedAt: Date, dedupeKey: string): string {
  return joinKey(WEBHOOK_FOLDERS.v1Realtime, 'events', dayFolderName(day(receivedAt)), `${dedupeKey}.json`);
}

/** `welkin-v1-realtime/subscriptions/<MessageId>.json`: an SNS subscription we confirmed. */
export function subscriptionKey(messageId: string): string {
  const safe = messageId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128);
  return joinKey(WEBHOOK_FOLDERS.v1Realtime, 'subscriptions', `${safe}.json`);
}

/** `welkin-v1-deletions/<resource>`: the realtime worker's deletion markers of one resource. */
export function deletionMarkerFolder(resource: string): string {
  return joinKey(WEBHOOK_FOLDERS.v1Deletions, resource);
}

/**
 * `welkin-v1-deletions/<resource>/dt=…/<dedupeKey>.json`: a deletion marker, read by the next current-state
 * publish of that resource (shared/current-state/welkin-deletion-markers.ts), which tombstones the record.
 */
export function deletionMarkerKey(resource: string, at: Date, dedupeKey: string): string {
  return joinKey(deletionMarkerFolder(resource), dayFolderName(day(at)), `${dedupeKey}.json`);
}

/** A marker or change folder's day folder: `<folder>/dt=<day>`. */
export function webhookDayFolder(folder: string, dayName: string): string {
  return joinKey(folder, dayFolderName(dayName));
}
