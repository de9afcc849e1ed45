import { joinKey } from '../../output/sink.js';

/** Safe as one path segment: upper/lower letters, digits, `_` and `-` only. */
const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

function day(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** `welkin-events/dt=YYYY-MM-DD/<dedupeKey>.json`: one accepted notice. */
export function eventKey(eventDate: Date, dedupeKey: string): string {
  return joinKey('welkin-events', `dt=${day(eventDate)}`, `${dedupeKey}.json`);
}

/** `welkin-changes/<entity>/dt=YYYY-MM-DD/<dedupeKey>.ndjson`: the record pulled for one notice. */
export function changeKey(entity: string, pulledAt: Date, dedupeKey: string): string {
  const folder = SEGMENT.test(entity) ? entity.toLowerCase() : 'unknown-entity';
  return joinKey('welkin-changes', folder, `dt=${day(pulledAt)}`, `${dedupeKey}.ndjson`);
}

/**
 * The event's partition date: the change time Welkin reports when it parses, else the receive time. Using
 * the change time keeps a redelivery that arrives after midnight in the same partition, so it is still
 * recognised as a duplicate.
 */
export function eventDateOf(initiatedTime: string | null | undefined, receivedAt: Date): Date {
  if (initiatedTime) {
    const epoch = /^\d{10}$/.test(initiatedTime) ? Number(initiatedTime) * 1000 : undefined;
    const parsed = new Date(
      epoch ?? (/^\d{13}$/.test(initiatedTime) ? Number(initiatedTime) : initiatedTime),
    );
    const year = parsed.getUTCFullYear();
    if (!Number.isNaN(parsed.getTime()) && year >= 2000 && year < 10000) return parsed;
  }
  return receivedAt;
}
