/**
 * Column names as dlt's default `snake_case` naming makes them: `updatedAt` → `updated_at`, `HTTPCode` →
 * `http_code`, other characters → `_`, a leading digit prefixed with `_`, trailing `_` → `x`, runs of `_` made
 * one. BI tools, Glue (lowercase only) and SQL without quoting all accept the result.
 */
export function snakeCase(key: string): string {
  let name = key.replace(/[+*]/g, 'x').replace(/@/g, 'a').replace(/\|/g, 'l').replace(/-/g, '_');
  name = name.replace(/[^a-zA-Z0-9_]+/g, '_');
  name = name.replace(/([^_])([A-Z][a-z]+)/g, '$1_$2');
  name = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  if (/^\d/.test(name)) name = `_${name}`;
  const stripped = name.replace(/_+$/, '');
  name = stripped + 'x'.repeat(name.length - stripped.length);
  name = name.replace(/__+/g, '_');
  return name.length > 0 ? name : '_';
}

/** Names a table's partitions use: a field may not take them. */
export const PARTITION_COLUMNS: readonly string[] = ['account', 'dt', 'run'];

export interface NamedKey {
  key: string;
  column: string;
  /** The snake_case name it would have had, when that was taken. */
  wanted?: string;
}

/**
 * Columns for new keys, given the names already taken (earlier publishes' columns keep theirs, so a column
 * never changes name). A key that already is its snake_case name is named first, then the others in code-unit
 * order; a name already taken gets `_2`, `_3`, … — the same keys in the same history always get the same names.
 */
export function nameNewKeys(keys: readonly string[], taken: Iterable<string>): NamedKey[] {
  const used = new Set<string>([...PARTITION_COLUMNS, ...taken]);
  const named: NamedKey[] = [];
  const wanted = new Map(keys.map((key) => [key, snakeCase(key)]));
  const rank = (key: string) => (wanted.get(key) === key ? 0 : 1);
  for (const key of [...keys].sort((a, b) => rank(a) - rank(b) || compareCodeUnits(a, b))) {
    const name = wanted.get(key) as string;
    let column = name;
    for (let suffix = 2; used.has(column); suffix += 1) column = `${name}_${suffix}`;
    used.add(column);
    named.push(column === name ? { key, column } : { key, column, wanted: name });
  }
  return named;
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
