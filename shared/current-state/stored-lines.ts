import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
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
  for await (const batch of storedLineBatches(sink, folder, file)) yield* batch;
}

/** The same lines a chunk at a time: one await per chunk instead of one per line. */
export async function* storedLineBatches(
  sink: Sink,
  folder: string,
  file: FileEntry,
): AsyncGenerator<string[]> {
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
  for await (const batch of splitLines(decoded)) {
    lines += batch.length;
    yield batch;
  }
  const where = `${sink.location}/${key}`;
  if (bytes !== file.bytes || hash.digest('hex') !== file.sha256)
    throw new StoredFileMismatchError(`${where}: stored bytes differ from its manifest (size or sha256)`);
  if (lines !== file.recordCount)
    throw new StoredFileMismatchError(`${where}: ${lines} lines, its manifest says ${file.recordCount}`);
}

/**
 * Splits on '\n' only (JSON text never holds a raw newline). Each chunk is decoded once and lines are slices of
 * it, so a line costs no allocation of its own; a character split across chunks is completed by the decoder.
 */
async function* splitLines(input: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of input) {
    const text = carry + decoder.write(chunk);
    const batch: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (end > start) batch.push(text.slice(start, end));
      start = end + 1;
    }
    carry = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  const rest = carry + decoder.end();
  if (rest.length > 0) yield [rest];
}
