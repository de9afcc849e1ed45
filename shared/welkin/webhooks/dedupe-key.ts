import { createHash } from 'node:crypto';
import type { WelkinNotice } from './notice.js';

/**
 * Identity of one change event: sha256 over a canonical JSON array of the fields that say what changed,
 * where, and when. A redelivery repeats them all, so it gets the same key; two changes of the same record
 * differ in `initiatedTime` (sent since 2025). Presentation fields (names, unknown extras) are left out so a
 * cosmetic difference between deliveries cannot split one event in two. Notices without `initiatedTime`
 * for the same record and subtype cannot be told apart from redeliveries; they share a key, and the
 * receiver still queues every delivery so the pulled record is the latest, and flags the accepted outcome
 * (`withoutInitiatedTime`) so the logs show how often that happens.
 */
export function dedupeKeyOf(notice: WelkinNotice): string {
  const canonical = JSON.stringify([
    'welkin-notice-v1',
    notice.tenantName,
    notice.instanceName,
    notice.eventEntity,
    notice.eventSubtype,
    notice.sourceId,
    notice.patientId ?? null,
    notice.url ?? null,
    notice.initiatedTime ?? null,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
