import { MalformedResponseError } from '../errors.js';
import type { ExportWindow, Page, PagedRecord, PagerMemory, ResourcePager } from '../export/pager.js';
import { isRecord } from '../json/lossless.js';
import type { WelkinClient } from './client.js';
import { EmittedIds } from './emitted-ids.js';
import { decodePosition, type ExportPosition, encodePosition } from './export-cursor.js';

/** The largest page the Export API serves; it must exceed the largest group of rows sharing one updatedAt. */
export const EXPORT_PAGE_SIZE = 500;
const EPOCH = '1970-01-01T00:00:00.000Z';
/** What the pager reads from each row; the rest of the row is passed on as text. */
const ROW_FIELDS = ['id', 'updatedAt'];

interface Row extends PagedRecord {
  updatedAt: string;
  updatedMs: number;
}

/**
 * Pages one Export API resource by `start`, dropping the boundary rows already emitted.
 *
 * Incremental run: the window is [since, until). Rows updated at or after `until` (the run's start) belong to
 * the next run, whose `since` is this run's `until` minus the overlap, so paging ends even while Welkin keeps
 * changing.
 *
 * Full snapshot: paging goes on past `until` to the end of the stream. A row edited mid-run before it was
 * paged moves to the end of the order (the "tail", updatedAt >= until); stopping at `until` would leave it
 * out. A row edited after it was emitted comes again in the tail, so the ids emitted before the tail are
 * logged (8 bytes each) and tail rows already emitted are dropped: each record once, memory ~8 MB per 1M rows.
 * The log is the pager's `memory`: saved beside the run at a checkpoint and loaded by the continuation, so a
 * record emitted in an earlier invocation and edited since is still written once.
 *
 * End of data is never taken from one signal: `hasNext=false` (WEL-5121 returned it while rows remained) and a
 * page shorter than asked (the server may honour a smaller `cursor.pageSize`) both lead to one more request
 * from the new position; only a page with nothing new ends the resource (one extra request per resource and
 * run). An empty page while `hasNext=true` is asked once more, then it is a disagreement nothing resolves: the
 * resource fails.
 */
export class ExportCursorPager implements ResourcePager {
  readonly yieldsEachOnce = true;
  // The cursor ({start, boundary ids}) resumes exactly where the written pages end.
  readonly pausable = true;
  readonly supportsIncremental = true;

  /** Ids emitted by a full snapshot, saved at a checkpoint so a continuation drops the same repeats. */
  readonly memory: PagerMemory = {
    save: () => this.emitted?.save(),
    load: (saved) => {
      this.loaded = EmittedIds.load(saved);
    },
  };
  private loaded: EmittedIds | undefined;
  private emitted: EmittedIds | undefined;

  constructor(
    private readonly client: WelkinClient,
    private readonly upstream: string,
    private readonly pageSize = EXPORT_PAGE_SIZE,
  ) {}

  async *pages(window: ExportWindow, cursor?: string): AsyncIterable<Page> {
    const full = window.since === undefined;
    const untilMs = full ? Number.POSITIVE_INFINITY : Date.parse(window.until);
    const tailFromMs = Date.parse(window.until);
    const emitted = this.loaded ?? new EmittedIds();
    this.loaded = undefined;
    this.emitted = full ? emitted : undefined;
    let position: ExportPosition = cursor
      ? decodePosition(cursor)
      : { start: window.since ?? EPOCH, seen: [] };
    let confirmed = false;
    let emptyWithMore = 0;
    for (;;) {
      const { rows, hasNext, end, honoured, where } = await this.fetch(position.start);
      const startMs = Date.parse(position.start);
      const seen = new Set(position.seen);
      const records: PagedRecord[] = [];
      let reachedUntil = false;
      const kept: Row[] = [];
      for (const row of rows) {
        if (row.updatedMs < startMs) throw new MalformedResponseError(`${where}: a row is older than start`);
        if (row.updatedMs >= untilMs) {
          reachedUntil = true;
          break;
        }
        kept.push(row);
        if (seen.has(row.id)) continue;
        if (full && row.updatedMs < tailFromMs) emitted.addBeforeTail(row.id);
        else if (full && !emitted.addInTail(row.id)) continue;
        records.push({ id: row.id, json: row.json });
      }
      // A row at or after `until` proves the window is exhausted: rows come in updatedAt order.
      if (reachedUntil) {
        if (records.length > 0) yield { records, cursor: undefined };
        return;
      }
      const next = advance(position, startMs, kept, end);
      const progressed = Date.parse(next.start) > startMs || next.seen.length > position.seen.length;
      if (!progressed) {
        // Nothing new from this position: the end, confirmed by asking once more after the last page.
        if (rows.length >= honoured) {
          throw new MalformedResponseError(
            `${where}: more than ${honoured} rows share updatedAt ${position.start}; cannot page past them`,
          );
        }
        if (!hasNext) return;
        // "More follows" with nothing served: ask once more, then give up rather than guess.
        if (emptyWithMore > 0) {
          throw new MalformedResponseError(
            `${where}: the API says more rows follow (hasNext) but serves none after ${position.start}; cannot tell where the data ends`,
          );
        }
        emptyWithMore += 1;
        continue;
      }
      emptyWithMore = 0;
      // Neither a short page (the server may honour a smaller page than asked) nor hasNext=false proves the
      // end: the first time a page looks like the last, ask once more from the new position; only a page
      // with nothing new ends the resource. Once that extra request was spent, a page that looks like the
      // last and holds only rows edited during this run ends it: those keep coming while rows are edited,
      // and waiting for them to stop could take for ever.
      const looksLast = !hasNext || rows.length < honoured;
      const inTail = full && kept.length > 0 && (kept[0] as Row).updatedMs >= tailFromMs;
      if (looksLast && confirmed && inTail) {
        yield { records, cursor: undefined };
        return;
      }
      if (looksLast) confirmed = true;
      yield { records, cursor: encodePosition(next) };
      position = next;
    }
  }

