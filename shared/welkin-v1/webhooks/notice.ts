import { z } from 'zod';
import { microsOf } from '../timestamp.js';

/** The most entries one notification may list; Welkin batches "all updates since the last success". */
export const MAX_ENTRIES = 200;

const time = z
  .string()
  .max(64)
  // The reference's example writes them without an offset (`2018-05-14T23:34:05.647496`): UTC.
  .refine((value) => microsOf(value) !== undefined, 'expected an ISO time');

/**
 * One entry of a v1 update notification ("ping and pull"): which resource changed in which window, and the
 * Find URL for it. Loose, so fields Welkin adds later are kept in the stored notice.
 */
export const v1NoticeEntrySchema = z
  .looseObject({
    resource: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'expected a resource name'),
    from: time,
    to: time,
    href: z.string().min(1).max(4096),
  })
  .refine((entry) => (microsOf(entry.from) ?? 0n) <= (microsOf(entry.to) ?? 0n), {
    message: '"from" is after "to"',
    path: ['from'],
  });

/** The POST body: a list of entries. */
export const v1NotificationSchema = z.array(v1NoticeEntrySchema).min(1).max(MAX_ENTRIES);

export type V1NoticeEntry = z.infer<typeof v1NoticeEntrySchema>;

/** The one-line reason a body failed the schema, naming the field but never echoing its value. */
export function describeNotificationIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'does not match'}`;
}
