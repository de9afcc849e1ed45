import { z } from 'zod';
import type { WelkinNotice } from './notice.js';

/**
 * What the receiver queues for the pull worker: the ids needed to find the record, and where the stored
 * event lives. Names (initiatedByName, and the sourceName of most entities: a PATIENT notice's is the
 * patient's name) and unknown extras stay in the stored event only, so the queue holds no more than it needs.
 * A CDT notice's sourceName is the CDT's name, part of its record's route, and is queued (cdtSourceName).
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
    sourceName: z.string().nullish(),
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
      ...cdtSourceName(notice),
      url: notice.url ?? null,
      initiatedTime: notice.initiatedTime ?? null,
    },
  };
}

/** A CDT notice's sourceName (the CDT's name, needed for its route); absent for every other entity. */
function cdtSourceName(notice: WelkinNotice): { sourceName?: string } {
  const entity = notice.eventEntity.toUpperCase();
  const isCdt = entity === 'CDT' || entity === 'CDT_RECORD';
  return isCdt && notice.sourceName ? { sourceName: notice.sourceName } : {};
}

/** Where a queued notice goes; `send` resolves once the queue holds it durably. */
export interface NoticeQueue {
  send(message: QueuedNotice): Promise<void>;
}

/** FIFO message group: changes of one record share it, so they are pulled in order. */
export function noticeGroup({ notice }: QueuedNotice): string {
  return `${notice.eventEntity}\u0000${notice.sourceId}`;
}
