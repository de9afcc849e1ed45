import { MalformedResponseError } from '../errors.js';
import type { ExportWindow, Page, PagedRecord, ResourcePager } from '../export/pager.js';
import { isRecord, scalarToString } from '../json/lossless.js';
import type { ClinikoClient } from './client.js';
import type { ClinikoResource } from './resources.js';

const PER_PAGE = 100;

/** Cliniko's date-time filters take whole seconds in UTC. */
function filterTime(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

function recordsOf(body: Record<string, unknown>, resource: ClinikoResource, where: string): PagedRecord[] {
  const list = body[resource.listKey];
  if (!Array.isArray(list))
    throw new MalformedResponseError(`${where}: no "${resource.listKey}" list in the page`);
  return list.map((value, index) => {
    const id = isRecord(value) ? scalarToString(value.id) : undefined;
    if (id === undefined) throw new MalformedResponseError(`${where}: record ${index} has no id`);
    return { id, value };
  });
}

function hasNext(body: Record<string, unknown>): string | undefined {
  const links = body.links;
  return isRecord(links) && typeof links.next === 'string' ? links.next : undefined;
}

/**
 * `sort=id` and `q[]=id:>last`: every request asks for the rows after the last id stored, so a row deleted or
 * edited while paging cannot shift another row out of view, and none is seen twice.
 */
export class KeysetPager implements ResourcePager {
  readonly idsIncrease = true;
  readonly supportsIncremental = true;

  constructor(
    private readonly client: ClinikoClient,
    private readonly resource: ClinikoResource,
  ) {}

  async *pages(window: ExportWindow, cursor?: string): AsyncIterable<Page> {
    let after = cursor;
    for (;;) {
      const { body, where } = await this.client.getObject(this.query(window, after));
      const records = recordsOf(body, this.resource, where);
      let previous = after === undefined ? undefined : BigInt(after);
      for (const record of records) {
        const id = parseId(record.id, where);
        if (previous !== undefined && id <= previous) {
          throw new MalformedResponseError(`${where}: ids are not increasing; the endpoint ignored sort=id`);
        }
        previous = id;
      }
      if (records.length === 0) return;
      after = records[records.length - 1]?.id;
      yield { records, cursor: after };
      if (!hasNext(body)) return;
    }
  }

  private query(window: ExportWindow, after: string | undefined): string {
    const params = new URLSearchParams({ per_page: String(PER_PAGE), sort: 'id' });
    for (const column of this.resource.reveal ?? []) params.append('q[]', `${column}:*`);
    if (after !== undefined) params.append('q[]', `id:>${after}`);
    if (window.since) {
      params.append('q[]', `updated_at:>=${filterTime(window.since)}`);
      params.append('q[]', `updated_at:<${filterTime(window.until)}`);
    }
    return `${this.resource.path}?${params}`;
  }
}

function parseId(id: string, where: string): bigint {
  if (!/^\d+$/.test(id)) throw new MalformedResponseError(`${where}: id is not an integer`);
  return BigInt(id);
}

/**
 * Follows `links.next` for the few lists that cannot be filtered by id (always a full snapshot). Offset paging
 * skips a row when an earlier one is deleted mid-scan, so a scan only counts as complete when `total_entries`
 * held still from its first page to its last; otherwise it scans again. Rows seen in an earlier scan are
 * removed by the engine (by id), so the union is written once. These lists are small (tens of rows).
 */
export class LinksPager implements ResourcePager {
  readonly idsIncrease = false;
  readonly supportsIncremental = false;

  constructor(
    private readonly client: ClinikoClient,
    private readonly resource: ClinikoResource,
    private readonly maxScans = 5,
  ) {}

  async *pages(_window: ExportWindow, cursor?: string): AsyncIterable<Page> {
    const first = `${this.resource.path}?per_page=${PER_PAGE}`;
    for (let scan = 1; scan <= this.maxScans; scan += 1) {
      let next: string | undefined = scan === 1 && cursor ? cursor : first;
      const totals = new Set<string>();
      while (next) {
        const { body, where } = await this.client.getObject(next);
        const records = recordsOf(body, this.resource, where);
        totals.add(String(body.total_entries));
        next = hasNext(body);
        yield { records, cursor: next ?? undefined };
      }
      if (totals.size === 1) return;
    }
    throw new MalformedResponseError(
      `Cliniko ${this.resource.path}: the list kept changing during ${this.maxScans} scans; try again later`,
    );
  }
}

/** An object endpoint such as /settings, stored as one record. */
export class SingleObjectPager implements ResourcePager {
  readonly idsIncrease = true;
  readonly supportsIncremental = false;

  constructor(
    private readonly client: ClinikoClient,
    private readonly resource: ClinikoResource,
  ) {}

  async *pages(): AsyncIterable<Page> {
    const { body } = await this.client.getObject(this.resource.path);
    yield { records: [{ id: this.resource.name, value: body }], cursor: undefined };
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
