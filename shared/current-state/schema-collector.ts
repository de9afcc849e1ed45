import { nameNewKeys } from './column-names.js';
import { type ValueKind, visitFields } from './record-fields.js';
import {
  type ColumnType,
  type JsonType,
  joinColumnTypes,
  type RecordSchema,
  type SchemaChanges,
  type SchemaField,
} from './record-schema.js';

const KINDS: readonly ValueKind[] = [
  'null',
  'boolean',
  'int64',
  'bigint',
  'double',
  'string',
  'date',
  'timestamp',
  'object',
  'array',
];
const KIND_INDEX = new Map(KINDS.map((kind, index) => [kind, index]));
const JSON_TYPE: Record<ValueKind, JsonType> = {
  null: 'null',
  boolean: 'boolean',
  int64: 'integer',
  bigint: 'integer',
  double: 'number',
  string: 'string',
  date: 'string',
  timestamp: 'string',
  object: 'object',
  array: 'array',
};
/** An integer beyond int64 stays text: no float may stand for an id. */
const COLUMN_TYPE: Record<ValueKind, ColumnType | undefined> = {
  null: undefined,
  boolean: 'boolean',
  int64: 'bigint',
  bigint: 'string',
  double: 'double',
  string: 'string',
  date: 'date',
  timestamp: 'timestamp',
  object: 'string',
  array: 'string',
};

/** Counts per value kind of every top-level key, over the records of one current state. */
export class SchemaCollector {
  /** key -> count per kind (KINDS order); insertion order is first-seen order. */
  private readonly counts = new Map<string, number[]>();
  records = 0;

  /** Counts one member of the current record (for a caller walking the record itself). */
  readonly count = (key: string, kind: ValueKind): void => {
    let counts = this.counts.get(key);
    if (counts === undefined) {
      counts = new Array<number>(KINDS.length).fill(0);
      this.counts.set(key, counts);
    }
    (counts[KIND_INDEX.get(kind) as number] as number) += 1;
  };

  /** Adds one NDJSON record (its text is validated, never built). */
  add(line: string, where: string): void {
    this.records += 1;
    visitFields(line, where, this.count);
  }

  /** Kinds seen per key, first-seen order. */
  observed(): Map<string, Map<ValueKind, number>> {
    const result = new Map<string, Map<ValueKind, number>>();
    for (const [key, counts] of this.counts) {
      const kinds = new Map<ValueKind, number>();
      counts.forEach((count, index) => {
        if (count > 0) kinds.set(KINDS[index] as ValueKind, count);
      });
      result.set(key, kinds);
    }
    return result;
  }
}

export interface SchemaOf {
  source: string;
  resource: string;
  runId: string;
  recordCount: number;
}

/**
 * The schema of a new current state: what this merge saw, named and typed on top of the previous schema (a
 * column keeps its name, and its type only ever widens), with what changed since.
 */
export function resolveSchema(
  of: SchemaOf,
  observed: Map<string, Map<ValueKind, number>>,
  previous: RecordSchema | undefined,
): RecordSchema {
  const before = new Map<string, SchemaField>();
  for (const field of [...(previous?.retired ?? []), ...(previous?.fields ?? [])])
    before.set(field.key, field);
  const newKeys = [...observed.keys()].filter((key) => !before.has(key));
  const named = new Map(
    nameNewKeys(
      newKeys,
      [...before.values()].map((f) => f.column),
    ).map((n) => [n.key, n]),
  );
  const order = [
    ...(previous?.fields ?? []).map((f) => f.key).filter((key) => observed.has(key)),
    ...newKeys,
  ];
  for (const key of observed.keys()) if (!order.includes(key)) order.push(key);
  const fields = order.map((key) => {
    const kinds = observed.get(key) as Map<ValueKind, number>;
    const prior = before.get(key);
    return fieldOf(key, prior?.column ?? (named.get(key)?.column as string), kinds, prior);
  });
  const retired = [...before.values()]
    .filter((field) => !observed.has(field.key))
    .map((field) => ({ ...field, present: 0, nulls: 0 }));
  const collisions = [
    ...(previous?.collisions ?? []),
    ...[...named.values()].flatMap((n) =>
      n.wanted ? [{ key: n.key, column: n.column, wanted: n.wanted }] : [],
    ),
  ];
  return {
    source: of.source,
    resource: of.resource,
    asOf: { runId: of.runId },
    recordCount: of.recordCount,
    naming: 'snake_case',
    fields,
    retired,
    collisions,
    changes: changesOf(previous, fields),
  };
}

function fieldOf(
  key: string,
  column: string,
  kinds: Map<ValueKind, number>,
  prior: SchemaField | undefined,
): SchemaField {
  let seen: ColumnType | undefined;
  for (const kind of kinds.keys()) {
    const type = COLUMN_TYPE[kind];
    if (type !== undefined) seen = joinColumnTypes(seen, type);
  }
  const priorType = prior?.types.some((type) => type !== 'null') ? prior.columnType : undefined;
  const columnType =
    priorType === undefined
      ? (seen ?? 'string')
      : seen === undefined
        ? priorType
        : joinColumnTypes(priorType, seen);
  const types = [...new Set([...kinds.keys()].map((kind) => JSON_TYPE[kind]))].sort();
  const stringKinds = [...kinds.keys()].filter((kind) => JSON_TYPE[kind] === 'string');
  const format =
    stringKinds.length === 1 && stringKinds[0] === 'date'
      ? 'date'
      : stringKinds.length === 1 && stringKinds[0] === 'timestamp'
        ? 'date-time'
        : undefined;
  let present = 0;
  for (const count of kinds.values()) present += count;
  const field: SchemaField = { key, column, types, columnType, present, nulls: kinds.get('null') ?? 0 };
  if (format) field.format = format;
  return field;
}

function changesOf(previous: RecordSchema | undefined, fields: readonly SchemaField[]): SchemaChanges {
  const was = new Map((previous?.fields ?? []).map((field) => [field.key, field]));
  const now = new Set(fields.map((field) => field.key));
  const changes: SchemaChanges = { added: [], removed: [], widened: [] };
  if (previous) changes.since = previous.asOf.runId;
  for (const field of fields) {
    const prior = was.get(field.key);
    if (!prior) {
      changes.added.push(field.key);
      continue;
    }
    const gained = field.types.some((type) => !covers(prior.types, type));
    if (gained || prior.columnType !== field.columnType)
      changes.widened.push({
        key: field.key,
        column: field.column,
        fromTypes: prior.types,
        toTypes: field.types,
        fromColumnType: prior.columnType,
        toColumnType: field.columnType,
      });
  }
  for (const key of was.keys()) if (!now.has(key)) changes.removed.push(key);
  return changes;
}

/** Whether types seen before already admit `type` (null is no type; a number admits an integer). */
function covers(types: readonly JsonType[], type: JsonType): boolean {
  return type === 'null' || types.includes(type) || (type === 'integer' && types.includes('number'));
}
