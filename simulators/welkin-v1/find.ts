import type { SimDataset, SimRow } from './dataset.js';
import { jsonText } from './models.js';

export interface FindSettings {
  baseUrl: string;
  /** `bare`: `{data, links}` as the final reference shows; `wrapped`: the draft's list around `{data, meta}`. */
  answerShape: 'wrapped' | 'bare';
  /**
   * Where the next link goes: `reference`, the final reference's whole `links` (`href.next`, `next.href`,
   * `meta.next`, `current`); `object`: `links.next` = `{href, meta}` only; `href`: `links.href.next` only;
   * `plain`: the draft's `links.next` text; `none`: no next link (clients advance page[from]).
   */
  nextLinks: 'reference' | 'object' | 'href' | 'plain' | 'none';
  /** The largest page served; the answer's meta says what was applied. */
  maxPageSize: number;
  /** Treat page[from] as exclusive (the reference does not say which). */
  exclusiveFrom: boolean;
  /**
   * `milli`: compare `page[from]`/`page[to]` at millisecond precision while rows keep microseconds (a plausible
   * server), and write next links with only `page[from]` = the last row's time, no keyset.
   */
  fromPrecision: 'micro' | 'milli';
}

const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/;

/** Microseconds of an ISO time; no offset means UTC, as in the reference's examples. */
function micros(text: string): bigint | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, date, time, fraction = '', zone = 'Z'] = match;
  const ms = Date.parse(`${date}T${time}${zone}`);
  return Number.isFinite(ms) ? BigInt(ms) * 1000n + BigInt(fraction.padEnd(6, '0')) : undefined;
}

/** `YYYY-MM-DDTHH:MM:SS.ffffff`, no offset: how the reference writes times in query strings and links. */
function offsetless(value: bigint): string {
  const ms = value / 1000n;
  return `${new Date(Number(ms)).toISOString().slice(0, 23)}${String(value % 1000n).padStart(3, '0')}`;
}

/** The reference's error shape: `{"errors":[{"status", "code", ...}]}`. */
const bad = (message: string) => ({
  status: 400,
  body: JSON.stringify({ errors: [{ status: 400, code: 'bad_request', detail: message }] }),
});

/**
 * GET /v1/{path}?page[from]&page[to]&page[size] (and `page[after]`, the keyset our exact next links carry):
 * rows updated in the window, in (updated_at, id) order. Rows without updated_at ignore the window and always
 * come with next links. A required parameter (alerts' alert_type, audit_logs' event_type) missing or with a
 * value the reference does not document: 400.
 */
export function findPage(set: SimDataset, query: URLSearchParams, settings: FindSettings) {
  for (const [name, values] of Object.entries(set.model.required)) {
    const value = query.get(name);
    if (value === null || (values && !values.includes(value))) return bad(`${name} is required`);
  }
  const size = Number(query.get('page[size]') ?? '50');
  if (!Number.isInteger(size) || size < 1) return bad('bad page[size]');
  const fromText = query.get('page[from]');
  const toText = query.get('page[to]');
  const from = fromText === null ? 0n : micros(fromText);
  const to = toText === null ? undefined : micros(toText);
  if (from === undefined || (toText !== null && to === undefined)) {
    return bad('page[from] and page[to] must be ISO times');
  }
  const coarse = settings.fromPrecision === 'milli';
  const key = (value: bigint) => (coarse ? value / 1000n : value);
  const served = Math.min(size, settings.maxPageSize);
  const timestamped = set.model.timestamped;
  // The coarse server's next links carry page[from] alone; rows without a time still need a keyset.
  const keyset = !coarse || !timestamped;
  const after = keyset ? query.get('page[after]') : null;
  const inWindow = (row: SimRow) => !timestamped || to === undefined || key(row.micros) <= key(to);
  let start: number;
  if (after) {
    const [afterMicros, afterId] = after.split('~') as [string, string];
    start = set.lowerBound(BigInt(afterMicros), `${afterId}\u0000`);
  } else if (!timestamped) {
    start = 0;
  } else {
    const bound = coarse ? (from / 1000n) * 1000n : from;
    start = set.lowerBound(settings.exclusiveFrom ? (coarse ? bound + 1000n : bound + 1n) : bound);
  }
  const rows: SimRow[] = [];
  let index = start;
  for (; index < set.rows.length && rows.length < served; index++) {
    const row = set.rows[index] as SimRow;
    if (!inWindow(row)) break;
    rows.push(row);
  }
  const following = set.rows[index];
  const moreRemain = following !== undefined && inWindow(following);
  const style = !timestamped && settings.nextLinks === 'none' ? 'reference' : settings.nextLinks;
  const last = rows[rows.length - 1];
  const current = { 'page[from]': fromText, 'page[to]': toText, 'page[size]': served };
  let next: { href: string; meta: Record<string, unknown> } | undefined;
  if (moreRemain && last && style !== 'none') {
    const params = new URLSearchParams(query);
    if (timestamped) params.set('page[from]', offsetless(last.micros));
    if (keyset) params.set('page[after]', `${last.micros}~${last.id}`);
    next = {
      href: `${settings.baseUrl}/v1/${set.model.path}?${params}`,
      meta: { ...current, 'page[from]': params.get('page[from]') },
    };
  }
  const data = rows.map((row) => set.record(row));
  const self = `${settings.baseUrl}/v1/${set.model.path}?${query}`;
  if (settings.answerShape === 'wrapped') {
    const links = next && style !== 'none' ? { next: next.href } : undefined;
    return { status: 200, body: jsonText([{ data, meta: { current }, ...(links ? { links } : {}) }]) };
  }
  return { status: 200, body: jsonText({ data, links: linksOf(style, self, current, next) }) };
}

function linksOf(
  style: FindSettings['nextLinks'],
  self: string,
  current: Record<string, unknown>,
  next: { href: string; meta: Record<string, unknown> } | undefined,
): Record<string, unknown> {
  switch (style) {
    case 'object':
      return { next: next ?? null };
    case 'href':
      return { href: { current: self, next: next?.href ?? null } };
    case 'plain':
      return next ? { next: next.href } : {};
    case 'none':
      return { href: { current: self }, meta: { current } };
    default:
      return {
        href: { current: self, next: next?.href ?? null },
        current: { href: self, meta: current },
        meta: { current, next: next?.meta ?? null },
        next: next ?? null,
      };
  }
}