  private async fetch(
    start: string,
  ): Promise<{ rows: Row[]; hasNext: boolean; end: string | undefined; honoured: number; where: string }> {
    const params = new URLSearchParams({ start, pageSize: String(this.pageSize) });
    const page = await this.client.getPage(
      this.client.instancePath(`export/${encodeURIComponent(this.upstream)}?${params}`),
      'data',
      ROW_FIELDS,
    );
    const { envelope: body, records: data, where } = page;
    if (!data) throw new MalformedResponseError(`${where}: no "data" list in the page`);
    const cursor = body.cursor;
    const hasNext = isRecord(cursor) && cursor.hasNext === true;
    const end = isRecord(cursor) && typeof cursor.end === 'string' ? cursor.end : undefined;
    const honoured = honouredPageSize(isRecord(cursor) ? cursor.pageSize : undefined, this.pageSize);
    let previous = Number.NEGATIVE_INFINITY;
    const rows = data.map(({ json, fields }, index): Row => {
      const id = fields.get('id');
      const updatedAt = fields.get('updatedAt');
      const updatedMs = updatedAt === undefined ? Number.NaN : Date.parse(updatedAt);
      if (id === undefined || updatedAt === undefined || Number.isNaN(updatedMs)) {
        throw new MalformedResponseError(`${where}: row ${index} has no id or no valid updatedAt`);
      }
      if (updatedMs < previous) throw new MalformedResponseError(`${where}: rows are not in updatedAt order`);
      previous = updatedMs;
      return { id, json, updatedAt, updatedMs };
    });
    return { rows, hasNext, end, honoured, where };
  }
}

/** The page size the server says it used (it may serve fewer rows than asked), never more than asked. */
function honouredPageSize(reported: unknown, asked: number): number {
  const size = typeof reported === 'number' || typeof reported === 'string' ? Number(reported) : Number.NaN;
  return Number.isInteger(size) && size > 0 ? Math.min(size, asked) : asked;
}

/**
 * The position after `rows`: the next `start` and every id on the page at or after it, which that request
 * serves again (`start` is assumed inclusive, as in the simulator; an exclusive `start` would merely make the
 * ids unnecessary). The API documents `start = cursor.end`, so its `end` is used verbatim (its own format
 * and precision) when it lies after `start` and not after the last row; otherwise, or when absent, the last
 * row's updatedAt: an `end` past the last row could skip rows, one at or before `start` would not move on.
 */
function advance(
  position: ExportPosition,
  startMs: number,
  rows: Row[],
  end: string | undefined,
): ExportPosition {
  const last = rows[rows.length - 1];
  if (!last) return position;
  const endMs = end === undefined ? Number.NaN : Date.parse(end);
  // An `end` equal to `start` only helps when the whole page shares that time; otherwise it cannot progress.
  const useEnd =
    end !== undefined && endMs <= last.updatedMs && (endMs > startMs || endMs === last.updatedMs);
  const start = useEnd ? end : last.updatedAt;
  const nextMs = useEnd ? endMs : last.updatedMs;
  const boundary = rows.filter((row) => row.updatedMs >= nextMs).map((row) => row.id);
  const carried = nextMs === startMs ? position.seen : [];
  return { start, seen: [...new Set([...carried, ...boundary])] };
}
