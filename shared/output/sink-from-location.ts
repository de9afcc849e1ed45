import { configProblem } from '../config-error.js';
import { LocalSink } from './local-sink.js';
import { s3ClientFromEnv } from './s3-client.js';
import { S3Sink } from './s3-sink.js';
import type { Sink } from './sink.js';

const S3_LOCATION = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;
/** `scheme:` at the start; two letters at least, so a Windows drive (`C:`) stays a folder. */
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * `s3://bucket/prefix` or a folder path. For S3-compatible servers (local demo, tests) the SDK's standard
 * `AWS_ENDPOINT_URL_S3` applies; `S3_FORCE_PATH_STYLE=true` is needed for most of them. Anything that starts
 * like a URL but is not a valid S3 location is refused: `s3:/bucket` (one slash) would otherwise be a folder
 * named `s3:` and patient data would land inside the working directory.
 */
export function sinkFromLocation(
  location: string,
  env: Record<string, string | undefined> = process.env,
  option = '--out',
): Sink {
  const s3 = S3_LOCATION.exec(location);
  if (s3?.[1]) return new S3Sink({ client: s3ClientFromEnv(env), bucket: s3[1], prefix: s3[2] ?? '' });
  const scheme = SCHEME.exec(location)?.[1]?.toLowerCase();
  if (scheme === 's3' && location.toLowerCase().startsWith('s3://')) {
    throw configProblem(option, `"${location}" has no valid bucket name`, 'write s3://bucket/prefix');
  }
  if (scheme === 's3') {
    throw configProblem(
      option,
      `"${location}" is not an S3 location`,
      'write s3://bucket/prefix (two slashes)',
    );
  }
  if (scheme) {
    throw configProblem(option, `"${location}" is not supported`, 'use a folder or s3://bucket/prefix');
  }
  return new LocalSink(location);
}
