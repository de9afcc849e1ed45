import { isLosslessNumber, type LosslessNumber } from 'lossless-json';
import { z } from 'zod';

const text = z.string().min(1).max(1024);
const optionalText = z.string().max(4096).nullish();
const losslessNumber = z.custom<LosslessNumber>((value) => isLosslessNumber(value), 'expected a string');
// Ids and times are strings in every notice seen so far; a numeric one is accepted (as its exact digits)
// rather than refused, since a 400 only makes Welkin retry a notice that can never succeed.
const idText = z.union([text, losslessNumber]).transform((value) => value.toString());
const optionalIdText = idText.nullish();

/**
 * A Welkin V8 webhook notice (what changed, not the record), as parsed by `parseLossless`. Loose so fields
 * Welkin adds later are kept; only what routing and the pull need is required.
 */
export const welkinNoticeSchema = z.looseObject({
  tenantName: text,
  instanceName: text,
  eventEntity: text,
  eventSubtype: text,
  sourceId: idText,
  sourceName: optionalText,
  patientId: optionalIdText,
  url: optionalText,
  initiatedBy: optionalText,
  initiatedByName: optionalText,
  initiatedByObjectId: optionalIdText,
  initiatedByObjectType: optionalText,
  initiatedTime: optionalIdText,
});

export type WelkinNotice = z.infer<typeof welkinNoticeSchema>;

/** The one-line reason a body failed the schema, naming the field but never echoing its value. */
export function describeNoticeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'does not match'}`;
}
