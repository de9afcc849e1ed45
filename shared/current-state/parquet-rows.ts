import { lastTime, type ValueKind, visitFields } from './record-fields.js';
import type { ColumnType, SchemaField } from './record-schema.js';

/** A Parquet schema element as hyparquet-writer takes it (the thrift SchemaElement, snake_case fields). */
export interface ParquetElement {
  name: string;
  type?: string;
  converted_type?: string;
  logical_type?: Record<string, unknown>;
  repetition_type?: string;
  num_children?: number;
}

/**
 * Physical types: ids as INT64 (from their digits, never through a float), timestamps as INT64 microseconds
 * UTC, dates as INT32 days, nested values and text as UTF-8. Converted types are set too, for readers (Hive,
 * older Athena) that only know those.
 */
const ELEMENTS: Record<ColumnType, Omit<ParquetElement, 'name'>> = {
  boolean: { type: 'BOOLEAN' },
  bigint: { type: 'INT64', converted_type: 'INT_64' },
  double: { type: 'DOUBLE' },
  timestamp: {
    type: 'INT64',
    converted_type: 'TIMESTAMP_MICROS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
  },
  date: { type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } },
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
};

export function parquetSchemaOf(fields: readonly SchemaField[]): ParquetElement[] {
  return [
    { name: 'root', num_children: fields.length },
    ...fields.map((field) => ({
      name: field.column,
      ...ELEMENTS[field.columnType],
      repetition_type: 'OPTIONAL',
    })),
  ];
}

type Value = string | number | bigint | boolean | null;
type Convert = (line: string, kind: ValueKind, start: number, end: number, escaped: boolean) => Value;

/** A string value's text: sliced when it has no escape, decoded by JSON.parse only when it has one. */
function text(line: string, kind: ValueKind, start: number, end: number, escaped: boolean): string {
  if (kind === 'string' || kind === 'date' || kind === 'timestamp')
    return escaped ? (JSON.parse(line.slice(start, end)) as string) : line.slice(start + 1, end - 1);
  // Numbers, booleans, objects and arrays as their JSON text, exactly as sent.
  return line.slice(start, end);
}

function unexpected(kind: ValueKind, type: ColumnType): never {
  throw new Error(`internal: a ${kind} value in a ${type} column`);
}

const CONVERT: Record<ColumnType, Convert> = {
  string: text,
  bigint: (line, kind, start, end) =>
    kind === 'int64' ? BigInt(line.slice(start, end)) : unexpected(kind, 'bigint'),
  double: (line, kind, start, end) =>
    kind === 'int64' || kind === 'double' ? Number(line.slice(start, end)) : unexpected(kind, 'double'),
  boolean: (line, kind, start) =>
    kind === 'boolean' ? line.charCodeAt(start) === 0x74 : unexpected(kind, 'boolean'),
  // The walk parsed the value when it classified it.
  timestamp: (_line, kind) => (kind === 'timestamp' ? lastTime.value : unexpected(kind, 'timestamp')),
  date: (_line, kind) => (kind === 'date' ? lastTime.value : unexpected(kind, 'date')),
};

/** Whether a value of `kind` can be stored in a column of `type` as it is (null fits every column). */
export function fits(kind: ValueKind, type: ColumnType): boolean {
  if (kind === 'null' || type === 'string') return true;
  if (type === 'bigint') return kind === 'int64';
  if (type === 'double') return kind === 'int64' || kind === 'double';
  return kind === type;
}

/**
 * Rows of a row group, held column by column as the Parquet writer takes them. A key the record lacks, or a
 * JSON null, is a null; a key absent from the schema cannot occur (the schema was discovered from these rows).
 */
export class ParquetRows {
  readonly columns: Value[][];
  rows = 0;
  /** Text bytes (UTF-16 units) of the lines held: bounds a row group's memory. */
  size = 0;
  private readonly index: Map<string, number>;
  private readonly converts: Convert[];
  private readonly types: ColumnType[];
  private readonly row: Value[];
  private line = '';

  /**
   * @param nullOnly keys the schema knows but the Parquet copy has no column for (null in every record): a null
   * of theirs fits, any value does not.
   */
  constructor(
    readonly fields: readonly SchemaField[],
    private readonly nullOnly: ReadonlySet<string> = new Set(),
  ) {
    this.index = new Map(fields.map((field, at) => [field.key, at]));
    this.converts = fields.map((field) => CONVERT[field.columnType]);
    this.types = fields.map((field) => field.columnType);
    this.columns = fields.map(() => []);
    this.row = new Array<Value>(fields.length).fill(null);
  }

  /**
   * Takes one member of the record begun with `begin`; false (nothing stored) when the schema has no such key
   * or the column cannot hold the value as it is.
   */
  readonly accept = (key: string, kind: ValueKind, start: number, end: number, escaped: boolean): boolean => {
    const at = this.index.get(key);
    if (at === undefined) return kind === 'null' && this.nullOnly.has(key);
    if (kind === 'null') {
      this.row[at] = null;
      return true;
    }
    if (!fits(kind, this.types[at] as ColumnType)) return false;
    this.row[at] = (this.converts[at] as Convert)(this.line, kind, start, end, escaped);
    return true;
  };

  begin(line: string): void {
    this.line = line;
  }

  /** Ends the record begun with `begin`: its row is added. */
  end(): void {
    const row = this.row;
    for (let at = 0; at < row.length; at += 1) {
      (this.columns[at] as Value[]).push(row[at] as Value);
      row[at] = null;
    }
    this.rows += 1;
    this.size += this.line.length;
  }

  /** A whole record, which the schema must fit (it was discovered from these records). */
  add(line: string, where: string): void {
    this.begin(line);
    visitFields(line, where, (key, kind, start, end, escaped) => {
      if (!this.accept(key, kind, start, end, escaped))
        throw new Error(`internal: ${JSON.stringify(key)} (${kind}) does not fit the schema`);
    });
    this.end();
  }

  /** Drops a record begun but not ended. */
  discard(): void {
    this.row.fill(null);
  }

  clear(): void {
    for (const column of this.columns) column.length = 0;
    this.rows = 0;
    this.size = 0;
  }
}
