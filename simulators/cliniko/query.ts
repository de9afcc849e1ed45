import { PipelineError } from '../../shared/errors.js';
import type { SimList } from './resources.js';

/** A request the simulator refuses; becomes a JSON error response with this status. */
export class SimulatorHttpError extends PipelineError {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export type IdOp = '=' | '!=' | '>=' | '>' | '<=' | '<';
export type TimeOp = '>=' | '>' | '<=' | '<' | '?' | '!?' | '*';
export const TIME_FIELDS = ['created_at', 'updated_at', 'archived_at', 'cancelled_at', 'deleted_at'] as const;
export type TimeField = (typeof TIME_FIELDS)[number];

export type Filter =
  | { field: 'id'; op: IdOp; values: bigint[] }
  | { field: TimeField; op: TimeOp; seconds: number | null };

export interface SortKey {
  field: string;
  descending: boolean;
}

export interface ListQuery {
  page: number;
  perPage: number;
  filters: Filter[];
  sort: SortKey[];
}

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;

const ID_FILTER = /^(!=|>=|<=|=|>|<)(.*)$/;
const TIME_FILTER = /^(>=|<=|>|<)(.*)$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const DIGITS = /^\d+$/;

function badFilter(raw: string, why: string): SimulatorHttpError {
  return new SimulatorHttpError(400, `Invalid filter '${raw}': ${why}`);
}

/** Cliniko's answer to a filter on a column the list does not document (redguava/cliniko-api issue #231). */
export const NOT_SEARCHABLE = 'This column is not searchable.';

/** One `field:opvalue` filter string, on a field `list` documents (resources.ts); any other is a 400. */
export function parseFilter(raw: string, list: SimList): Filter {
  const colon = raw.indexOf(':');
  if (colon <= 0) throw badFilter(raw, 'expected field:operator value');
  const field = raw.slice(0, colon);
  const rest = raw.slice(colon + 1);
  if (!(list.filters as ReadonlySet<string>).has(field)) throw new SimulatorHttpError(400, NOT_SEARCHABLE);
  if (field === 'id') {
    const m = ID_FILTER.exec(rest);
    if (!m) throw badFilter(raw, 'unknown integer operator');
    const op = m[1] as IdOp;
    const parts = op === '=' ? (m[2] as string).split(',') : [m[2] as string];
    if (!parts.every((p) => DIGITS.test(p))) throw badFilter(raw, 'id values must be integers');
    return { field, op, values: parts.map((p) => BigInt(p)) };
  }
  if ((TIME_FIELDS as readonly string[]).includes(field)) {
    const timeField = field as TimeField;
    if (rest === '*' || rest === '?' || rest === '!?') return { field: timeField, op: rest, seconds: null };
    const m = TIME_FILTER.exec(rest);
    if (!m) throw badFilter(raw, 'unknown date-time operator');
    if (!DATE_TIME.test(m[2] as string))
      throw badFilter(raw, 'date-time must be UTC like 2014-08-30T18:00:00Z');
    const ms = Date.parse(m[2] as string);
    if (Number.isNaN(ms)) throw badFilter(raw, 'invalid date-time');
    return { field: timeField, op: m[1] as TimeOp, seconds: ms / 1000 };
  }
  throw new SimulatorHttpError(400, NOT_SEARCHABLE);
}

function positiveInt(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  if (!DIGITS.test(raw)) throw new SimulatorHttpError(400, `${name} must be a positive integer`);
  return Number(raw);
}

/**
 * Paging, filter and sort parameters. `per_page` above 100 (or 0) is clamped to 1..100 rather than
 * refused, like the real API; non-numeric values are a 400.
 */
export function parseListQuery(params: URLSearchParams, list: SimList): ListQuery {
  const page = positiveInt(params, 'page', 1);
  if (page < 1) throw new SimulatorHttpError(400, 'page must be a positive integer');
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, positiveInt(params, 'per_page', DEFAULT_PER_PAGE)));
  const filters = [...params.getAll('q[]'), ...params.getAll('q')].map((raw) => parseFilter(raw, list));

  const order = params.get('order');
  if (order !== null && order !== 'asc' && order !== 'desc') {
    throw new SimulatorHttpError(400, 'order must be asc or desc');
  }
  const sortParam = params.get('sort');
  const sort: SortKey[] = [];
  for (const part of (sortParam ?? 'created_at').split(',')) {
    const [field, direction, extra] = part.split(':');
    if (
      !field ||
      extra !== undefined ||
      (direction !== undefined && direction !== 'asc' && direction !== 'desc')
    ) {
      throw new SimulatorHttpError(400, `Invalid sort '${part}'`);
    }
    sort.push({ field, descending: direction ? direction === 'desc' : order === 'desc' });
  }
  return { page, perPage, filters, sort };
}
