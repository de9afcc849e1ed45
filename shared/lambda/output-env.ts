import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { S3Sink } from '../output/s3-sink.js';
import { joinKey } from '../output/sink.js';

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

/** The function's output location; `subPrefix` separates accounts of one source (e.g. `account=main`). */
export function outputSink(client: S3Client, output: OutputEnv, subPrefix = ''): S3Sink {
  return new S3Sink({
    client,
    bucket: output.bucket,
    prefix: joinKey(output.prefix, subPrefix),
    kmsKeyId: output.kmsKeyId,
  });
}
