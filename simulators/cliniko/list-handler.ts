import type { RowWorld } from './data.js';
import { generateFields } from './data.js';
import type { JsonValue } from './json-body.js';
import { RawNumber, toJsonText } from './json-body.js';
import type { Filter, ListQuery, TimeField } from './query.js';
import { SimulatorHttpError } from './query.js';
import { HAS_ACTIVE_FLAG } from './resources.js';
import type { RowMeta } from './row-meta.js';
import { isoSeconds } from './row-meta.js';
import type { ResourceStore, RowPredicate } from './store.js';

const META_FIELD: Record<Exclude<TimeField, 'deleted_at'>, keyof RowMeta> = {
  created_at: 'createdS',
  updated_at: 'updatedS',
  archived_at: 'archivedS',
  cancelled_at: 'cancelledS',
};

/** A date-time column of a row; deleted rows are gone from the simulator, so deleted_at is always null. */
function timeOf(meta: RowMeta, field: TimeField): number | null {
  return field === 'deleted_at' ? null : (meta[META_FIELD[field]] as number | null);
}

/** `/practitioners` lists active ones, `/practitioners/inactive` the rest; other lists ignore the flag. */
export type ActiveVariant = 'active' | 'inactive' | undefined;

/** The full JSON object of one row, its id a bare number (the seeds) or, with `stringIds`, a string. */
export function rowObject(world: RowWorld, store: ResourceStore, i: number): Record<string, JsonValue> {
  const meta = store.meta(i);
  const id = store.idOf(i);
  const row: Record<string, JsonValue> = {
    id: world.stringIds ? String(id) : new RawNumber(String(id)),
    created_at: isoSeconds(meta.createdS),
    updated_at: isoSeconds(meta.updatedS),
    archived_at: meta.archivedS === null ? null : isoSeconds(meta.archivedS),
    deleted_at: null,
  };
  if (store.cancellable) row.cancelled_at = meta.cancelledS === null ? null : isoSeconds(meta.cancelledS);
  if (HAS_ACTIVE_FLAG.has(store.name)) row.active = meta.active;
  Object.assign(row, generateFields(world, store.name, i, meta.edits));
  row.links = { self: `${world.baseUrl}/${store.name}/${id}` };
  return row;
}

const renderedRows = new WeakMap<ResourceStore, Map<number, { version: string; text: string }>>();

/** A row's JSON text; with `cacheRowText`, rendered once per version of the row (edits, flags, base URL). */
function rowText(world: RowWorld, store: ResourceStore, i: number): string {
  if (!world.cacheRowText) return toJsonText(rowObject(world, store, i));
  const meta = store.meta(i);
  const version = `${meta.updatedS}|${meta.archivedS}|${meta.cancelledS}|${meta.active}|${meta.edits}|${world.baseUrl}|${world.stringIds}`;
  const rows = renderedRows.get(store) ?? new Map<number, { version: string; text: string }>();
  renderedRows.set(store, rows);
  const cached = rows.get(i);
  if (cached?.version === version) return cached.text;
  const text = toJsonText(rowObject(world, store, i));
  rows.set(i, { version, text });
  return text;
}

/**
 * Archived rows (and cancelled ones on appointment-like lists) are hidden unless a filter names that
 * column, e.g. `archived_at:*`. Id range filters are not here: they become an index range instead.
 */
function predicateFor(store: ResourceStore, filters: Filter[], variant: ActiveVariant): RowPredicate {
  const showArchived = filters.some((f) => f.field === 'archived_at');
  const showCancelled = !store.cancellable || filters.some((f) => f.field === 'cancelled_at');
  const checks: ((meta: RowMeta, i: number) => boolean)[] = [];
  const keyParts: string[] = [];
  if (!showArchived) checks.push((m) => m.archivedS === null);
  if (!showCancelled) checks.push((m) => m.cancelledS === null);
  keyParts.push(`a${showArchived}`, `c${showCancelled}`);
  if (variant) {
    const wantActive = variant === 'active';
    checks.push((m) => m.active === wantActive);
    keyParts.push(variant);
  }
  for (const f of filters) {
    if (f.field === 'id') {
      if (f.op === '=') {
        const wanted = new Set(f.values);
        checks.push((_m, i) => wanted.has(store.idOf(i)));
      } else if (f.op === '!=') {
        const unwanted = f.values[0] as bigint;
        checks.push((_m, i) => store.idOf(i) !== unwanted);
      } else continue;
      keyParts.push(`id${f.op}${f.values.join(',')}`);
      continue;
    }
    const field = f.field;
    const s = f.seconds ?? 0;
    const test: Record<string, (v: number | null) => boolean> = {
      '*': () => true,
      '?': (v) => v !== null,
      '!?': (v) => v === null,
      '>=': (v) => v !== null && v >= s,
      '>': (v) => v !== null && v > s,
      '<=': (v) => v !== null && v <= s,
      '<': (v) => v !== null && v < s,
    };
    const compare = test[f.op] as (v: number | null) => boolean;
    if (f.op === '*') continue;
    checks.push((m) => compare(timeOf(m, field)));
    keyParts.push(`${f.field}${f.op}${s}`);
  }
  return {
    key: keyParts.join('|'),
    trivial: checks.length === 0,
    test: (meta, i) => checks.every((check) => check(meta, i)),
  };
}

