import { MalformedResponseError } from '../errors.js';
import type { Page, PagedRecord } from './pager.js';
import { startNewPass } from './progress-guard.js';

/** One page of an offset-paged scan. */
export interface ScannedListPage {
  records: PagedRecord[];
  /** Where the scan continues; undefined on its last page. */
  next: string | undefined;
}

/** What one scan has seen so far: the totals its pages reported and the rows they held. */
export class ScanTally {
  private readonly totals = new Set<string>();
  private total: number | undefined;
  private rows = 0;

  /** `fromStart` false: a resumed scan did not count the rows before it, so it cannot compare them. */
  constructor(private readonly fromStart: boolean) {}

  /** Counts one page: the list's size as the server reported it there, and the rows it held. */
  add(reportedTotal: unknown, rows: number): void {
    this.totals.add(String(reportedTotal));
    const total = Number(String(reportedTotal));
    this.total = Number.isFinite(total) ? total : undefined;
    this.rows += rows;
  }

  /** Every page of the scan reported the same total. */
  get steady(): boolean {
    return this.totals.size === 1;
  }

  /** A steady total counts rows not read yet: neither a missing next link, a short page nor a last flag ends it. */
  get missing(): boolean {
    return this.fromStart && this.steady && this.total !== undefined && this.rows < this.total;
  }

  /** The scan cannot go on while rows are missing (an empty page): one signal may not end the data. */
  shortOfTotal(where: string, totalName: string): MalformedResponseError {
    return new MalformedResponseError(
      `${where}: ${totalName} says ${this.total} rows but the pages hold ${this.rows}; cannot tell where the data ends`,
    );
  }
}

/**
 * Offset pages shift when a list changes mid-scan: a row deleted from an earlier page slides a later row onto a
 * page already read, and it is skipped. So a scan counts as complete only when the reported total held still
 * from its first page to its last; otherwise the list is scanned again, up to `maxScans` times. Rows seen in an
 * earlier scan are yielded again: the pager declares `yieldsEachOnce = false` so the engine removes them.
 * The first scan may start at `cursor` (a continuation); later ones start from the beginning. Each scan adds
 * its pages to the tally it is handed.
 */
export async function* rescanUntilTotalHoldsStill(
  what: string,
  scan: (cursor: string | undefined, tally: ScanTally) => AsyncIterable<ScannedListPage>,
  cursor: string | undefined,
  maxScans: number,
): AsyncIterable<Page> {
  for (let attempt = 1; attempt <= maxScans; attempt += 1) {
    const start = attempt === 1 ? cursor : undefined;
    const tally = new ScanTally(start === undefined);
    // A deliberate second read of the list: its requests repeat the first scan's, which is progress here.
    if (attempt > 1) startNewPass();
    for await (const page of scan(start, tally)) yield { records: page.records, cursor: page.next };
    if (tally.steady) return;
  }
  throw new MalformedResponseError(
    `${what}: the list kept changing during ${maxScans} scans; try again later`,
  );
}
