import { createHash, type Hash } from 'node:crypto';
import { createGzip, type Gzip } from 'node:zlib';
import { partKey } from '../layout/index.js';
import type { FileEntry } from './manifest.js';
import type { Sink, Upload } from './sink.js';

export interface PartWriterOptions {
  sink: Sink;
  folder: string;
  compress: boolean;
  /** Roll to a new part once this many bytes (as stored) were written. */
  maxPartBytes: number;
  firstPartIndex?: number;
  /** zlib level (default 6); files rewritten on every run (the current state) trade some size for speed. */
  gzipLevel?: number;
}

/** About how much text is turned into bytes at once (a single longer line is one batch of its own). */
const BATCH_CHARS = 256 * 1024;

interface OpenPart {
  key: string;
  upload: Upload;
  gzip?: Gzip;
  hash: Hash;
  bytes: number;
  records: number;
  pending: Promise<void>;
  failure?: unknown;
}

/**
 * Streams NDJSON lines into numbered part files (gzip optional), counting records, stored bytes and the
 * SHA-256 of exactly what was stored, so the manifest can be verified against the objects.
 */
export class NdjsonPartWriter {
  private part: OpenPart | undefined;
  private nextIndex: number;
  readonly files: FileEntry[] = [];

  constructor(private readonly options: PartWriterOptions) {
    this.nextIndex = options.firstPartIndex ?? 0;
  }

  get nextPartIndex(): number {
    return this.nextIndex;
  }

  /** Lines are encoded a batch at a time, so a big page costs its text plus one batch, not two more copies. */
  async writeLines(lines: readonly string[]): Promise<void> {
    let from = 0;
    let chars = 0;
    for (let index = 0; index < lines.length; index += 1) {
      chars += (lines[index] as string).length + 1;
      if (chars >= BATCH_CHARS) {
        await this.writeBatch(lines.slice(from, index + 1));
        from = index + 1;
        chars = 0;
      }
    }
    if (from < lines.length) await this.writeBatch(lines.slice(from));
  }

  private writeBatch(lines: readonly string[]): Promise<void> {
    return this.writeChunk(Buffer.from(`${lines.join('\n')}\n`, 'utf8'), lines.length);
  }

  /** Lines already encoded: `chunk` holds `records` whole lines, each ending with a newline. */
  async writeChunk(chunk: Buffer, records: number): Promise<void> {
    const part = this.part ?? this.open();
    part.records += records;
    if (part.gzip) {
      await this.compressed(part, part.gzip, chunk);
    } else {
      await this.store(part, chunk);
    }
    if (part.failure) throw part.failure;
    if (part.bytes >= this.options.maxPartBytes) await this.closePart();
  }

  /** Closes the open part; all parts are then complete objects. */
  async close(): Promise<FileEntry[]> {
    await this.closePart();
    return this.files;
  }

  async abort(): Promise<void> {
    const part = this.part;
    this.part = undefined;
    if (!part) return;
    part.gzip?.destroy();
    await part.upload.abort();
  }

  private open(): OpenPart {
    const key = partKey(this.options.folder, this.nextIndex, this.options.compress);
    this.nextIndex += 1;
    const upload = this.options.sink.openUpload(
      key,
      this.options.compress ? 'application/gzip' : 'application/x-ndjson',
    );
    const part: OpenPart = {
      key,
      upload,
      hash: createHash('sha256'),
      bytes: 0,
      records: 0,
      pending: Promise.resolve(),
    };
    if (this.options.compress) {
      part.gzip = createGzip({ level: this.options.gzipLevel });
      // Gzip output is forwarded in order; each write waits for the sink so memory stays bounded.
      part.gzip.on('data', (data: Buffer) => {
        part.gzip?.pause();
        part.pending = part.pending
          .then(() => this.store(part, data))
          .catch((error) => {
            part.failure = error;
          })
          .finally(() => part.gzip?.resume());
      });
    }
    this.part = part;
    return part;
  }

  /**
   * Feeds one batch to gzip and waits until zlib has taken it and every byte it produced so far is stored.
   * The roll-over check then sees the same size whatever the thread pool's timing (it used to race zlib and
   * miss a roll-over on a busy machine).
   */
  private async compressed(part: OpenPart, gzip: Gzip, chunk: Buffer): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      gzip.write(chunk, (error) => (error ? reject(error) : resolve())),
    );
    for (;;) {
      const seen = part.pending;
      await seen;
      if (part.pending !== seen) continue;
      // Output buffered while the sink was busy is emitted on the next tick after resume().
      if (gzip.readableLength === 0) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async store(part: OpenPart, data: Buffer): Promise<void> {
    part.hash.update(data);
    part.bytes += data.length;
    await part.upload.write(data);
  }

  private async closePart(): Promise<void> {
    const part = this.part;
    if (!part) return;
    if (part.gzip) {
      const gzip = part.gzip;
      await new Promise<void>((resolve, reject) => {
        gzip.once('end', resolve);
        gzip.once('error', reject);
        gzip.end();
      });
      await part.pending;
    }
    if (part.failure) throw part.failure;
    await part.upload.finish();
    this.part = undefined;
    // Paths are relative to the run folder, so a manifest stays valid wherever the folder is copied.
    const path = part.key.slice(this.options.folder.length + 1);
    this.files.push({ path, recordCount: part.records, bytes: part.bytes, sha256: part.hash.digest('hex') });
  }
}
