import { MalformedResponseError } from '../errors.js';
import type { ExportWindow, Page, ResourcePager } from '../export/pager.js';
import type { WelkinV1Client } from './client.js';
import { type FindPage, type FindRow, parseFindPage } from './find-page.js';
import { decodePosition, encodePosition, type FindPosition } from './find-position.js';
import type { WelkinV1Resource } from './resources.js';
import { formatMicros, microsOf, toApiTime } from './timestamp.js';

const EPOCH = '1970-01-01T00:00:00.000000';
/** Full pages of nothing new a next-link chain may cross (a tie group re-served) before paging fails. */
const MAX_STALL = 20;

/**
 * Pages one Find endpoint (`page[from]`/`page[to]` on updated_at, `page[size]`, plus the resource's fixed
 * parameters).
 *
 * - A next link (`links.href.next`, `links.next.href` or `links.next`; same origin and below `/v1/` only) is
 *   followed as is.
 * - Without one, `page[from]` moves to the last row's updated_at minus one microsecond, which returns the
 *   rows of that instant again whether the API treats `page[from]` as inclusive or exclusive; the ids already
 *   emitted there are dropped. Rows must then come in updated_at order.
 * - A row older than the position is never new: everything before it was emitted. This is what ends paging
 *   against a server that compares `page[from]` more coarsely than the rows' microseconds (it keeps serving
 *   the rows of the last millisecond again).
 * - The end is never read from one signal: paging stops only when a request brings nothing new after a page
 *   that signalled the end (short, or without a next link from a server that gives them) or after another
 *   request that brought nothing new (so the end costs one more request), unless that request would repeat
 *   one already made: no URL is ever requested twice in one paging (an empty window is one request). A full
 *   page that brings nothing new may follow next links not yet followed (a tie group re-served), 20 pages at
 *   most; otherwise more rows share one instant than a page holds and nothing gets past them: that fails
 *   loudly rather than loop or skip.
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
    /** Per-query parameters besides the resource's own (audit_logs: one `event_type`). */
    private readonly extraParams: Readonly<Record<string, string>> = {},
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
    // True after a page that signals the end (short, or without a next link from a server that gives them):
    // the next request that brings nothing new confirms it. One signal is never proof, but a request is
    // never sent twice (the engine's progress invariant): when the confirming request would repeat one
    // already made, the end stands.
    let endSignalled = false;
    let sawNext = false;
    // Requests in a row that brought nothing new, and the next links followed meanwhile.
    let quiet = 0;
    const stalled = new Set<string>();
    const requested = new Set<string>();
    for (;;) {
      requested.add(url.toString());
      const { text, where } = await this.client.getText(url);
      const page = parseFindPage(text, where, this.resource.timestamped);
      const fresh = this.freshRows(page.rows, position);
      const next = page.next === undefined ? undefined : this.checkedNext(page.next, where, url);
      if (next) sawNext = true;
      if (fresh.length === 0) {
        const confirmed = endSignalled || (quiet > 0 && !this.isFull(page));
        quiet += 1;
        if (confirmed) return;
        if (this.isFull(page)) {
          url = this.pastStall(next, url, stalled, requested, where, position);
          continue;
        }
        endSignalled = true;
        const confirming = next ?? this.ownNext(url, position.from, to);
        if (requested.has(confirming.toString())) return;
        url = confirming;
        continue;
      }
      quiet = 0;
      stalled.clear();
      endSignalled = !this.isFull(page) || (!next && sawNext);
      if (!next) this.assertOrdered(page, where, sawNext);
      // Without a time to advance by, a continuation starts again at this page (its ids are in `seen`).
      const resumeAt = next ?? (this.resource.timestamped ? undefined : url);
      position = { ...this.advance(position, page.rows), ...(resumeAt ? { next: resumeAt.toString() } : {}) };
      yield { records: fresh.map((row) => row.record), cursor: encodePosition(position) };
      const following = next ?? this.ownNext(url, position.from, to);
      if (requested.has(following.toString())) {
        if (endSignalled) return;
        throw new MalformedResponseError(
          next
            ? `${where}: the next link leads back to a page already read`
            : `${where}: a full page without a next link, and page[from] cannot move past it; more rows ` +
                `share one updated_at (${position.from}) than a page holds`,
        );
      }
      url = following;
    }
  }

  /** Without a next link: the window from the position (timed rows), or this very page again (untimed). */
  private ownNext(url: URL, from: string, to: string | undefined): URL {
    return this.resource.timestamped ? this.firstUrl(from, to) : url;
  }

  /** Rows not emitted yet: not among the ids seen at the position, and (timed rows) not older than it. */
  private freshRows(rows: FindRow[], position: FindPosition): FindRow[] {
    const seen = new Map(position.seen);
    const from = this.resource.timestamped ? (microsOf(position.from) ?? 0n) : undefined;
    return rows.filter(
      (row) =>
        !seen.has(row.record.id) &&
        (from === undefined || row.updatedMicros === undefined || row.updatedMicros >= from),
    );
  }

  /**
   * A full page brought nothing new: its next link may get past it (re-served rows of a long tie group), if
   * not requested already and within MAX_STALL pages; otherwise nothing gets past: fail loudly.
   */
  private pastStall(
    next: URL | undefined,
    url: URL,
    stalled: Set<string>,
    requested: Set<string>,
    where: string,
    position: FindPosition,
  ): URL {
    if (next && next.toString() === url.toString()) {
      throw new MalformedResponseError(`${where}: the next link points back at the same page`);
    }
    if (next && requested.has(next.toString())) {
      throw new MalformedResponseError(`${where}: the next link leads back to a page already read`);
    }
    stalled.add(url.toString());
    if (next && stalled.size <= MAX_STALL) return next;
    throw new MalformedResponseError(
      `${where}: a full page brought no new rows` +
        (next ? `, and next links brought none in ${stalled.size} pages` : ' and no next link') +
        (this.resource.timestamped
          ? `; more rows share one updated_at (${position.from}, as compared by the server) than a page holds`
          : '; cannot page further'),
    );
  }

  private firstUrl(from: string, to: string | undefined): URL {
    const params = new URLSearchParams({ ...this.resource.params, ...this.extraParams });
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

  private assertOrdered(page: FindPage, where: string, sawNext: boolean): void {
    if (!this.resource.timestamped) {
      // A server that gives next links ends with a page without one ("a next URL until … the end").
      if (sawNext) return;
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
