import { MalformedResponseError } from '../errors.js';
import { pagedRecords } from '../export/paged-records.js';
import type { ExportWindow, Page, PagedRecord, ResourcePager } from '../export/pager.js';
import { rescanUntilTotalHoldsStill, type ScannedListPage, type ScanTally } from '../export/stable-scan.js';
import { isRecord } from '../json/lossless.js';
import type { ClinikoClient, ClinikoPage } from './client.js';
import type { ClinikoResource } from './resources.js';

const PER_PAGE = 100;

/** Cliniko's date-time filters take whole seconds in UTC. */
function filterTime(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

function recordsOf(page: ClinikoPage, resource: ClinikoResource): PagedRecord[] {
  if (!page.records)
    throw new MalformedResponseError(`${page.where}: no "${resource.listKey}" list in the page`);
  return pagedRecords(page.records, page.where);
}

function hasNext(body: Record<string, unknown>): string | undefined {
  const links = body.links;
  return isRecord(links) && typeof links.next === 'string' ? links.next : undefined;
}

/** A slice of the id space paged on its own: ids in (after, upTo]; upTo absent means open-ended. */
interface IdRange {
  after?: string;
  upTo?: string;
  done: boolean;
}

interface RangePage {
  records: PagedRecord[];
  total: number | undefined;
}

/** Below this many rows a resource is paged by one cursor: splitting would cost more than it saves. */
const SPLIT_THRESHOLD = 10 * PER_PAGE;

/**
 * `sort=id` and `q[]=id:>last`: every request asks for the rows after the last id stored, so a row deleted or
 * edited while paging cannot shift another row out of view, and none is seen twice. A range ends only on an
 * empty keyset page (one extra request per range): a full page without `links.next` is not the end, and an
 * empty page while `total_entries` says more is asked again, then fails the resource.
 *
 * A single cursor is strictly sequential, which leaves the rate budget idle while a response is in flight. A
 * large list is therefore split into id ranges, each paged by its own cursor with one request in flight, so
 * several requests overlap. Ranges are disjoint, so each record is still yielded once; the last range is open
 * so rows inserted mid-run are not cut off. The cursor records every range's position after the pages already
 * yielded, so a continuation resumes each range exactly where its written data ends.
 */
export class KeysetPager implements ResourcePager {
  readonly yieldsEachOnce = true;
  readonly pausable = true;
  /** Only a list that documents `updated_at` gets an update window (resources.ts). */
  readonly supportsIncremental: boolean;

  constructor(
    private readonly client: ClinikoClient,
    private readonly resource: ClinikoResource,
    private readonly parallelism = 3,
  ) {
    if (!resource.filters.includes('id'))
      throw new Error(`internal: ${resource.name} documents no id filter and cannot be keyset paged`);
    this.supportsIncremental = resource.incremental;
  }

  async *pages(window: ExportWindow, cursor?: string): AsyncIterable<Page> {
    let ranges: IdRange[];
    if (cursor) {
      ranges = decodeRanges(cursor);
    } else {
      const first = await this.fetchRange(window, { done: false });
      const last = first.records.at(-1)?.id;
      if (last === undefined) return;
      ranges = await this.split(window, last, first.total);
      yield { records: first.records, cursor: encodeRanges(ranges), total: first.total };
    }
    yield* this.pageRanges(window, ranges);
  }

  private async *pageRanges(window: ExportWindow, ranges: IdRange[]): AsyncIterable<Page> {
    type Settled = { index: number; page?: RangePage; error?: unknown };
    const inFlight = new Map<number, Promise<Settled>>();
    const launch = (index: number) => {
      const range = ranges[index] as IdRange;
      inFlight.set(
        index,
        this.fetchRange(window, range).then(
          (page) => ({ index, page }),
          (error: unknown) => ({ index, error }),
        ),
      );
    };
    ranges.forEach((range, index) => {
      if (!range.done) launch(index);
    });
    while (inFlight.size > 0) {
      const settled = await Promise.race(inFlight.values());
      inFlight.delete(settled.index);
      if (!settled.page) throw settled.error;
      const range = ranges[settled.index] as IdRange;
      const { records } = settled.page;
      const last = records.at(-1)?.id;
      if (last !== undefined) range.after = last;
      // Only an empty keyset page ends a range: a missing links.next or a short page proves nothing.
      if (last === undefined) range.done = true;
      else launch(settled.index);
      if (records.length > 0) yield { records, cursor: encodeRanges(ranges) };
    }
  }

  /** Splits (after, max id] into ranges of equal id width; ids need not be dense for this to help. */
  private async split(window: ExportWindow, after: string, total: number | undefined): Promise<IdRange[]> {
    if (this.parallelism <= 1 || (total !== undefined && total < SPLIT_THRESHOLD))
      return [{ after, done: false }];
    const page = await this.client.getPage(
      this.query(window, {}, { perPage: 1, descending: true }),
      this.resource.listKey,
    );
    const { where } = page;
    const maxId = recordsOf(page, this.resource)[0]?.id;
    if (maxId === undefined) return [{ after, done: false }];
    const low = parseId(after, where);
    const width = (parseId(maxId, where) - low) / BigInt(this.parallelism);
    if (width < BigInt(PER_PAGE)) return [{ after, done: false }];
    return Array.from({ length: this.parallelism }, (_, k) => ({
      after: String(low + width * BigInt(k)),
      upTo: k === this.parallelism - 1 ? undefined : String(low + width * BigInt(k + 1)),
      done: false,
    }));
  }

  /**
   * One keyset page. An empty page while `total_entries` still counts rows after the last id contradicts
   * itself: it is asked once more, and if it stays so the resource fails rather than end early.
   */
  private async fetchRange(window: ExportWindow, range: IdRange): Promise<RangePage> {
    for (let attempt = 1; ; attempt += 1) {
      const page = await this.client.getPage(this.query(window, range), this.resource.listKey);
      const { envelope: body, where } = page;
      const records = recordsOf(page, this.resource);
      this.assertInRange(records, range, where);
      const reported = Number(String(body.total_entries));
      const total = Number.isFinite(reported) ? reported : undefined;
      if (records.length > 0 || !total) return { records, total };
      if (attempt >= 2) {
        throw new MalformedResponseError(
          `${where}: an empty page while total_entries says ${total} rows follow; cannot tell where the data ends`,
        );
      }
    }
  }

  private assertInRange(records: PagedRecord[], range: IdRange, where: string): void {
    let previous = range.after === undefined ? undefined : BigInt(range.after);
    const upTo = range.upTo === undefined ? undefined : BigInt(range.upTo);
    for (const record of records) {
      const id = parseId(record.id, where);
      if ((previous !== undefined && id <= previous) || (upTo !== undefined && id > upTo)) {
        throw new MalformedResponseError(
          `${where}: ids out of order or range; the endpoint ignored sort=id or the id filter`,
        );
      }
      previous = id;
    }
  }

  private query(
    window: ExportWindow,
    range: Pick<IdRange, 'after' | 'upTo'>,
    shape: { perPage?: number; descending?: boolean } = {},
  ): string {
    const params = new URLSearchParams({
      per_page: String(shape.perPage ?? PER_PAGE),
      sort: shape.descending ? 'id:desc' : 'id',
    });
    // Every filter below is one the list documents (resources.ts derives reveal and incremental from it).
    for (const column of this.resource.reveal) params.append('q[]', `${column}:*`);
    if (range.after !== undefined) params.append('q[]', `id:>${range.after}`);
    if (range.upTo !== undefined) params.append('q[]', `id:<=${range.upTo}`);
    if (window.since && this.resource.incremental) {
      params.append('q[]', `updated_at:>=${filterTime(window.since)}`);
      params.append('q[]', `updated_at:<${filterTime(window.until)}`);
    }
    return `${this.resource.path}?${params}`;
  }
}

function encodeRanges(ranges: IdRange[]): string {
  return JSON.stringify(ranges);
}

function decodeRanges(cursor: string): IdRange[] {
  try {
    const ranges = JSON.parse(cursor) as IdRange[];
    if (Array.isArray(ranges) && ranges.every((range) => typeof range.done === 'boolean')) return ranges;
  } catch {
    // fall through to the error below
  }
  throw new MalformedResponseError('Cliniko checkpoint cursor is not a list of id ranges');
}

function parseId(id: string, where: string): bigint {
  if (!/^\d+$/.test(id)) throw new MalformedResponseError(`${where}: id is not an integer`);
  return BigInt(id);
}

/**
 * Follows `links.next` for the lists that document no id filter (services: no `q[]` at all), sending only
 * `per_page` and `page`: always a full snapshot, re-scanned until `total_entries` holds still
 * (rescanUntilTotalHoldsStill). These lists are small (tens of rows). A scan whose pages hold fewer rows than a
 * steady `total_entries` is not over when `links.next` goes missing: the next page number is asked for, and an
 * empty one there fails the resource.
 */
export class LinksPager implements ResourcePager {
  readonly yieldsEachOnce = false;
  // A continuation would restart its offsets with an empty dedupe set: run it to the end (tiny lists).
  readonly pausable = false;
  readonly supportsIncremental = false;

  constructor(
    private readonly client: ClinikoClient,
    private readonly resource: ClinikoResource,
    private readonly maxScans = 5,
  ) {}

  pages(_window: ExportWindow, cursor?: string): AsyncIterable<Page> {
    return rescanUntilTotalHoldsStill(
      `Cliniko ${this.resource.path}`,
      (start, tally) => this.scan(start ?? `${this.resource.path}?per_page=${PER_PAGE}`, tally),
      cursor,
      this.maxScans,
    );
  }

  private async *scan(first: string, tally: ScanTally): AsyncIterable<ScannedListPage> {
    for (let url: string | undefined = first; url; ) {
      const page = await this.client.getPage(url, this.resource.listKey);
      const records = recordsOf(page, this.resource);
      tally.add(page.envelope.total_entries, records.length);
      let next = hasNext(page.envelope);
      // No links.next while a steady total_entries counts more rows than read: ask for the next page anyway.
      if (!next && tally.missing) {
        if (records.length === 0) throw tally.shortOfTotal(page.where, 'total_entries');
        next = nextPageUrl(url);
      }
      yield { records, next };
      url = next;
    }
  }
}

/** The same list URL one `page` further (Cliniko numbers pages from 1). */
function nextPageUrl(url: string): string {
  const [path, query = ''] = url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.set('page', String(Number(params.get('page') ?? '1') + 1));
  return `${path}?${params}`;
}

/** An object endpoint such as /settings, stored as one record. */
export class SingleObjectPager implements ResourcePager {
  readonly yieldsEachOnce = true;
  readonly pausable = true;
  readonly supportsIncremental = false;

  constructor(
    private readonly client: ClinikoClient,
    private readonly resource: ClinikoResource,
  ) {}

  async *pages(): AsyncIterable<Page> {
    const json = await this.client.getObjectText(this.resource.path);
    yield { records: [{ id: this.resource.name, json }], cursor: undefined };
  }
}

export function pagerFor(client: ClinikoClient, resource: ClinikoResource): ResourcePager {
  switch (resource.paging) {
    case 'keyset':
      return new KeysetPager(client, resource);
    case 'links':
      return new LinksPager(client, resource);
    case 'single':
      return new SingleObjectPager(client, resource);
  }
}
