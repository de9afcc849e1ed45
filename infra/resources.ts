import { CLINIKO_RESOURCES } from '../shared/cliniko/resources.js';
import { WELKIN_RESOURCES } from '../shared/welkin/resources.js';

export interface ColumnSpec {
  readonly name: string;
  /** Athena/Hive type; defaults to string (nested values then arrive as JSON text). */
  readonly type?: string;
  /** Field name in the JSON record when it differs from the (lowercase) column name. */
  readonly jsonKey?: string;
}

export interface ResourceSpec {
  readonly name: string;
  readonly columns?: readonly ColumnSpec[];
}

/**
 * What the stack needs of each exported resource (Map defaults, one Glue table each), taken from the same
 * lists the exporters use so the catalog and the exports cannot drift. A resource may declare `columns`;
 * otherwise its table gets the source's default columns.
 */
function specsOf(resources: readonly { name: string; columns?: readonly ColumnSpec[] }[]): ResourceSpec[] {
  return resources.map((resource) => ({ name: resource.name, columns: resource.columns }));
}

export const CLINIKO_RESOURCE_SPECS: readonly ResourceSpec[] = specsOf(CLINIKO_RESOURCES);

export const WELKIN_RESOURCE_SPECS: readonly ResourceSpec[] = specsOf(WELKIN_RESOURCES);

/** Columns every Cliniko table gets when the resource declares none (the JSON SerDe ignores the rest). */
export const CLINIKO_DEFAULT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'id' },
  { name: 'created_at' },
  { name: 'updated_at' },
  { name: 'archived_at' },
];

/** Welkin records are camelCase; Glue columns are lowercase, so map them explicitly. */
export const WELKIN_DEFAULT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'id' },
  { name: 'created_at', jsonKey: 'createdAt' },
  { name: 'updated_at', jsonKey: 'updatedAt' },
];
