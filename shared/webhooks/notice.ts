import { z } from 'zod';

const text = z.string().min(1).max(1024);
const optionalText = z.string().max(4096).nullish();

/**
 * A Welkin V8 webhook notice (what changed, not the record). Loose so fields Welkin adds later are kept;
 * only what routing and the pull need is required, because a 400 makes Welkin retry a notice that can never
 * succeed.
 */
export const welkinNoticeSchema = z.looseObject({
  tenantName: text,
  instanceName: text,
  eventEntity: text,
  eventSubtype: text,
  sourceId: text,
  sourceName: optionalText,
  patientId: optionalText,
  url: optionalText,
  initiatedBy: optionalText,
  initiatedByName: optionalText,
  initiatedByObjectId: optionalText,
  initiatedByObjectType: optionalText,
  initiatedTime: optionalText,
});

export type WelkinNotice = z.infer<typeof welkinNoticeSchema>;

/** The one-line reason a body failed the schema, naming the field but never echoing its value. */
export function describeNoticeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'does not match'}`;
}
