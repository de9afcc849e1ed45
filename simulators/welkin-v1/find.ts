import type { SimDataset } from './dataset.js';
import { jsonText } from './models.js';

export interface FindSettings {
  baseUrl: string;
  /** `wrapped`: a one-element list around {data, meta} as the reference shows; `bare`: the object alone. */
  answerShape: 'wrapped' | 'bare';
  /** Where the next link goes: `links.href.next`, `links.next`, or none (clients advance page[from]). */
  nextLinks: 'href' | 'plain' | 'none';
  /** The largest page served; meta.current["page[size]"] says what was applied. */
  maxPageSize: number;
  /** Treat page[from] as exclusive (the reference does not say which). */
  exclusiveFrom: boolean;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

function micros(text: string): bigint | undefined {
  if (!ISO.test(text)) return undefined;
  const fraction = /\.(\d{1,6})/.exec(text)?.[1] ?? '';
  const ms = Date.parse(text.replace(/\.\d+/, ''));
  return Number.isFinite(ms) ? BigInt(ms) * 1000n + BigInt(fraction.padEnd(6, '0')) : undefined;
}

/**
 * GET /v1/{path}?page[from]&page[to]&page[size] (and `page[after]`, the keyset our next links carry): rows
 * updated in the window, in (updated_at, id) order. Rows without updated_at (external ids) ignore the window
 * and always come with next links.
 */
export function findPage(set: SimDataset, query: URLSearchParams, settings: FindSettings) {
  const size = Number(query.get('page[size]') ?? '50');
  if (!Number.isInteger(size) || size < 1)
    return { status: 400, body: JSON.stringify({ error: 'bad page[size]' }) };
  const fromText = query.get('page[from]');
  const toText = query.get('page[to]');
  const from = fromText === null ? 0n : micros(fromText);
  const to = toText === null ? undefined : micros(toText);
  if (from === undefined || (toText !== null && to === undefined)) {
    return { status: 400, body: JSON.stringify({ error: 'page[from] and page[to] must be ISO times' }) };
  }
  const served = Math.min(size, settings.maxPageSize);
  const timestamped = set.model.timestamped;
  const after = query.get('page[after]');
  let start: number;
  if (after) {
    const [afterMicros, afterId] = after.split('~') as [string, string];
    start = set.lowerBound(BigInt(afterMicros), `${afterId}\u0000`);
  } else {
    start = timestamped ? set.lowerBound(settings.exclusiveFrom ? from + 1n : from) : 0;
  }
  const rows = [];
  let index = start;
  for (; index < set.rows.length && rows.length < served; index++) {
    const row = set.rows[index];
    if (!row || (timestamped && to !== undefined && row.micros > to)) break;
    rows.push(row);
  }
  const moreRemain =
    index < set.rows.length && !(timestamped && to !== undefined && (set.rows[index]?.micros ?? 0n) > to);
  const style = timestamped
    ? settings.nextLinks
    : settings.nextLinks === 'none'
      ? 'href'
      : settings.nextLinks;
  const last = rows[rows.length - 1];
  let next: string | undefined;
  if (moreRemain && last && style !== 'none') {
    const params = new URLSearchParams(query);
    params.set('page[after]', `${last.micros}~${last.id}`);
    next = `${settings.baseUrl}/v1/${set.model.path}?${params}`;
  }
  const answer = {
    data: rows.map((row) => set.record(row)),
    meta: { current: { 'page[from]': fromText, 'page[to]': toText, 'page[size]': served } },
    ...(next ? { links: style === 'href' ? { href: { next } } : { next } } : {}),
  };
  return { status: 200, body: jsonText(settings.answerShape === 'wrapped' ? [answer] : answer) };
}
