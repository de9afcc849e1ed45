import { S3Client } from '@aws-sdk/client-s3';

/**
 * The S3 client for a process. The SDK already honours `AWS_ENDPOINT_URL_S3`; S3-compatible servers used
 * locally also need path-style addressing, which has no standard variable.
 */
export function s3ClientFromEnv(env: Record<string, string | undefined> = process.env): S3Client {
  return new S3Client({ forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true' });
}
