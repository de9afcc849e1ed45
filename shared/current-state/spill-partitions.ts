import { type FileHandle, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { undoOnInterrupt } from '../output/interrupt-cleanup.js';

/** One spilled record: which input it came from, its raw id, and its line (absent when only the id counts). */
export interface SpilledEntry {
  seq: number;
  id: string;
  line: string | undefined;
}

const FLUSH_BYTES = 16 * 1024;
const NEWLINE = 0x0a;

/**
 * Hash-partitions records by id into files in a temp folder, so each partition can be deduplicated in
 * memory on its own: memory is one partition plus a small write buffer per partition, whatever the total.
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
    const partitions = new SpillPartitions(await mkdtemp(join(parent, 'current-state-')), count);
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

  private pathOf(index: number): string {
    return join(this.folder, `partition-${index}.tsv`);
  }

  /** Buffers one entry; a promise only when a buffer had to be written first (await it before the next add). */
  add(seq: number, id: string, line: string | undefined): Promise<void> | undefined {
    const index = partitionOf(id, this.count);
    const head = `${seq}\t${id}\t`;
    // Written piece by piece: no string is built per record.
    const bytes = Buffer.byteLength(head) + (line === undefined ? 0 : Buffer.byteLength(line)) + 1;
    const used = this.buffered[index] as number;
    if (used + bytes > FLUSH_BYTES) return this.flushThenAdd(index, `${head}${line ?? ''}\n`, bytes);
    const buffer = this.buffers[index] as Buffer;
    let at = used + buffer.write(head, used);
    if (line !== undefined) at += buffer.write(line, at);
    buffer[at] = NEWLINE;
    this.buffered[index] = at + 1;
    return undefined;
  }

  private async flushThenAdd(index: number, text: string, bytes: number): Promise<void> {
    await this.flush(index);
    if (bytes > FLUSH_BYTES) {
      await (this.files[index] as FileHandle).writeFile(text, 'utf8');
      return;
    }
    this.buffered[index] = (this.buffers[index] as Buffer).write(text, 0);
  }

  /** Writes what is buffered; call once after the last `add`. */
  async finish(): Promise<void> {
    for (let index = 0; index < this.count; index += 1) await this.flush(index);
    await Promise.all(this.files.map((file) => file.close()));
    this.files.length = 0;
  }

  /** One partition's entries in the order added. The file is read whole: a partition is sized to fit. */
  async entries(index: number): Promise<SpilledEntry[]> {
    const text = await readFile(this.pathOf(index), 'utf8');
    const entries: SpilledEntry[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const tab = text.indexOf('\t', start);
      const second = text.indexOf('\t', tab + 1);
      entries.push({
        seq: Number(text.slice(start, tab)),
        id: text.slice(tab + 1, second),
        line: second + 1 < end ? text.slice(second + 1, end) : undefined,
      });
      start = end + 1;
    }
    return entries;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.files.map((file) => file.close().catch(() => undefined)));
    this.files.length = 0;
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
