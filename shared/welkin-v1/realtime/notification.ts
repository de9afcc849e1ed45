import { createHash } from 'node:crypto';
import { z } from 'zod';
import { microsOf } from '../timestamp.js';

/**
 * A realtime notification as the final v1 reference shows it ("Webhook Contents"): what changed, and a
 * `jwt` proving it came from Welkin. `href` is the record's GET URL, null when it was deleted. Loose, so
 * fields Welkin adds later are kept in the stored event.
 */
export const realtimeNotificationSchema = z.looseObject({
  notification: z.looseObject({
    provider_id: z.string().max(128).optional(),
    resource: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected a resource name'),
    resource_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected a record id'),
    updated_at: z
      .string()
      .max(64)
      .refine((value) => microsOf(value) !== undefined, 'expected an ISO time'),
    href: z.string().min(1).max(4096).nullable(),
    action: z.enum(['create', 'update', 'delete']),
  }),
  send_to: z.string().max(4096).optional(),
  jwt: z.string().min(1).max(8192),
});

export type RealtimeNotification = z.infer<typeof realtimeNotificationSchema>;

/** What the receiver queues for the worker: the one record to pull, or to mark deleted. */
export const realtimeQueuedSchema = z.object({
  version: z.literal(2),
  dedupeKey: z.string().regex(/^[0-9a-f]{64}$/),
  eventKey: z.string().min(1),
  receivedAt: z.string(),
  resource: z.string(),
  resourceId: z.string(),
  updatedAt: z.string(),
  action: z.enum(['create', 'update', 'delete']),
  href: z.string().nullable(),
});

export type RealtimeQueued = z.infer<typeof realtimeQueuedSchema>;

/**
 * Identity of one notification: sha256 over its environment, record, time and action. SNS and Welkin
 * redeliveries repeat them, so they are stored once.
 */
export function realtimeDedupeKey({ notification: n }: RealtimeNotification): string {
  const canonical = JSON.stringify([
    'welkin-v1-realtime-v1',
    n.provider_id ?? '',
    n.resource,
    n.resource_id,
    n.updated_at,
    n.action,
    n.href,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export function toRealtimeQueued(
  { notification: n }: RealtimeNotification,
  dedupeKey: string,
  eventKey: string,
  receivedAt: Date,
): RealtimeQueued {
  return {
    version: 2,
    dedupeKey,
    eventKey,
    receivedAt: receivedAt.toISOString(),
    resource: n.resource,
    resourceId: n.resource_id,
    updatedAt: n.updated_at,
    action: n.action,
    href: n.href,
  };
}
