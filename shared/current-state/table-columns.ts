import type { RecordSchema, SchemaField } from './record-schema.js';

/** A Glue column as the tables name and type it. */
export interface TableColumn {
  name: string;
  type: string;
  /**
   * The data says nothing of its type (the field was only ever null here, or is retired): added when missing,
   * never retyping a column (another account's data, or an earlier version, may know better).
   */
  weak?: boolean;
}

/** Fields the Parquet copy has a column for: a field that is null in every record has none (it reads as null). */
export function parquetFieldsOf(schema: RecordSchema): SchemaField[] {
  return schema.fields.filter((field) => !nullOnly(field));
}

/** The current state's table reads the Parquet copy: one column per field, its Parquet type. */
export function parquetColumnsOf(schema: RecordSchema): TableColumn[] {
  return [
    ...schema.fields.map((field) => ({ name: field.column, type: field.columnType, weak: nullOnly(field) })),
    ...schema.retired.map((field) => ({ name: field.column, type: field.columnType, weak: true })),
  ];
}

function nullOnly(field: SchemaField): boolean {
  return field.types.every((type) => type === 'null');
}

const JSON_KEY_COLUMN = /^[a-z0-9_]+$/;

/**
 * A `_runs` table reads the NDJSON with the Hive JSON SerDe, which matches a column to the key that lowercases
 * to its name and parses ISO text only as text. So: scalar fields whose lowercased key is a plain name no
 * other key shares; numbers and booleans typed, everything else text. Nested values are left out (the SerDe
 * would want a struct), as are keys that lowercase to the same name.
 */
export function jsonColumnsOf(schema: RecordSchema): TableColumn[] {
  const retired = new Set(schema.retired.map((field) => field.key));
  const fields = [...schema.fields, ...schema.retired];
  const counts = new Map<string, number>();
  for (const field of fields)
    counts.set(field.key.toLowerCase(), (counts.get(field.key.toLowerCase()) ?? 0) + 1);
  return fields.flatMap((field) => {
    const name = field.key.toLowerCase();
    if (!JSON_KEY_COLUMN.test(name) || counts.get(name) !== 1 || nested(field)) return [];
    return [{ name, type: jsonTypeOf(field), weak: retired.has(field.key) || nullOnly(field) }];
  });
}

function nested(field: SchemaField): boolean {
  return field.types.includes('object') || field.types.includes('array');
}

function jsonTypeOf(field: SchemaField): string {
  if (field.columnType === 'bigint' || field.columnType === 'double' || field.columnType === 'boolean')
    return field.columnType;
  return 'string';
}

/**
 * A table's columns after a publish: every column it has keeps its place (a column the data no longer holds
 * reads as null rather than breaking saved queries), a column the schema types is given that type, new ones
 * are appended. Undefined when nothing changes.
 */
export function updatedColumns(
  existing: readonly TableColumn[],
  wanted: readonly TableColumn[],
): TableColumn[] | undefined {
  const types = new Map(wanted.filter((column) => !column.weak).map((column) => [column.name, column.type]));
  const have = new Set(existing.map((column) => column.name));
  const next = [
    ...existing.map((column) => ({ name: column.name, type: types.get(column.name) ?? column.type })),
    ...wanted.filter((column) => !have.has(column.name)).map(({ name, type }) => ({ name, type })),
  ];
  const same =
    next.length === existing.length &&
    next.every((column, at) => column.type === (existing[at] as TableColumn).type);
  return same ? undefined : next;
}
