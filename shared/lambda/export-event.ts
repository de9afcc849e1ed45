import { z } from 'zod';
import { PipelineError } from '../errors.js';
import { runCheckpointSchema } from '../export/run-export.js';

export class InvalidEventError extends PipelineError {}

/** EventBridge (a rule, or Scheduler with the default payload) sends this: all resources, incremental. */
const scheduledEventSchema = z.looseObject({
  'detail-type': z.literal('Scheduled Event'),
  source: z.string(),
});

/** An on-demand run (`aws lambda invoke`, a Step Functions Map item, a backfill). */
const onDemandEventSchema = z.strictObject({
  account: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  resources: z.array(z.string().min(1)).min(1).optional(),
  mode: z.enum(['full', 'incremental']).optional(),
  checkpoint: runCheckpointSchema.optional(),
});

export const exportEventSchema = z.union([scheduledEventSchema, onDemandEventSchema]);

export interface ExportRequest {
  account?: string;
  resources?: string[];
  mode: 'full' | 'incremental';
  checkpoint?: z.infer<typeof runCheckpointSchema>;
}

/** Normalises both event kinds to one request; throws a one-line error naming the offending field. */
export function parseExportEvent(event: unknown): ExportRequest {
  // Validating against the one schema the event claims to match names the bad field; the union alone only
  // says "Invalid input" at the root.
  const input = event ?? {};
  const scheduled = typeof input === 'object' && input !== null && 'detail-type' in input;
  const parsed = (scheduled ? scheduledEventSchema : onDemandEventSchema).safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues.at(-1);
    throw new InvalidEventError(
      `invalid event: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'does not match'}`,
    );
  }
  const data = parsed.data;
  if ('detail-type' in data) return { mode: 'incremental' };
  return {
    account: data.account,
    resources: data.resources,
    mode: data.mode ?? 'incremental',
    checkpoint: data.checkpoint,
  };
}
