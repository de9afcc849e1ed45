import { pagedRecords } from '../export/paged-records.js';
import type { ExportWindow, Page, ResourcePager } from '../export/pager.js';
import type { WelkinClient } from './client.js';

/**
 * A list answered whole, as a bare JSON array, in one request (program definitions at
 * `formations/current/programs`). The request is the recorded one, `?page=0`; nothing about a page 1 is
 * recorded or documented, so no second page is asked for: the array is the list. Always a full snapshot.
 */
export class ArrayPager implements ResourcePager {
  // The engine drops a repeated key, should the array hold one twice.
  readonly yieldsEachOnce = false;
  readonly pausable = false;
  readonly supportsIncremental = false;

  constructor(
    private readonly client: WelkinClient,
    private readonly path: string,
    readonly key = 'id',
  ) {}

  async *pages(_window: ExportWindow, _cursor?: string): AsyncIterable<Page> {
    const { records, where } = await this.client.getArray(`${this.path}?page=0`, [this.key]);
    yield { records: pagedRecords(records, where, 'row', this.key), cursor: undefined };
  }
}
