import { closeSync, openSync, readSync } from 'node:fs';
import { type FileHandle, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { undoOnInterrupt } from '../output/interrupt-cleanup.js';

/** Where a spilled record's line lies in the data file. */
export interface LineRef {
  offset: number;
  length: number;
}

/** One spilled entry: which input it came from, its raw id, and its line (absent when only the id counts). */
export interface SpilledEntry<Line = string> {
  seq: number;
  id: string;
  line: Line | undefined;
}

const INDEX_FLUSH_BYTES = 16 * 1024;
const DATA_FLUSH_BYTES = 256 * 1024;

/**
 * Hash-partitions records by id into small index files, with every line appended to one shared data file.
 * A partition is deduplicated in memory holding only ids and (offset, length) pairs; the winning lines are
 * read back one by one by offset. So memory is bounded by the records of one partition, never by their size
 * (a partition of 4,096 treatment notes of 40 KB would be 160 MB of text). Entries of one partition come back
 * in the order they were added. Index lines are `<seq>\t<raw id>\t<offset>\t<length>` (length -1: id only):
 * a raw JSON id never holds a tab or a newline (JSON escapes them).
 */
export class SpillPartitions {
  // Bytes, not strings: a buffered string would keep alive the whole line its id was sliced from.
  private readonly buffers: Buffer[];
  private readonly buffered: number[];
  private readonly files: FileHandle[] = [];
  private data: FileHandle | undefined;
  private readonly dataBuffer = Buffer.allocUnsafe(DATA_FLUSH_BYTES);
  private dataBuffered = 0;
  private dataBytes = 0;
  private reader: number | undefined;
  private readBuffer = Buffer.allocUnsafe(64 * 1024);
  /** An interrupted CLI (SIGINT/SIGTERM) removes the spill folder too. */
  private forgetUndo: () => void = () => undefined;

  private constructor(
    private readonly folder: string,
    readonly count: number,
  ) {
    this.buffers = Array.from({ length: count }, () => Buffer.allocUnsafe(INDEX_FLUSH_BYTES));
    this.buffered = new Array<number>(count).fill(0);
  }

  static async create(count: number, parent = tmpdir()): Promise<SpillPartitions> {
    const partitions = new SpillPartitions(await mkdtemp(join(parent, 'current-state-')), count);
    partitions.forgetUndo = undoOnInterrupt(() => rm(partitions.folder, { recursive: true, force: true }));
    try {
      partitions.data = await open(partitions.dataPath(), 'w');
      for (let index = 0; index < count; index += 1)
        partitions.files.push(await open(partitions.pathOf(index), 'w'));
    } catch (error) {
      await partitions.dispose();
      throw error;
    }
    return partitions;
  }

  private pathOf(index: number): string {
    return join(this.folder, `partition-${index}.tsv`);
  }

  private dataPath(): string {
    return join(this.folder, 'lines.ndjson');
  }

  /** Buffers one entry; a promise only when a buffer had to be written first (await it before the next add). */
  add(seq: number, id: string, line: string | undefined): Promise<void> | undefined {
    const length = line === undefined ? -1 : Buffer.byteLength(line);
    const head = `${seq}\t${id}\t${this.dataBytes}\t${length}\n`;
    const index = partitionOf(id, this.count);
    const headBytes = Buffer.byteLength(head);
    const used = this.buffered[index] as number;
    const dataFits = line === undefined || this.dataBuffered + length <= DATA_FLUSH_BYTES;
    if (used + headBytes > INDEX_FLUSH_BYTES || !dataFits)
      return this.flushThenAdd(index, head, line, length);
    this.buffered[index] = used + (this.buffers[index] as Buffer).write(head, used);
    if (line !== undefined) this.appendData(line, length);
    return undefined;
  }

  private appendData(line: string, length: number): void {
    this.dataBuffered += this.dataBuffer.write(line, this.dataBuffered);
    this.dataBytes += length;
  }

  private async flushThenAdd(index: number, head: string, line: string | undefined, length: number) {
    if ((this.buffered[index] as number) + Buffer.byteLength(head) > INDEX_FLUSH_BYTES)
      await this.flush(index);
    const used = this.buffered[index] as number;
    this.buffered[index] = used + (this.buffers[index] as Buffer).write(head, used);
    if (line === undefined) return;
    if (this.dataBuffered + length > DATA_FLUSH_BYTES) await this.flushData();
    if (length > DATA_FLUSH_BYTES) {
      await (this.data as FileHandle).writeFile(line, 'utf8');
      this.dataBytes += length;
      return;
    }
    this.appendData(line, length);
  }

  /** Writes what is buffered; call once after the last `add`. */
  async finish(): Promise<void> {
    for (let index = 0; index < this.count; index += 1) await this.flush(index);
    await this.flushData();
    await Promise.all(this.files.map((file) => file.close()));
    this.files.length = 0;
    await this.data?.close();
    this.data = undefined;
  }

  /** One partition's entries in the order added, each line by reference (read it with `lineOf`). */
  async entries(index: number): Promise<SpilledEntry<LineRef>[]> {
    const text = await readFile(this.pathOf(index), 'latin1');
    const entries: SpilledEntry<LineRef>[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const tab = text.indexOf('\t', start);
      const second = text.indexOf('\t', tab + 1);
      const third = text.indexOf('\t', second + 1);
      const length = Number(text.slice(third + 1, end));
      entries.push({
        seq: Number(text.slice(start, tab)),
        // Read as latin1 so offsets stay byte offsets; the id goes back to UTF-8 text.
        id: Buffer.from(text.slice(tab + 1, second), 'latin1').toString('utf8'),
        line: length < 0 ? undefined : { offset: Number(text.slice(second + 1, third)), length },
      });
      start = end + 1;
    }
    return entries;
  }

  /** The bytes of one spilled line, decoded; memory is that one line. */
  lineOf(ref: LineRef): string {
    if (this.reader === undefined) this.reader = openSync(this.dataPath(), 'r');
    if (this.readBuffer.length < ref.length) this.readBuffer = Buffer.allocUnsafe(ref.length);
    let read = 0;
    while (read < ref.length) {
      const got = readSync(this.reader, this.readBuffer, read, ref.length - read, ref.offset + read);
      if (got === 0) throw new Error(`internal: spill data ends before offset ${ref.offset + ref.length}`);
      read += got;
    }
    return this.readBuffer.toString('utf8', 0, ref.length);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.files.map((file) => file.close().catch(() => undefined)));
    this.files.length = 0;
    await this.data?.close().catch(() => undefined);
    this.data = undefined;
    if (this.reader !== undefined) closeSync(this.reader);
    this.reader = undefined;
    await rm(this.folder, { recursive: true, force: true });
    this.forgetUndo();
  }

  private async flush(index: number): Promise<void> {
    const used = this.buffered[index] as number;
    if (used === 0) return;
    this.buffered[index] = 0;
    // writeFile on a handle writes all of it from the current position (write() may write part of it).
    await (this.files[index] as FileHandle).writeFile((this.buffers[index] as Buffer).subarray(0, used));
  }

  private async flushData(): Promise<void> {
    if (this.dataBuffered === 0) return;
    const used = this.dataBuffered;
    this.dataBuffered = 0;
    await (this.data as FileHandle).writeFile(this.dataBuffer.subarray(0, used));
  }
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
