import { MalformedResponseError } from '../errors.js';
import { pagedRecords } from '../export/paged-records.js';
import type { ExportWindow, Page, ResourcePager } from '../export/pager.js';
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

/** `{data, metaInfo{page, pageSize, totalPages, lastPage, ...}}` with `page`, `pageSize`. */
export const META_INFO_PAGE: ListShape = {
  sizeParam: 'pageSize',
  rowsKey: 'data',
  isLast: (body) =>
    isRecord(body.metaInfo) && typeof body.metaInfo.lastPage === 'boolean'
      ? body.metaInfo.lastPage
      : undefined,
  total: (body) => (isRecord(body.metaInfo) ? body.metaInfo.totalElements : undefined),
};

export const LIST_PAGE_SIZE = 100;

/**
 * Numbered pages (`page` from 0) of a list endpoint, for the small lists without an Export API equivalent;
 * always a full snapshot. Offset pages shift when the list changes mid-scan: a row deleted from an earlier page
 * makes a later row slide onto a page already read, and it is skipped. So a scan only counts as complete when
 * the reported total held still from its first page to its last; otherwise the list is scanned again (up to
 * `maxScans`). Rows seen in an earlier scan are removed by the engine by id (`yieldsEachOnce` false). A delete
 * and an insert between two pages leave the total unchanged and are not noticed; these lists are small
 * configuration data that rarely change.
 *
 * Stops a scan on an empty page or a short last page; a "last" flag on a full page is checked with one more
 * request, as for the Export API, and a short page is not the end while the rows read fall short of a total
 * that held still (an empty page then fails the resource: the server contradicts itself).
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

  async *pages(_window: ExportWindow, cursor?: string): AsyncIterable<Page> {
    if (cursor !== undefined && !/^\d+$/.test(cursor)) {
      throw new MalformedResponseError('Welkin list checkpoint cursor is not a page number');
    }
    for (let scan = 1; scan <= this.maxScans; scan += 1) {
      const totals = new Set<string>();
      let page = scan === 1 && cursor ? Number(cursor) : 0;
      // A resumed scan did not count the rows before it, so it cannot compare them with the total.
      const counting = page === 0;
      let rows = 0;
      let previousFirst: string | undefined;
      for (;;) {
        const params = new URLSearchParams({
          page: String(page),
          [this.shape.sizeParam]: String(this.pageSize),
        });
        if (this.sort) params.set('sort', this.sort);
        const {
          envelope: body,
          records: list,
          where,
        } = await this.client.getPage(`${this.path}?${params}`, this.shape.rowsKey, ['id']);
        if (!list) throw new MalformedResponseError(`${where}: no list of rows in the page`);
        totals.add(String(this.shape.total(body)));
        const records = pagedRecords(list, where, 'row');
        // An endpoint that ignores `page` would otherwise be paged for ever.
        if (records.length > 0 && records[0]?.id === previousFirst) {
          throw new MalformedResponseError(
            `${where}: page ${page} repeats the previous page; paging is ignored`,
          );
        }
        previousFirst = records[0]?.id;
        rows += records.length;
        const total = Number(String(this.shape.total(body)));
        // Rows still missing by a total that held still: neither a short page nor a last flag ends the scan.
        const missing = counting && totals.size === 1 && Number.isFinite(total) && rows < total;
        if (records.length === 0 && missing) {
          throw new MalformedResponseError(
            `${where}: the total says ${total} rows but the pages hold ${rows}; cannot tell where the data ends`,
          );
        }
        // A short page ends the list unless the envelope says otherwise (a server may cap the page size lower).
        const last =
          records.length === 0 ||
          (records.length < this.pageSize && this.shape.isLast(body) !== false && !missing);
        const complete = totals.size === 1;
        if (records.length > 0) {
          // After a scan's last page the position is a fresh scan when the list moved.
          const position = last ? (complete ? undefined : '0') : String(page + 1);
          yield { records, cursor: position };
        }
        if (last) break;
        page += 1;
      }
      if (totals.size === 1) return;
    }
    throw new MalformedResponseError(
      `Welkin ${this.path}: the list kept changing during ${this.maxScans} scans; try again later`,
    );
  }
}
