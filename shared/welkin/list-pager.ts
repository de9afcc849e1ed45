import { MalformedResponseError } from '../errors.js';
import type { ExportWindow, Page, PagedRecord, ResourcePager } from '../export/pager.js';
import { isRecord, scalarToString } from '../json/lossless.js';
import type { WelkinClient } from './client.js';

/** How one list envelope names its rows, its size parameter and its "last page" flag. */
export interface ListShape {
  sizeParam: string;
  rows(body: Record<string, unknown>): unknown;
  isLast(body: Record<string, unknown>): boolean | undefined;
}

/** Spring Data page: `{content, last, number, size, totalPages, ...}` with `page`, `size`, `sort`. */
export const SPRING_PAGE: ListShape = {
  sizeParam: 'size',
  rows: (body) => body.content,
  isLast: (body) => (typeof body.last === 'boolean' ? body.last : undefined),
};

/** `{data, metaInfo{page, pageSize, totalPages, lastPage, ...}}` with `page`, `pageSize`. */
export const META_INFO_PAGE: ListShape = {
  sizeParam: 'pageSize',
  rows: (body) => body.data,
  isLast: (body) =>
    isRecord(body.metaInfo) && typeof body.metaInfo.lastPage === 'boolean'
      ? body.metaInfo.lastPage
      : undefined,
};

export const LIST_PAGE_SIZE = 100;

/**
 * Numbered pages (`page` from 0) of a list endpoint, for the small lists without an Export API equivalent.
 * Offset pages can repeat a row when rows are added while paging, so the engine removes repeats by id
 * (`yieldsEachOnce` false); always a full snapshot. Stops on an empty page or a short last page; a "last" flag on a
 * full page is checked with one more request, as for the Export API.
 */
export class ListPager implements ResourcePager {
  readonly yieldsEachOnce = false;
  readonly supportsIncremental = false;

  constructor(
    private readonly client: WelkinClient,
    private readonly path: string,
    private readonly shape: ListShape,
    private readonly sort?: string,
    private readonly pageSize = LIST_PAGE_SIZE,
  ) {}

  async *pages(_window: ExportWindow, cursor?: string): AsyncIterable<Page> {
    let page = cursor ? Number(cursor) : 0;
    let previousFirst: string | undefined;
    for (;;) {
      const params = new URLSearchParams({
        page: String(page),
        [this.shape.sizeParam]: String(this.pageSize),
      });
      if (this.sort) params.set('sort', this.sort);
      const { body, where } = await this.client.getObject(`${this.path}?${params}`);
      const list = this.shape.rows(body);
      if (!Array.isArray(list)) throw new MalformedResponseError(`${where}: no list of rows in the page`);
      const records = list.map((value, index): PagedRecord => {
        const id = isRecord(value) ? scalarToString(value.id) : undefined;
        if (id === undefined) throw new MalformedResponseError(`${where}: row ${index} has no id`);
        return { id, value };
      });
      if (records.length === 0) return;
      // An endpoint that ignores `page` would otherwise be paged for ever.
      if (records[0]?.id === previousFirst) {
        throw new MalformedResponseError(
          `${where}: page ${page} repeats the previous page; paging is ignored`,
        );
      }
      previousFirst = records[0]?.id;
      // A short page ends the list unless the envelope says otherwise (a server may cap the page size lower).
      const last = records.length < this.pageSize && this.shape.isLast(body) !== false;
      yield { records, cursor: last ? undefined : String(page + 1) };
      if (last) return;
      page += 1;
    }
  }
}
