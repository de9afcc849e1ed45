import { MalformedResponseError } from '../errors.js';
import { pagedRecords } from '../export/paged-records.js';
import type { PagedRecord } from '../export/pager.js';
import { isRecord } from '../json/lossless.js';
import { type ScannedRecord, scanPage } from '../json/page-scanner.js';
import { microsOf } from './timestamp.js';

/** One row of a Find answer: the record for the engine, plus its update time when the model has one. */
export interface FindRow {
  record: PagedRecord;
  updatedMicros: bigint | undefined;
}

export interface FindPage {
  rows: FindRow[];
  /** The next link as sent (`links.href.next`, `links.next.href` or `links.next`), not yet checked. */
  next: string | undefined;
  /** `links.meta.current["page[size]"]` or `meta.current[…]`: the page size the API applied (may be smaller). */
  servedPageSize: number | undefined;
}

/**
 * The only place records are taken out of a Find answer: the engine gets each record's id and its text as
 * sent. When the record representation changes, this is what adapts.
 */
export function recordsOf(scanned: readonly ScannedRecord[], where: string): PagedRecord[] {
  return pagedRecords(scanned, where, 'row');
}

/**
 * The first draft of the reference showed the answer as a one-element list around `{data, meta}` (the final
 * one shows the bare `{data, links}`): its object is scanned in place. A list of anything but one object fails the scan (the scanner insists on one object and the end).
 */
function unwrapped(text: string): string {
  const trimmed = text.trim();
  return trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : text;
}

/** Reads one Find answer, wrapped or bare. Anything else is malformed: guessing could page on with gaps. */
export function parseFindPage(text: string, where: string, timestamped: boolean): FindPage {
  const { envelope, records } = scanPage(unwrapped(text), where, 'data', ['id', 'updated_at']);
  if (!records) throw new MalformedResponseError(`${where}: no "data" list in the answer`);
  const paged = recordsOf(records, where);
  const rows = paged.map((record, index): FindRow => {
    if (!timestamped) return { record, updatedMicros: undefined };
    const text = records[index]?.fields.get('updated_at');
    const updatedMicros = text === undefined ? undefined : microsOf(text);
    if (updatedMicros === undefined) {
      throw new MalformedResponseError(`${where}: row ${index} has no valid updated_at`);
    }
    return { record, updatedMicros };
  });
  return {
    rows,
    next: nextLinkOf(envelope.links, where),
    servedPageSize: servedPageSizeOf(envelope.links, envelope.meta),
  };
}

/**
 * The final reference's `links` hold the next URL twice, as `links.href.next` and `links.next.href`; the draft
 * had `links.next` as text. Any of them; null, empty or absent means there is no next page.
 */
function nextLinkOf(links: unknown, where: string): string | undefined {
  if (links === undefined || links === null) return undefined;
  if (!isRecord(links)) throw new MalformedResponseError(`${where}: "links" is not an object`);
  const next = links.next;
  const candidates = [isRecord(links.href) ? links.href.next : undefined, isRecord(next) ? next.href : next];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === null || candidate === '') continue;
    if (typeof candidate !== 'string')
      throw new MalformedResponseError(`${where}: the next link is not text`);
    return candidate;
  }
  return undefined;
}

/** `links.meta.current["page[size]"]` (final reference), else the draft's `meta.current["page[size]"]`. */
function servedPageSizeOf(links: unknown, meta: unknown): number | undefined {
  const fromLinks = isRecord(links) && isRecord(links.meta) ? links.meta.current : undefined;
  const fromMeta = isRecord(meta) ? meta.current : undefined;
  for (const current of [fromLinks, fromMeta]) {
    if (!isRecord(current)) continue;
    const size = Number(current['page[size]']);
    if (Number.isInteger(size) && size > 0) return size;
  }
  return undefined;
}
