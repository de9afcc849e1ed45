import { pathToFileURL } from 'node:url';
import type { Sink } from '../output/sink.js';

/**
 * The absolute URL of a stored object, as loaders and Athena name it: `s3://bucket/key` for S3 (the sink's
 * prefix included), a `file://` URL for a local folder. `key` is relative to the sink.
 */
export function objectUrl(sink: Sink, key: string): string {
  return storedObjectUrl(sink, sink.storageKey(key));
}

/** The same for a key as the storage names it (`ResourceResult` keys: bucket-relative, or a path). */
export function storedObjectUrl(sink: Sink, storageKey: string): string {
  if (sink.location.startsWith('s3://')) {
    const bucket = sink.location.slice('s3://'.length).split('/')[0];
    return `s3://${bucket}/${storageKey}`;
  }
  return pathToFileURL(storageKey).href;
}
