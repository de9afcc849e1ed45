import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FileEntry } from '../output/manifest.js';
import type { Sink } from '../output/sink.js';
import { joinKey } from '../output/sink.js';
import { ParquetPartWriter } from './parquet-part-writer.js';
import type { LineChunk, LineRef } from './partition-reader.js';
import { type ValueKind, visitFields } from './record-fields.js';
import type { RecordSchema, SchemaField } from './record-schema.js';
import { resolveSchema, SchemaCollector, type SchemaOf } from './schema-collector.js';
import type { SpillPartitions } from './spill-partitions.js';
import { parquetFieldsOf } from './table-columns.js';

const BYTES_PER_READ = 1024 * 1024;

export interface ColumnarResult {
  schema: RecordSchema;
  /** Parquet files, paths relative to the version folder. */
  files: FileEntry[];
}

export interface ColumnarOptions {
  sink: Sink;
  /** The version folder the Parquet files go to (beside the NDJSON parts). */
  folder: string;
  partitions: SpillPartitions;
  maxPartBytes: number;
  previous: RecordSchema | undefined;
  of: Omit<SchemaOf, 'recordCount'>;
  /**
   * Where partition `index`'s live lines lie in its spill file, merged again when asked: only the first
   * partition(s), or every one in the rare publish whose types change, so nothing is held per line.
   */
  liveRefs: (index: number) => LineRef[];
}

/**
 * The schema and the Parquet copy of one current state, from the same merge as its NDJSON: each live line is
 * walked once, for its schema and its Parquet row together (no record is built). Parquet needs its columns'
 * types before its first row: they are taken from the previous schema and the first merged partition (a
 * hash-sample of the records), whose lines are then read again from the local spill file. If a later record
 * does not fit those types (a new field, a wider type) the tentative files are dropped and, once the schema
 * is known, each partition is merged again and its live lines read again from the spill files — local disk,
 * not storage — and written.
 */
export class ColumnarCopy {
  private readonly collector = new SchemaCollector();
  private writer: ParquetPartWriter | undefined;
  private tentative: readonly SchemaField[] | undefined;
  private misfit = false;

  constructor(private readonly options: ColumnarOptions) {}

  private readonly both = (key: string, kind: ValueKind, start: number, end: number, escaped: boolean) => {
    this.collector.count(key, kind);
    if (!this.misfit && !this.writer?.pending.accept(key, kind, start, end, escaped)) this.misfit = true;
  };

  /** The live lines of one merged chunk: their schema, and their rows while the tentative types hold. */
  async observe(chunk: LineChunk): Promise<void> {
    const text = chunk.bytes.toString('utf8');
    const where = this.options.folder;
    const writer = this.writer && !this.misfit ? this.writer : undefined;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const line = text.slice(start, end);
      start = end + 1;
      this.collector.records += 1;
      if (!writer || this.misfit) {
        visitFields(line, where, this.collector.count);
        continue;
      }
      writer.pending.begin(line);
      visitFields(line, where, this.both);
      if (this.misfit) writer.pending.discard();
      else writer.pending.end();
    }
    if (writer && this.misfit) await this.drop();
    else if (writer?.full) await writer.flushRowGroup();
  }

  /** After partition `index` is merged: the first one with records fixes the tentative types. */
  async merged(index: number): Promise<void> {
    if (this.tentative || this.collector.records === 0) return;
    const schema = resolveSchema(
      { ...this.options.of, recordCount: 0 },
      this.collector.observed(),
      this.options.previous,
    );
    this.tentative = parquetFieldsOf(schema);
    this.writer = this.newWriter(schema);
    for (let read = 0; read <= index; read += 1) await this.rewrite(this.writer, read);
  }

  get records(): number {
    return this.collector.records;
  }

  /** The schema of what was merged, and the Parquet files (kept if the tentative types held, else rewritten). */
  async finish(): Promise<ColumnarResult> {
    const { of, previous, partitions } = this.options;
    const schema = resolveSchema(
      { ...of, recordCount: this.collector.records },
      this.collector.observed(),
      previous,
    );
    const fields = parquetFieldsOf(schema);
    if (fields.length === 0) {
      await this.drop();
      return { schema, files: [] };
    }
    if (this.writer && !this.misfit && sameColumns(this.tentative ?? [], fields))
      return { schema, files: await this.stored(this.writer) };
    await this.drop();
    const writer = this.newWriter(schema);
    this.writer = writer;
    for (let index = 0; index < partitions.count; index += 1) await this.rewrite(writer, index);
    return { schema, files: await this.stored(writer) };
  }

  /** Removes every Parquet file written so far (on failure, or when the tentative types did not hold). */
  async drop(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    this.misfit = true;
    if (!writer) return;
    const { sink, folder } = this.options;
    await writer.abort().catch(() => undefined);
    await Promise.all(
      writer.files.map((file) => sink.delete(joinKey(folder, file.path)).catch(() => undefined)),
    );
  }

  /** Closes the writer's files and stores them (after the NDJSON parts: one upload at a time). */
  private async stored(writer: ParquetPartWriter): Promise<FileEntry[]> {
    const files = await writer.close();
    await writer.upload();
    return files;
  }

  private newWriter(schema: RecordSchema): ParquetPartWriter {
    const { sink, folder, maxPartBytes } = this.options;
    const stagingDir = join(this.options.partitions.directory, 'parquet');
    mkdirSync(stagingDir, { recursive: true });
    const fields = parquetFieldsOf(schema);
    const columns = new Set(fields.map((field) => field.key));
    const nullOnlyKeys = new Set(
      schema.fields.filter((field) => !columns.has(field.key)).map((field) => field.key),
    );
    return new ParquetPartWriter({ sink, folder, stagingDir, fields, maxPartBytes, nullOnlyKeys });
  }

  /** Writes partition `index`'s live lines again, read from its spill file. */
  private async rewrite(writer: ParquetPartWriter, index: number): Promise<void> {
    const refs = this.options.liveRefs(index);
    if (refs.length === 0) return;
    for (const chunk of this.options.partitions.lineChunks(index, refs, BYTES_PER_READ)) {
      const text = chunk.bytes.toString('utf8');
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        if (writer.add(text.slice(start, end), this.options.folder)) await writer.flushRowGroup();
        start = end + 1;
      }
    }
  }
}

function sameColumns(a: readonly SchemaField[], b: readonly SchemaField[]): boolean {
  return (
    a.length === b.length &&
    a.every((field, at) => {
      const other = b[at] as SchemaField;
      return (
        field.key === other.key && field.column === other.column && field.columnType === other.columnType
      );
    })
  );
}
