import { ConfigError } from '../errors.js';
import { LocalSink } from './local-sink.js';
import { s3ClientFromEnv } from './s3-client.js';
import { S3Sink } from './s3-sink.js';
import type { Sink } from './sink.js';

/**
 * `s3://bucket/prefix` or a folder path. For S3-compatible servers (local demo, tests) the SDK's standard
 * `AWS_ENDPOINT_URL_S3` applies; `S3_FORCE_PATH_STYLE=true` is needed for most of them.
 */
export function sinkFromLocation(
  location: string,
  env: Record<string, string | undefined> = process.env,
): Sink {
  if (location.startsWith('s3://')) {
    const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(location);
    if (!match?.[1]) throw new ConfigError(`not a valid S3 location: ${location}`);
    return new S3Sink({ client: s3ClientFromEnv(env), bucket: match[1], prefix: match[2] ?? '' });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new ConfigError(`unsupported output location ${location}: use a folder or s3://bucket/prefix`);
  }
  return new LocalSink(location);
}
