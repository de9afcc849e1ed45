import { writeSync } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { undoOnInterrupt } from '../output/interrupt-cleanup.js';
import { type LineChunk, type LineRef, readEntries, readLineChunks } from './partition-reader.js';
import { idValueOf } from './record-id.js';
import { makeSpillFolder } from './spill-folders.js';

export type { LineChunk, LineRef } from './partition-reader.js';

/** One spilled record: which input it came from, its raw id, and its line (absent when only the id counts). */
export interface SpilledEntry<Line = string> {
  seq: number;
  id: string;
  line: Line | undefined;
}

const FLUSH_BYTES = 16 * 1024;
const NEWLINE = 0x0a;

/**
 * Hash-partitions records by id into files in a temp folder, so each partition can be deduplicated on its
 * own. A partition is merged holding only its ids and where each line lies (a partition of 4,096 treatment
 * notes of 40 KB would be 160 MB of text); the winning lines are then copied out a window at a time. Memory
 * is a partition's ids plus small fixed buffers, whatever the size of a record or the total.
 * Entries of one partition come back in the order they were added. Spill lines are
 * `<seq>\t<raw id>\t<record>`: a raw JSON id never holds a tab or a newline (JSON escapes them).
 */
export class SpillPartitions {
  // Bytes, not strings: a buffered string would keep alive the whole line its id was sliced from.
  private readonly buffers: Buffer[];
  private readonly buffered: number[];
  private readonly files: FileHandle[] = [];
  /** An interrupted CLI (SIGINT/SIGTERM) removes the spill folder too. */
  private forgetUndo: () => void = () => undefined;

  private constructor(
    private readonly folder: string,
    readonly count: number,
  ) {
    this.buffers = Array.from({ length: count }, () => Buffer.allocUnsafe(FLUSH_BYTES));
    this.buffered = new Array<number>(count).fill(0);
  }

  static async create(count: number, parent = tmpdir()): Promise<SpillPartitions> {
    const partitions = new SpillPartitions(await makeSpillFolder(parent), count);
    partitions.forgetUndo = undoOnInterrupt(() => rm(partitions.folder, { recursive: true, force: true }));
    try {
      for (let index = 0; index < count; index += 1)
        partitions.files.push(await open(partitions.pathOf(index), 'w'));
    } catch (error) {
      await partitions.dispose();
      throw error;
    }
    return partitions;
  }

  /** The temp folder itself: other files of the same publish may be staged in it (removed with it). */
  get directory(): string {
    return this.folder;
  }

  private pathOf(index: number): string {
    return join(this.folder, `partition-${index}.tsv`);
  }

  /**
   * Buffers one entry, writing its partition's buffer first when full. Partitioned by the id's value, so every
   * spelling of one id (`1`, `"1"`) meets in one partition and the merge sees them as one record.
   */
  add(seq: number, id: string, line: string | undefined): void {
    const index = partitionOf(idValueOf(id), this.count);
    const head = `${seq}\t${id}\t`;
    // Written piece by piece: no string is built per record.
    const bytes = Buffer.byteLength(head) + (line === undefined ? 0 : Buffer.byteLength(line)) + 1;
    const used = this.buffered[index] as number;
    if (used + bytes > FLUSH_BYTES) {
      this.flushThenAdd(index, `${head}${line ?? ''}\n`, bytes);
      return;
    }
    const buffer = this.buffers[index] as Buffer;
    let at = used + buffer.write(head, used);
    if (line !== undefined) at += buffer.write(line, at);
    buffer[at] = NEWLINE;
    this.buffered[index] = at + 1;
  }

  private flushThenAdd(index: number, text: string, bytes: number): void {
    this.flush(index);
    if (bytes > FLUSH_BYTES) {
      writeAll((this.files[index] as FileHandle).fd, Buffer.from(text, 'utf8'));
      return;
    }
    this.buffered[index] = (this.buffers[index] as Buffer).write(text, 0);
  }

  /** Writes what is buffered; call once after the last `add`. */
  async finish(): Promise<void> {
    for (let index = 0; index < this.count; index += 1) this.flush(index);
    await Promise.all(this.files.map((file) => file.close()));
    this.files.length = 0;
  }

  /** One partition's entries in the order added, each line by where it lies (its text is not read). */
  entries(index: number): SpilledEntry<LineRef>[] {
    return readEntries(this.pathOf(index));
  }

  /** The lines of `refs` (in file order) as newline-terminated byte chunks of about `chunkBytes` each. */
  *lineChunks(index: number, refs: readonly LineRef[], chunkBytes: number): Generator<LineChunk> {
    yield* readLineChunks(this.pathOf(index), refs, chunkBytes);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.files.map((file) => file.close().catch(() => undefined)));
    this.files.length = 0;
    await rm(this.folder, { recursive: true, force: true });
    this.forgetUndo();
  }

  private flush(index: number): void {
    const used = this.buffered[index] as number;
    if (used === 0) return;
    this.buffered[index] = 0;
    writeAll((this.files[index] as FileHandle).fd, (this.buffers[index] as Buffer).subarray(0, used));
  }
}

/**
 * Synchronous on purpose: a spill write lands in the page cache in microseconds, while an awaited write costs a
 * thread-pool round trip per 16 KB; awaited one after another those left the step idle half the time.
 */
function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** FNV-1a over the id's text: cheap, and spreads sequential numeric ids evenly. */
export function partitionOf(id: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < id.length; at += 1) {
    hash ^= id.charCodeAt(at);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}
