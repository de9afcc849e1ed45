import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { parquetPartName } from '../layout/index.js';
import type { FileEntry } from '../output/manifest.js';
import type { Sink } from '../output/sink.js';
import { joinKey } from '../output/sink.js';
import { type ParquetElement, ParquetRows, parquetSchemaOf } from './parquet-rows.js';
import type { SchemaField } from './record-schema.js';

export interface ParquetPartOptions {
  sink: Sink;
  folder: string;
  /** A local folder the files are written to first (the spill folder: removed with it). */
  stagingDir: string;
  fields: readonly SchemaField[];
  /** Keys without a column (null in every record). */
  nullOnlyKeys?: ReadonlySet<string>;
  /** Start a new file once one holds this many bytes. */
  maxPartBytes: number;
  /** A row group ends at this many rows… */
  rowGroupRows?: number;
  /** …or once its lines hold this much text, whichever comes first: what bounds the memory of a row group. */
  rowGroupChars?: number;
}

/**
 * The writer holds a row group as JS values and then per value encoded bytes: 8k rows or 2 MB of text keep that
 * well inside the Lambda's heap, and still give readers row groups worth skipping by their statistics.
 */
const ROW_GROUP_ROWS = 8_192;
const ROW_GROUP_CHARS = 2 * 1024 * 1024;

/**
 * hyparquet-writer's byte writer, appending each row group's bytes to a local file (hashed and counted). The
 * files are uploaded once the NDJSON parts are stored: two multipart uploads at once would each buffer parts.
 */
class FileWriter extends ByteWriter {
  readonly hash: Hash = createHash('sha256');
  stored = 0;
  private readonly fd: number;

  constructor(readonly path: string) {
    super(1024 * 1024);
    this.fd = openSync(path, 'w');
  }

  /** Synchronous, as the spill files: a write lands in the page cache in microseconds. */
  flush(): void {
    const bytes = new Uint8Array(this.buffer, 0, this.index);
    for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at, bytes.length - at);
    this.hash.update(bytes);
    this.stored += bytes.length;
    this.index = 0;
  }

  override finish(): void {
    this.flush();
    this.close();
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }
}

interface OpenFile {
  path: string;
  bytes: FileWriter;
  parquet: ParquetWriter;
  records: number;
}

/**
 * Writes the current state's rows as Parquet files (`part-00000.parquet`, …), one column per schema field,
 * row groups bounded by rows and text so memory stays flat, each file's bytes hashed like the NDJSON parts.
 */
export class ParquetPartWriter {
  readonly files: FileEntry[] = [];
  private readonly rows: ParquetRows;
  private readonly schema: ParquetElement[];
  private open: OpenFile | undefined;
  private nextIndex = 0;

  constructor(private readonly options: ParquetPartOptions) {
    this.rows = new ParquetRows(options.fields, options.nullOnlyKeys);
    this.schema = parquetSchemaOf(options.fields);
  }

  /** Adds one record; true when its row group is full and `flushRowGroup` must be awaited (no await per row). */
  add(line: string, where: string): boolean {
    this.rows.add(line, where);
    return this.full;
  }

  /** The rows being collected, for a caller that feeds them member by member. */
  get pending(): ParquetRows {
    return this.rows;
  }

  get full(): boolean {
    return (
      this.rows.rows >= (this.options.rowGroupRows ?? ROW_GROUP_ROWS) ||
      this.rows.size >= (this.options.rowGroupChars ?? ROW_GROUP_CHARS)
    );
  }

  /** Ends the last file; the files are then complete on local disk, not yet stored (`upload`). */
  async close(): Promise<FileEntry[]> {
    await this.flushRowGroup();
    // An empty current state still gets one file, so readers find the columns.
    if (this.files.length === 0 && !this.open) this.openFile();
    this.closeFile();
    return this.files;
  }

  /** Stores the closed files in the sink, one at a time, each removed locally once stored. */
  async upload(): Promise<void> {
    const { sink, folder, stagingDir } = this.options;
    for (const file of this.files) {
      const local = join(stagingDir, file.path);
      const upload = sink.openUpload(joinKey(folder, file.path), 'application/vnd.apache.parquet');
      try {
        for await (const chunk of createReadStream(local, { highWaterMark: 1024 * 1024 }))
          await upload.write(chunk as Buffer);
        await upload.finish();
      } catch (error) {
        await upload.abort().catch(() => undefined);
        throw error;
      }
      rmSync(local, { force: true });
    }
  }

  /** Drops the open file and every local file (stored ones are the caller's to delete). */
  async abort(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    open?.bytes.close();
    for (const path of [...this.files.map((file) => file.path), ...(open ? [open.path] : [])])
      rmSync(join(this.options.stagingDir, path), { force: true });
  }

  async flushRowGroup(): Promise<void> {
    if (this.rows.rows === 0) return;
    const file = this.open ?? this.openFile();
    const columnData = this.options.fields.map((field, at) => ({
      name: field.column,
      data: this.rows.columns[at] as unknown[],
      // Min/max of free text serves no pushdown worth its cost (ids, numbers and times keep theirs).
      statistics: field.columnType !== 'string',
    }));
    await file.parquet.write({ columnData: columnData as never, rowGroupSize: this.rows.rows });
    file.records += this.rows.rows;
    this.rows.clear();
    if (file.bytes.stored >= this.options.maxPartBytes) this.closeFile();
  }

  private openFile(): OpenFile {
    const path = parquetPartName(this.nextIndex);
    this.nextIndex += 1;
    const bytes = new FileWriter(join(this.options.stagingDir, path));
    const parquet = new ParquetWriter({
      writer: bytes,
      schema: this.schema as never,
      createdBy: 'clinic-pipe (hyparquet-writer)',
    });
    this.open = { path, bytes, parquet, records: 0 };
    return this.open;
  }

  private closeFile(): void {
    const file = this.open;
    if (!file) return;
    file.parquet.finish();
    this.open = undefined;
    this.files.push({
      path: file.path,
      recordCount: file.records,
      bytes: file.bytes.stored,
      sha256: file.bytes.hash.digest('hex'),
    });
  }
}
