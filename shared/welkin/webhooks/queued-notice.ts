import { z } from 'zod';
import type { WelkinNotice } from './notice.js';

/**
 * What the receiver queues for the pull worker: the ids needed to find the record, and where the stored
 * event lives. Names (sourceName, initiatedByName) and unknown extras stay in the stored event only, so the
 * queue holds no more than it needs. A message queued before sourceName was dropped still parses: zod strips
 * the extra key.
 */
export const queuedNoticeSchema = z.object({
  version: z.literal(1),
  dedupeKey: z.string().regex(/^[0-9a-f]{64}$/),
  eventKey: z.string().min(1),
  receivedAt: z.string(),
  notice: z.object({
    tenantName: z.string(),
    instanceName: z.string(),
    eventEntity: z.string(),
    eventSubtype: z.string(),
    sourceId: z.string(),
    patientId: z.string().nullish(),
    url: z.string().nullish(),
    initiatedTime: z.string().nullish(),
  }),
});

export type QueuedNotice = z.infer<typeof queuedNoticeSchema>;

export function toQueuedNotice(
  notice: WelkinNotice,
  dedupeKey: string,
  eventKey: string,
  receivedAt: Date,
): QueuedNotice {
  return {
    version: 1,
    dedupeKey,
    eventKey,
    receivedAt: receivedAt.toISOString(),
    notice: {
      tenantName: notice.tenantName,
      instanceName: notice.instanceName,
      eventEntity: notice.eventEntity,
      eventSubtype: notice.eventSubtype,
      sourceId: notice.sourceId,
      patientId: notice.patientId ?? null,
      url: notice.url ?? null,
      initiatedTime: notice.initiatedTime ?? null,
    },
  };
}

/** Where a queued notice goes; `send` resolves once the queue holds it durably. */
export interface NoticeQueue {
  send(message: QueuedNotice): Promise<void>;
}

/** FIFO message group: changes of one record share it, so they are pulled in order. */
export function noticeGroup({ notice }: QueuedNotice): string {
  return `${notice.eventEntity}\u0000${notice.sourceId}`;
}
