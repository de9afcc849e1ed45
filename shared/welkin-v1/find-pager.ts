import { MalformedResponseError } from '../errors.js';
import type { ExportWindow, Page, ResourcePager } from '../export/pager.js';
import type { WelkinV1Client } from './client.js';
import { type FindPage, type FindRow, parseFindPage } from './find-page.js';
import { decodePosition, encodePosition, type FindPosition } from './find-position.js';
import type { WelkinV1Resource } from './resources.js';
import { formatMicros, microsOf, toApiTime } from './timestamp.js';

const EPOCH = '1970-01-01T00:00:00.000000+00:00';

/**
 * Pages one Find endpoint (`page[from]`/`page[to]` on updated_at, `page[size]`).
 *
 * - A next link (`links.href.next` or `links.next`, same origin and below `/v1/` only) is followed as is.
 * - Without one, `page[from]` moves to the last row's updated_at minus one microsecond, which returns the
 *   rows of that instant again whether the API treats `page[from]` as inclusive or exclusive; the ids already
 *   emitted there are dropped. Rows must then come in updated_at order.
 * - The end is never read from one signal: paging stops only when a request brings nothing new after a short
 *   page or after another request that brought nothing new (so a short page costs one more request, and an
 *   empty window two requests). A full page that brings nothing new means more rows share one
 *   updated_at than a page holds and no next link gets past them: that fails loudly rather than loop or skip.
 *
 * Incremental runs ask for `[since, until]` with `page[to]` frozen at the run start. Full snapshots leave
 * `page[to]` open so a row edited mid-run (it moves past the run start) is not lost; the engine drops the
 * repeat of a row edited after it was emitted.
 */
export class FindPager implements ResourcePager {
  // Boundary rows and overlapping next links can repeat an id: the engine drops repeats.
  readonly yieldsEachOnce = false;
  readonly pausable = true;
  readonly supportsIncremental: boolean;

  constructor(
    private readonly client: WelkinV1Client,
    private readonly resource: WelkinV1Resource,
    private readonly pageSize: number = client.config.pageSize,
  ) {
    this.supportsIncremental = resource.timestamped;
  }

  async *pages(window: ExportWindow, cursor?: string): AsyncIterable<Page> {
    const to = window.since === undefined ? undefined : toApiTime(window.until);
    let position: FindPosition = cursor
      ? decodePosition(cursor)
      : { from: window.since === undefined ? EPOCH : toApiTime(window.since), seen: [] };
    let url = position.next
      ? this.checkedNext(position.next, 'checkpoint')
      : this.firstUrl(position.from, to);
    // True after a request that brought a short page or nothing new: the next one that brings nothing new
    // confirms the end. An empty first answer is asked again too: one signal is never proof.
    let endSignalled = false;
    for (;;) {
      const { text, where } = await this.client.getText(url);
      const page = parseFindPage(text, where, this.resource.timestamped);
      const seen = new Map(position.seen);
      const fresh = page.rows.filter((row) => !seen.has(row.record.id));
      const next = page.next === undefined ? undefined : this.checkedNext(page.next, where, url);
      if (!next && fresh.length === 0) {
        if (this.isFull(page)) {
          throw new MalformedResponseError(
            `${where}: a full page brought no new rows and no next link; more than ${page.rows.length} rows ` +
              `share one updated_at (${position.from}), which page[from] cannot get past`,
          );
        }
        if (endSignalled) return;
        endSignalled = true;
        continue;
      }
      endSignalled = !next && !this.isFull(page);
      if (next && fresh.length === 0 && next.toString() === url.toString()) {
        throw new MalformedResponseError(`${where}: the next link points back at the same page`);
      }
      if (!next) this.assertOrdered(page, where);
      // Without a time to advance by, the confirming request is this very page again.
      const follow = next ?? (this.resource.timestamped ? undefined : url);
      position = { ...this.advance(position, page.rows), ...(follow ? { next: follow.toString() } : {}) };
      yield { records: fresh.map((row) => row.record), cursor: encodePosition(position) };
      url = follow ?? this.firstUrl(position.from, to);
    }
  }

  private firstUrl(from: string, to: string | undefined): URL {
    const params = new URLSearchParams();
    if (this.resource.timestamped) {
      params.set('page[from]', from);
      if (to !== undefined) params.set('page[to]', to);
    }
    params.set('page[size]', String(this.pageSize));
    return this.client.findUrl(this.resource.path, params);
  }

  /** A next link may only lead to a Find path on the API's own origin: the token goes with it. */
  private checkedNext(link: string, where: string, base: URL = this.client.config.baseUrl): URL {
    let url: URL;
    try {
      url = new URL(link, base);
    } catch {
      throw new MalformedResponseError(`${where}: the next link is not a URL`);
    }
    const root = this.client.config.baseUrl;
    const v1 = `${root.pathname.replace(/\/$/, '')}/v1/`;
    if (url.origin !== root.origin || !url.pathname.startsWith(v1) || url.username || url.password) {
      throw new MalformedResponseError(`${where}: the next link leaves ${root.origin}${v1}; refused`);
    }
    url.hash = '';
    return url;
  }

  private isFull(page: FindPage): boolean {
    return page.rows.length >= Math.min(this.pageSize, page.servedPageSize ?? this.pageSize);
  }

  private assertOrdered(page: FindPage, where: string): void {
    if (!this.resource.timestamped) {
      // Without a time to advance by, only next links can page on: a full page without one is a dead end.
      if (this.isFull(page)) {
        throw new MalformedResponseError(`${where}: a full page without a next link; cannot page further`);
      }
      return;
    }
    let previous = -1n;
    for (const row of page.rows) {
      const micros = row.updatedMicros ?? -1n;
      if (micros < previous) throw new MalformedResponseError(`${where}: rows are not in updated_at order`);
      previous = micros;
    }
  }

  /** The `page[from]` after these rows and the ids at or after it, already emitted. */
  private advance(position: FindPosition, rows: FindRow[]): Omit<FindPosition, 'next'> {
    if (!this.resource.timestamped) {
      return { from: position.from, seen: rows.map((row) => [row.record.id, '0']) };
    }
    const currentMicros = microsOf(position.from) ?? 0n;
    const latest = rows.reduce((max, row) => {
      const micros = row.updatedMicros ?? 0n;
      return micros > max ? micros : max;
    }, currentMicros);
    const fromMicros = latest - 1n > currentMicros ? latest - 1n : currentMicros;
    const all = new Map(position.seen);
    for (const row of rows) all.set(row.record.id, String(row.updatedMicros ?? 0n));
    const seen = [...all].filter(([, micros]) => BigInt(micros) >= fromMicros);
    return { from: fromMicros === currentMicros ? position.from : formatMicros(fromMicros), seen };
  }
}
