import { createHash, type Hash } from 'node:crypto';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { FileEntry } from '../output/manifest.js';
import type { Sink, Upload } from '../output/sink.js';
import { joinKey } from '../output/sink.js';
import { type ParquetElement, ParquetRows, parquetSchemaOf } from './parquet-rows.js';
import type { SchemaField } from './record-schema.js';

export interface ParquetPartOptions {
  sink: Sink;
  folder: string;
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

/** hyparquet-writer's byte writer, handing each row group's bytes to an upload (hashed and counted). */
class UploadWriter extends ByteWriter {
  readonly hash: Hash = createHash('sha256');
  stored = 0;

  constructor(private readonly upload: Upload) {
    super(1024 * 1024);
  }

  flush(): Promise<void> {
    // A copy: the buffer is reused for the next row group while the upload may still hold the chunk.
    const bytes = Buffer.from(this.buffer.slice(0, this.index));
    this.index = 0;
    this.hash.update(bytes);
    this.stored += bytes.length;
    return this.upload.write(bytes);
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

interface OpenFile {
  path: string;
  upload: Upload;
  bytes: UploadWriter;
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

  async close(): Promise<FileEntry[]> {
    await this.flushRowGroup();
    // An empty current state still gets one file, so readers find the columns.
    if (this.files.length === 0 && !this.open) this.openFile();
    await this.closeFile();
    return this.files;
  }

  async abort(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    if (open) await open.upload.abort();
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
    if (file.bytes.stored >= this.options.maxPartBytes) await this.closeFile();
  }

  private openFile(): OpenFile {
    const path = `part-${String(this.nextIndex).padStart(5, '0')}.parquet`;
    this.nextIndex += 1;
    const upload = this.options.sink.openUpload(
      joinKey(this.options.folder, path),
      'application/vnd.apache.parquet',
    );
    const bytes = new UploadWriter(upload);
    const parquet = new ParquetWriter({
      writer: bytes,
      schema: this.schema as never,
      createdBy: 'clinic-pipe (hyparquet-writer)',
    });
    this.open = { path, upload, bytes, parquet, records: 0 };
    return this.open;
  }

  private async closeFile(): Promise<void> {
    const file = this.open;
    if (!file) return;
    await file.parquet.finish();
    await file.upload.finish();
    this.open = undefined;
    this.files.push({
      path: file.path,
      recordCount: file.records,
      bytes: file.bytes.stored,
      sha256: file.bytes.hash.digest('hex'),
    });
  }
}
