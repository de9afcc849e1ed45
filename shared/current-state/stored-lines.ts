import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SinkError } from '../errors.js';
import type { FileEntry } from '../output/manifest.js';
import type { Sink } from '../output/sink.js';
import { joinKey } from '../output/sink.js';

/** A stored file no longer matches the manifest that lists it: no retry fixes that. */
export class StoredFileMismatchError extends SinkError {}

/**
 * The NDJSON lines of one file listed in a manifest, streamed (memory: a chunk and one line), checked against
 * the manifest's byte count, SHA-256 and record count once the file has been read to its end.
 */
export async function* storedLines(sink: Sink, folder: string, file: FileEntry): AsyncGenerator<string> {
  const key = joinKey(folder, file.path);
  const body = await sink.openRead(key);
  if (!body) throw new StoredFileMismatchError(`${sink.location}/${key} is listed in a manifest but missing`);
  const hash = createHash('sha256');
  let bytes = 0;
  const counted = Readable.from(
    (async function* () {
      for await (const chunk of body) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    })(),
  );
  const decoded = file.path.endsWith('.gz') ? counted.pipe(createGunzip()) : counted;
  let lines = 0;
  for await (const line of splitLines(decoded)) {
    lines += 1;
    yield line;
  }
  const where = `${sink.location}/${key}`;
  if (bytes !== file.bytes || hash.digest('hex') !== file.sha256)
    throw new StoredFileMismatchError(`${where}: stored bytes differ from its manifest (size or sha256)`);
  if (lines !== file.recordCount)
    throw new StoredFileMismatchError(`${where}: ${lines} lines, its manifest says ${file.recordCount}`);
}

/** Splits on '\n' bytes only (JSON text never holds a raw newline), decoding each line whole. */
export async function* splitLines(input: AsyncIterable<Buffer>): AsyncGenerator<string> {
  let carry: Buffer | undefined;
  for await (const chunk of input) {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, end);
      const line = carry ? Buffer.concat([carry, piece]) : piece;
      carry = undefined;
      if (line.length > 0) yield line.toString('utf8');
      start = end + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      carry = carry ? Buffer.concat([carry, rest]) : Buffer.from(rest);
    }
  }
  if (carry && carry.length > 0) yield carry.toString('utf8');
}
