import { z } from 'zod';

/** A column's type, named as Glue/Athena name it; the Parquet copy stores the matching physical type. */
export const columnTypes = ['boolean', 'bigint', 'double', 'timestamp', 'date', 'string'] as const;
export type ColumnType = (typeof columnTypes)[number];
export const jsonTypes = ['null', 'boolean', 'integer', 'number', 'string', 'object', 'array'] as const;
export type JsonType = (typeof jsonTypes)[number];

const fieldSchema = z.object({
  /** The top-level JSON key as the API sends it. */
  key: z.string(),
  /** Its column in the Parquet copy and the tables (snake_case). */
  column: z.string(),
  /** JSON types seen in the current state, sorted. */
  types: z.array(z.enum(jsonTypes)),
  /** Every non-null string was an ISO date (`date`) or an ISO timestamp with a zone (`date-time`). */
  format: z.enum(['date', 'date-time']).optional(),
  columnType: z.enum(columnTypes),
  /** Records holding the key (null included), and those where it is null. */
  present: z.number().int().nonnegative(),
  nulls: z.number().int().nonnegative(),
});
export type SchemaField = z.infer<typeof fieldSchema>;

const widenedSchema = z.object({
  key: z.string(),
  column: z.string(),
  fromTypes: z.array(z.enum(jsonTypes)),
  toTypes: z.array(z.enum(jsonTypes)),
  fromColumnType: z.enum(columnTypes),
  toColumnType: z.enum(columnTypes),
});
export type WidenedField = z.infer<typeof widenedSchema>;

export const schemaChangesSchema = z.object({
  /** The version compared with (its run id); absent on the first publish. */
  since: z.string().optional(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  widened: z.array(widenedSchema),
});
export type SchemaChanges = z.infer<typeof schemaChangesSchema>;

/**
 * `current/_schema.json`: the schema of the current state, discovered from its records at each publish. A
 * column keeps its name and never narrows while it exists; keys no longer seen move to `retired` (their names
 * stay taken, their columns stay in the tables, reading as null).
 */
export const recordSchemaSchema = z.object({
  source: z.string(),
  resource: z.string(),
  asOf: z.object({ runId: z.string() }),
  recordCount: z.number().int().nonnegative(),
  naming: z.literal('snake_case'),
  fields: z.array(fieldSchema),
  retired: z.array(fieldSchema),
  /** Keys whose snake_case name was taken (by another key or a partition), and the name they got. */
  collisions: z.array(z.object({ key: z.string(), column: z.string(), wanted: z.string() })),
  changes: schemaChangesSchema,
});
export type RecordSchema = z.infer<typeof recordSchemaSchema>;

export function hasChanges(changes: SchemaChanges): boolean {
  return changes.added.length + changes.removed.length + changes.widened.length > 0;
}

/** The narrowest type both values fit (numbers meet in double; anything else mixed is text). */
export function joinColumnTypes(a: ColumnType | undefined, b: ColumnType): ColumnType {
  if (a === undefined || a === b) return b;
  if ((a === 'bigint' && b === 'double') || (a === 'double' && b === 'bigint')) return 'double';
  return 'string';
}
