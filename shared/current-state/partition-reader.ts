import { closeSync, openSync, readSync } from 'node:fs';
import type { SpilledEntry } from './spill-partitions.js';

/** Where a spilled record's line lies in its partition file (bytes, newline excluded). */
export interface LineRef {
  offset: number;
  length: number;
}

/** Newline-terminated lines, byte for byte as spilled. */
export interface LineChunk {
  bytes: Buffer;
  lines: number;
}

const WINDOW_BYTES = 256 * 1024;
const TAB = 0x09;
const NEWLINE = 0x0a;

/**
 * The entries of a partition file (`<seq>\t<raw id>\t<record>\n`, record empty when only the id counts), read a
 * window at a time: a line's head is parsed, its record only located, never decoded.
 */
export function readEntries(path: string): SpilledEntry<LineRef>[] {
  const entries: SpilledEntry<LineRef>[] = [];
  const fd = openSync(path, 'r');
  const window = Buffer.allocUnsafe(WINDOW_BYTES);
  try {
    let position = 0;
    let open: SpilledEntry<LineRef> | undefined;
    let lineStart = 0;
    for (;;) {
      const size = readSync(fd, window, 0, WINDOW_BYTES, position);
      if (size === 0) break;
      const view = window.subarray(0, size);
      let at = 0;
      while (at < size) {
        if (open) {
          const end = view.indexOf(NEWLINE, at);
          if (end === -1) {
            at = size;
            break;
          }
          const length = position + end - lineStart;
          if (length > 0) open.line = { offset: lineStart, length };
          entries.push(open);
          open = undefined;
          at = end + 1;
          continue;
        }
        const tab = view.indexOf(TAB, at);
        const second = tab === -1 ? -1 : view.indexOf(TAB, tab + 1);
        if (second === -1) {
          // The head runs past the window: read again from the line's start.
          if (at === 0) throw new Error(`internal: a spill line head longer than ${WINDOW_BYTES} bytes`);
          break;
        }
        open = {
          seq: Number(view.toString('latin1', at, tab)),
          id: view.toString('utf8', tab + 1, second),
          line: undefined,
        };
        lineStart = position + second + 1;
        at = second + 1;
      }
      position += at;
    }
    if (open) throw new Error('internal: a spill file ends inside a line');
    return entries;
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies the lines of `refs` out of a partition file in file order, reading it a window at a time (one read
 * serves many lines), into chunks of about `chunkBytes`: bytes are never decoded. A line longer than the
 * window is read on its own.
 */
export function* readLineChunks(
  path: string,
  refs: readonly LineRef[],
  chunkBytes: number,
): Generator<LineChunk> {
  const sorted = [...refs].sort((a, b) => a.offset - b.offset);
  const fd = openSync(path, 'r');
  const window = Buffer.allocUnsafe(WINDOW_BYTES);
  let from = 0;
  let size = 0;
  let chunk = Buffer.allocUnsafe(chunkBytes);
  let used = 0;
  let lines = 0;
  try {
    for (const ref of sorted) {
      if (used > 0 && used + ref.length + 1 > chunk.length) {
        yield { bytes: chunk.subarray(0, used), lines };
        chunk = Buffer.allocUnsafe(Math.max(chunkBytes, ref.length + 1));
        used = 0;
        lines = 0;
      }
      if (used + ref.length + 1 > chunk.length) chunk = Buffer.allocUnsafe(ref.length + 1);
      if (ref.length > WINDOW_BYTES) {
        readFully(fd, chunk, used, ref.length, ref.offset);
      } else {
        if (ref.offset < from || ref.offset + ref.length > from + size) {
          from = ref.offset;
          size = readSync(fd, window, 0, WINDOW_BYTES, from);
          if (size < ref.length)
            throw new Error(`internal: spill file ends before byte ${ref.offset + ref.length}`);
        }
        window.copy(chunk, used, ref.offset - from, ref.offset - from + ref.length);
      }
      used += ref.length;
      chunk[used] = NEWLINE;
      used += 1;
      lines += 1;
    }
    if (lines > 0) yield { bytes: chunk.subarray(0, used), lines };
  } finally {
    closeSync(fd);
  }
}

function readFully(fd: number, into: Buffer, at: number, length: number, position: number): void {
  for (let read = 0; read < length; ) {
    const got = readSync(fd, into, at + read, length - read, position + read);
    if (got === 0) throw new Error(`internal: spill file ends before byte ${position + length}`);
    read += got;
  }
}