/** Index range [lo, hi) allowed by id range filters (ids rise with the index). */
function idRange(store: ResourceStore, filters: Filter[]): [number, number] {
  let lo = 0;
  let hi = store.size;
  for (const f of filters) {
    if (f.field !== 'id') continue;
    const v = f.values[0] as bigint;
    if (f.op === '>') lo = Math.max(lo, store.lowerBound(v + 1n));
    else if (f.op === '>=') lo = Math.max(lo, store.lowerBound(v));
    else if (f.op === '<') hi = Math.min(hi, store.lowerBound(v));
    else if (f.op === '<=') hi = Math.min(hi, store.lowerBound(v + 1n));
  }
  return [lo, hi];
}

type SortValue = string | number | boolean | bigint | null;

/** Sort value of a field that is not id/created_at; null sorts last ascending, like Postgres. */
function sortValue(world: RowWorld, store: ResourceStore, i: number, field: string): SortValue {
  if (field === 'id') return store.idOf(i);
  if (field in META_FIELD || field === 'deleted_at') return timeOf(store.meta(i), field as TimeField);
  const value = rowObject(world, store, i)[field];
  if (value instanceof RawNumber) return BigInt(value.digits);
  if (value === undefined || (typeof value === 'object' && value !== null)) {
    throw new SimulatorHttpError(400, `Invalid sort '${field}': not a sortable column`);
  }
  return value;
}

function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Rows of one page in order, plus total_entries. */
export function selectPage(
  world: RowWorld,
  store: ResourceStore,
  query: ListQuery,
  variant: ActiveVariant,
): { indexes: number[]; total: number } {
  const pred = predicateFor(store, query.filters, variant);
  const [lo, hi] = idRange(store, query.filters);
  const skip = (query.page - 1) * query.perPage;
  const total = store.count(pred, lo, hi);
  const primary = query.sort[0];
  // id and created_at both rise with the index: the exporter's keyset query never scans.
  if (primary && (primary.field === 'id' || primary.field === 'created_at')) {
    return { indexes: store.page(pred, lo, hi, skip, query.perPage, !primary.descending), total };
  }
  const sortable = new Set([
    'id',
    'deleted_at',
    ...Object.keys(META_FIELD),
    ...Object.keys(rowObject(world, store, 0)),
  ]);
  for (const key of query.sort) {
    if (!sortable.has(key.field)) throw new SimulatorHttpError(400, `Invalid sort '${key.field}'`);
  }
  const matching = store.page(pred, lo, hi, 0, total, true);
  const keyed = matching.map((i) => ({
    i,
    values: query.sort.map((k) => sortValue(world, store, i, k.field)),
  }));
  keyed.sort((a, b) => {
    for (let k = 0; k < query.sort.length; k++) {
      const c = compareValues(a.values[k] as SortValue, b.values[k] as SortValue);
      if (c !== 0) return (query.sort[k] as { descending: boolean }).descending ? -c : c;
    }
    return a.i - b.i;
  });
  return { indexes: keyed.slice(skip, skip + query.perPage).map((k) => k.i), total };
}

/** Opt-in lies about the page (fault switches): no `links.next`, or no rows while total_entries stays true. */
export interface PageLies {
  omitNext?: boolean;
  empty?: boolean;
}

/** `{ <listKey>: [...], total_entries, links: { self, next?, previous? } }` as text. */
export function listBody(
  world: RowWorld,
  store: ResourceStore,
  listKey: string,
  query: ListQuery,
  variant: ActiveVariant,
  requestUrl: URL,
  lies: PageLies = {},
): string {
  const selected = selectPage(world, store, query, variant);
  const total = selected.total;
  const indexes = lies.empty ? [] : selected.indexes;
  const pageUrl = (page: number) => {
    const url = new URL(requestUrl.href);
    url.searchParams.set('page', String(page));
    return url.href;
  };
  const links: Record<string, JsonValue> = { self: pageUrl(query.page) };
  if (query.page * query.perPage < total && !lies.omitNext) links.next = pageUrl(query.page + 1);
  if (query.page > 1) links.previous = pageUrl(query.page - 1);
  const rows = indexes.map((i) => rowText(world, store, i));
  return `{${JSON.stringify(listKey)}:[${rows.join(',')}],"total_entries":${total},"links":${toJsonText(links)}}`;
}
