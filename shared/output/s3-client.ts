import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { parseEnv } from '../config-error.js';

/** Only needed for S3-compatible servers (the local demo, tests); AWS itself needs neither. */
export const s3ClientEnvSchema = z.object({
  AWS_ENDPOINT_URL_S3: z.string().optional().meta({
    description: 'the endpoint of an S3-compatible server',
    fallback: 'AWS',
  }),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false').meta({
    description: 'true for path-style addressing, which most S3-compatible servers need',
  }),
});

/**
 * The S3 client for a process. The endpoint is passed on explicitly (the SDK would read AWS_ENDPOINT_URL_S3
 * from process.env only), so a caller's env object is honoured as a whole; path style has no standard variable.
 */
export function s3ClientFromEnv(env: Record<string, string | undefined> = process.env): S3Client {
  const values = parseEnv(s3ClientEnvSchema, env);
  return new S3Client({
    forcePathStyle: values.S3_FORCE_PATH_STYLE === 'true',
    ...(values.AWS_ENDPOINT_URL_S3 ? { endpoint: values.AWS_ENDPOINT_URL_S3 } : {}),
  });
}
