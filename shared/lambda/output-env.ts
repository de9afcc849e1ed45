import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { parseEnv } from '../config-error.js';
import { DEFAULT_OUTPUT_PREFIX } from '../layout/index.js';
import { S3Sink } from '../output/s3-sink.js';
import { joinKey } from '../output/sink.js';

/** Where an export function writes (set by the stack). */
export const outputEnvSchema = z.object({
  OUTPUT_BUCKET: z.string().min(3).meta({ description: 'the snapshot bucket name (set by the stack)' }),
  OUTPUT_PREFIX: z
    .string()
    .default(DEFAULT_OUTPUT_PREFIX)
    .meta({ description: 'the key prefix inside the bucket' }),
  OUTPUT_KMS_KEY_ID: z.string().optional().meta({
    description: 'the KMS key for the objects written (set by the stack)',
    fallback: 'bucket default',
  }),
});

export type OutputEnv = { bucket: string; prefix: string; kmsKeyId?: string };

export function outputEnvFrom(env: Record<string, string | undefined>): OutputEnv {
  const values = parseEnv(outputEnvSchema, env);
  return {
    bucket: values.OUTPUT_BUCKET,
    prefix: values.OUTPUT_PREFIX,
    kmsKeyId: values.OUTPUT_KMS_KEY_ID,
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
