import { z } from 'zod';
import { PipelineError } from '../errors.js';
import { runCheckpointSchema } from '../export/run-export.js';

export class InvalidEventError extends PipelineError {}

/** EventBridge (a rule, or Scheduler with the default payload) sends this: all resources, incremental. */
const scheduledEventSchema = z.looseObject({
  'detail-type': z.literal('Scheduled Event'),
  source: z.string(),
});

const accountSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/)
  .optional();

const executionSchema = z
  .string()
  .regex(/^arn:[a-z-]+:states:[^\s]{1,2000}$/)
  .optional();

/** An on-demand run (`aws lambda invoke`, a Step Functions Map item, a backfill). */
const onDemandEventSchema = z.strictObject({
  account: accountSchema,
  resources: z.array(z.string().min(1)).min(1).optional(),
  mode: z.enum(['full', 'incremental']).optional(),
  checkpoint: runCheckpointSchema.optional(),
  /** The Step Functions execution (ARN) running this: the run may write only while it holds the lease. */
  execution: executionSchema,
});

/**
 * Removes the parts of a run the state machine gave up on; the checkpoint is the last one it was handed.
 * Strict, so it cannot be mixed with an export request.
 */
const discardEventSchema = z.strictObject({
  account: accountSchema,
  discard: runCheckpointSchema,
});

/**
 * Proves access before the first night: one first-page request per resource and a probe of the output,
 * exporting nothing (shared/export/check-access.ts). Strict, so it cannot be mixed with an export request.
 */
const checkEventSchema = z.strictObject({
  account: accountSchema,
  check: z.literal(true),
  resources: z.array(z.string().min(1)).min(1).optional(),
});

export interface CheckRequest {
  account?: string;
  check: true;
  resources?: string[];
}

export function isCheckRequest(request: object): request is CheckRequest {
  return 'check' in request;
}

export interface ExportRequest {
  account?: string;
  resources?: string[];
  mode: 'full' | 'incremental';
  checkpoint?: z.infer<typeof runCheckpointSchema>;
  execution?: string;
}

export interface DiscardRequest {
  account?: string;
  discard: z.infer<typeof runCheckpointSchema>;
}

export function isDiscardRequest(request: object): request is DiscardRequest {
  return 'discard' in request;
}

/** Normalises every event kind to one request; throws a one-line error naming the offending field. */
export function parseExportEvent(event: unknown): ExportRequest | DiscardRequest | CheckRequest {
  // Validating against the one schema the event claims to match names the bad field; the union alone only
  // says "Invalid input" at the root.
  const input = event ?? {};
  const claims = (key: string) => typeof input === 'object' && input !== null && key in input;
  const schema = claims('detail-type')
    ? scheduledEventSchema
    : claims('discard')
      ? discardEventSchema
      : claims('check')
        ? checkEventSchema
        : onDemandEventSchema;
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues.at(-1);
    throw new InvalidEventError(
      `invalid event: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'does not match'}`,
    );
  }
  const data = parsed.data;
  if ('detail-type' in data) return { mode: 'incremental' };
  if ('discard' in data) return { account: data.account, discard: data.discard };
  if ('check' in data) return { account: data.account, check: true, resources: data.resources };
  return {
    account: data.account,
    resources: data.resources,
    mode: data.mode ?? 'incremental',
    checkpoint: data.checkpoint,
    execution: data.execution,
  };
}
