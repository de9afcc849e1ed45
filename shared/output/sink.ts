/**
 * Where snapshots go: a local folder or an S3 prefix. Keys are '/'-separated and relative to the sink root.
 * Nothing written through `openUpload` is visible under its key until `finish` resolves; `abort` leaves no trace.
 */
export interface Sink {
  /** Human-readable root, e.g. `s3://bucket/prefix` or `/abs/dir`, for messages. */
  readonly location: string;
  /** A key as the storage itself names it: bucket-relative for S3, an absolute path for a folder. */
  storageKey(key: string): string;
  openUpload(key: string, contentType: string): Upload;
  putText(key: string, text: string, contentType?: string): Promise<void>;
  /** Writes only when nothing exists at `key`; false when something already did (idempotent writes). */
  putTextIfAbsent(key: string, text: string, contentType?: string): Promise<boolean>;
  getText(key: string): Promise<string | undefined>;
  /** The stored bytes of `key` as a stream (memory stays at a chunk); undefined when nothing is there. */
  openRead(key: string): Promise<AsyncIterable<Uint8Array> | undefined>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  /** Removes temp files under `prefix` left by processes that died mid-write (stores with temp files only). */
  removeAbandonedTemps?(prefix: string): Promise<number>;
}

export interface Upload {
  /** Resolves when the chunk is accepted (respects backpressure). */
  write(chunk: Uint8Array): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** Joins key segments, ignoring empty ones and stray slashes. */
export function joinKey(...parts: string[]): string {
  return parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment.length > 0)
    .join('/');
}
