import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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
  const file = fileInTheWay(location);
  if (file !== undefined) {
    throw configProblem(
      option,
      `"${location}" is ${file === resolve(location) ? 'a file' : `inside the file ${file}`}, not a folder`,
      'name a folder (created when missing) or s3://bucket/prefix',
    );
  }
  return new LocalSink(location);
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    // Below a file: look at the parent.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The path itself or its nearest existing ancestor, when that is not a folder: writing there fails with ENOTDIR. */
function fileInTheWay(location: string): string | undefined {
  for (let path = resolve(location); ; path = dirname(path)) {
    const stat = statOrUndefined(path);
    if (stat) return stat.isDirectory() ? undefined : path;
    if (dirname(path) === path) return undefined;
  }
}
