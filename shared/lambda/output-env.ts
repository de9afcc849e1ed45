import { z } from 'zod';
import { ConfigError } from '../errors.js';

const schema = z.object({
  OUTPUT_BUCKET: z.string().min(3, 'OUTPUT_BUCKET is required'),
  OUTPUT_PREFIX: z.string().default('snapshots'),
  OUTPUT_KMS_KEY_ID: z.string().optional(),
});

export type OutputEnv = { bucket: string; prefix: string; kmsKeyId?: string };

export function outputEnvFrom(env: Record<string, string | undefined>): OutputEnv {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return {
    bucket: parsed.data.OUTPUT_BUCKET,
    prefix: parsed.data.OUTPUT_PREFIX,
    kmsKeyId: parsed.data.OUTPUT_KMS_KEY_ID,
  };
}
