import type { FileEntry } from '../output/manifest.js';
import type { Sink } from '../output/sink.js';
import { joinKey } from '../output/sink.js';
import { ParquetPartWriter } from './parquet-part-writer.js';
import type { LineChunk, LineRef } from './partition-reader.js';
import type { RecordSchema } from './record-schema.js';
import { resolveSchema, SchemaCollector, type SchemaOf } from './schema-collector.js';
import type { SpillPartitions } from './spill-partitions.js';

const BYTES_PER_READ = 1024 * 1024;

export interface ColumnarResult {
  schema: RecordSchema;
  /** Parquet files, paths relative to the version folder. */
  files: FileEntry[];
}

/**
 * The schema and the Parquet copy of one current state, from the same merge as its NDJSON. While the merge
 * writes the NDJSON, every live line is also walked once for its schema (no record is built), and where each
 * line lies in its spill file is kept (8 bytes a line). Parquet needs its columns' types before its first row,
 * so once the schema is known the same lines are read again from the local spill files — not from storage —
 * and written as typed columns.
 */
export class ColumnarCopy {
  private readonly collector = new SchemaCollector();
  /** Per partition: [offset, length] pairs of its live lines, in file order. */
  private readonly live: Uint32Array[] = [];
  private writer: ParquetPartWriter | undefined;

  constructor(
    private readonly where: string,
    private readonly previous: RecordSchema | undefined,
  ) {}

  /** The live lines of one merged chunk, for the schema. */
  observe(chunk: LineChunk): void {
    const text = chunk.bytes.toString('utf8');
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.collector.add(text.slice(start, end), this.where);
      start = end + 1;
    }
  }

  /** Where partition `index`'s live lines lie in its spill file. */
  remember(index: number, refs: readonly LineRef[]): void {
    const sorted = [...refs].sort((a, b) => a.offset - b.offset);
    const pairs = new Uint32Array(sorted.length * 2);
    sorted.forEach((ref, at) => {
      pairs[at * 2] = ref.offset;
      pairs[at * 2 + 1] = ref.length;
    });
    this.live[index] = pairs;
  }

  get records(): number {
    return this.collector.records;
  }

  /** Resolves the schema, then writes the Parquet files into `folder`. */
  async write(
    sink: Sink,
    folder: string,
    partitions: SpillPartitions,
    of: SchemaOf,
    maxPartBytes: number,
  ): Promise<ColumnarResult> {
    const schema = resolveSchema(of, this.collector.observed(), this.previous);
    if (schema.fields.length === 0) return { schema, files: [] };
    const writer = new ParquetPartWriter({ sink, folder, fields: schema.fields, maxPartBytes });
    this.writer = writer;
    for (let index = 0; index < partitions.count; index += 1) {
      const pairs = this.live[index];
      if (!pairs || pairs.length === 0) continue;
      const refs: LineRef[] = [];
      for (let at = 0; at < pairs.length; at += 2)
        refs.push({ offset: pairs[at] as number, length: pairs[at + 1] as number });
      for (const chunk of partitions.lineChunks(index, refs, BYTES_PER_READ)) {
        const text = chunk.bytes.toString('utf8');
        let start = 0;
        for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
          if (writer.add(text.slice(start, end), this.where)) await writer.flushRowGroup();
          start = end + 1;
        }
      }
    }
    return { schema, files: await writer.close() };
  }

  async abort(sink: Sink, folder: string): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    await writer.abort().catch(() => undefined);
    await Promise.all(writer.files.map((file) => sink.delete(joinKey(folder, file.path)).catch(() => undefined)));
  }
}
