import { MalformedResponseError } from '../errors.js';
import { pagedRecords } from '../export/paged-records.js';
import type { ExportWindow, Page, ResourcePager } from '../export/pager.js';
import { rescanUntilTotalHoldsStill, type ScannedListPage, type ScanTally } from '../export/stable-scan.js';
import { isRecord } from '../json/lossless.js';
import type { WelkinClient } from './client.js';

/** How one list envelope names its rows, its size parameter and its "last page" flag. */
export interface ListShape {
  sizeParam: string;
  /** The envelope member that holds the rows. */
  rowsKey: string;
  isLast(body: Record<string, unknown>): boolean | undefined;
  /** The list's row count as the server reports it; compared across a scan to notice a list that moved. */
  total(body: Record<string, unknown>): unknown;
}

/**
 * `{data, metaInfo{page, pageSize, totalPages, lastPage, ...}}`, asked with `page` and `size`: the recorded
 * request `admin/users?size=1000&page=0` was answered with metaInfo.pageSize 1000 (Lightmatter/welkin-health
 * test/cassettes/fixtures/users__test_work_hours_read_all.yaml); no request with `pageSize` is recorded.
 */
export const META_INFO_PAGE: ListShape = {
  sizeParam: 'size',
  rowsKey: 'data',
  isLast: (body) =>
    isRecord(body.metaInfo) && typeof body.metaInfo.lastPage === 'boolean'
      ? body.metaInfo.lastPage
      : undefined,
  total: (body) => (isRecord(body.metaInfo) ? body.metaInfo.totalElements : undefined),
};

// Recorded as honoured (see META_INFO_PAGE): most tenants' users fit one page, so offset drift rarely matters.
export const LIST_PAGE_SIZE = 1000;

/**
 * Numbered pages (`page` from 0) of a list endpoint, for the small lists without an Export API equivalent;
 * always a full snapshot, re-scanned until the reported total holds still (rescanUntilTotalHoldsStill). A
 * delete and an insert between two pages leave the total unchanged and are not noticed; these lists are small
 * configuration data that rarely change.
 *
 * Stops a scan on an empty page or a short last page, unless a steady total counts rows not read yet; a "last"
 * flag on a full page is checked with one more request, as for the Export API.
 * An endpoint that ignores `page` is stopped by the engine's progress guard (shared/export/progress-guard.ts).
 */
export class ListPager implements ResourcePager {
  readonly yieldsEachOnce = false;
  // A continuation would restart with an empty dedupe set and without the totals seen: run it to the end.
  readonly pausable = false;
  readonly supportsIncremental = false;

  constructor(
    private readonly client: WelkinClient,
    private readonly path: string,
    private readonly shape: ListShape,
    private readonly sort?: string,
    private readonly pageSize = LIST_PAGE_SIZE,
    private readonly maxScans = 5,
  ) {}

  pages(_window: ExportWindow, cursor?: string): AsyncIterable<Page> {
    return rescanUntilTotalHoldsStill(
      `Welkin ${this.path}`,
      (start, tally) => this.scan(start, tally),
      cursor,
      this.maxScans,
    );
  }

  private async *scan(start: string | undefined, tally: ScanTally): AsyncIterable<ScannedListPage> {
    if (start !== undefined && !/^\d+$/.test(start)) {
      throw new MalformedResponseError('Welkin list checkpoint cursor is not a page number');
    }
    for (let page = start ? Number(start) : 0; ; page += 1) {
      const params = new URLSearchParams({
        page: String(page),
        [this.shape.sizeParam]: String(this.pageSize),
      });
      if (this.sort) params.set('sort', this.sort);
      const {
        envelope,
        records: list,
        where,
      } = await this.client.getPage(`${this.path}?${params}`, this.shape.rowsKey, ['id']);
      if (!list) throw new MalformedResponseError(`${where}: no list of rows in the page`);
      const records = pagedRecords(list, where, 'row');
      tally.add(this.shape.total(envelope), records.length);
      if (records.length === 0 && tally.missing) throw tally.shortOfTotal(where, 'the total');
      // A short page ends the list unless the envelope says otherwise (a server may cap the page size lower).
      const last =
        records.length === 0 ||
        (records.length < this.pageSize && this.shape.isLast(envelope) !== false && !tally.missing);
      yield { records, next: last ? undefined : String(page + 1) };
      if (last) return;
    }
  }
}
