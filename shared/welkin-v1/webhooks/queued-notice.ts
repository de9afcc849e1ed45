import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RealtimeQueued } from '../realtime/notification.js';
import type { V1NoticeEntry } from './notice.js';

/** What the receiver queues for the pull worker: the windows to pull and where the stored notice lives. */
export const v1QueuedNoticeSchema = z.object({
  version: z.literal(1),
  dedupeKey: z.string().regex(/^[0-9a-f]{64}$/),
  eventKey: z.string().min(1),
  receivedAt: z.string(),
  entries: z
    .array(z.object({ resource: z.string(), from: z.string(), to: z.string(), href: z.string() }))
    .min(1),
});

export type V1QueuedNotice = z.infer<typeof v1QueuedNoticeSchema>;

/** Anything the v1 receiver queues: a legacy window notice (version 1) or one realtime record (version 2). */
export type V1QueuedMessage = V1QueuedNotice | RealtimeQueued;

/** Where a queued notice goes; `send` resolves once the queue holds it durably. */
export interface V1NoticeQueue {
  send(message: V1QueuedMessage): Promise<void>;
}

/**
 * Identity of one notification: sha256 over its entries' resource, window and href in order. A redelivery
 * repeats them, so it gets the same key and is stored once.
 */
export function v1DedupeKeyOf(entries: readonly V1NoticeEntry[]): string {
  const canonical = JSON.stringify([
    'welkin-v1-notice-v1',
    ...entries.map((entry) => [entry.resource, entry.from, entry.to, entry.href]),
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export function toV1QueuedNotice(
  entries: readonly V1NoticeEntry[],
  dedupeKey: string,
  eventKey: string,
  receivedAt: Date,
): V1QueuedNotice {
  return {
    version: 1,
    dedupeKey,
    eventKey,
    receivedAt: receivedAt.toISOString(),
    entries: entries.map(({ resource, from, to, href }) => ({ resource, from, to, href })),
  };
}
