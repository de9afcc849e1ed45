import { describe, expect, it } from 'vitest';
import type { Page } from '../../shared/export/pager.js';
import {
  rescanUntilTotalHoldsStill,
  type ScannedListPage,
  ScanTally,
} from '../../shared/export/stable-scan.js';

const record = (id: string) => ({ id, json: `{"id":"${id}"}` });

/** A scan of two one-row pages whose totals are given per scan; records the start cursor of each scan. */
function scans(totals: Array<[unknown, unknown]>, starts: Array<string | undefined>) {
  let scan = 0;
  return async function* (start: string | undefined, tally: ScanTally): AsyncIterable<ScannedListPage> {
    starts.push(start);
    const [first, second] = totals[Math.min(scan, totals.length - 1)] as [unknown, unknown];
    scan += 1;
    tally.add(first, 1);
    yield { records: [record('a')], next: 'p2' };
    tally.add(second, 1);
    yield { records: [record('b')], next: undefined };
  };
}

async function collect(pages: AsyncIterable<Page>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('rescanUntilTotalHoldsStill', () => {
  it('ends after the first scan whose total held still, the first scan starting at the cursor', async () => {
    // Prepare
    const starts: Array<string | undefined> = [];

    // Act
    const pages = await collect(
      rescanUntilTotalHoldsStill(
        'list',
        scans(
          [
            [2, 3],
            [2, 2],
          ],
          starts,
        ),
        'resume-here',
        5,
      ),
    );

    // Assess
    expect(starts).toEqual(['resume-here', undefined]);
    expect(pages.map((page) => page.records.map((r) => r.id))).toEqual([['a'], ['b'], ['a'], ['b']]);
    expect(pages.map((page) => page.cursor)).toEqual(['p2', undefined, 'p2', undefined]);
  });

  it('fails naming the list after maxScans scans that all saw the total move', async () => {
    // Prepare
    const starts: Array<string | undefined> = [];

    // Act
    const failure = collect(
      rescanUntilTotalHoldsStill('Cliniko /services', scans([[1, 2]], starts), undefined, 3),
    );

    // Assess
    await expect(failure).rejects.toThrow('Cliniko /services: the list kept changing during 3 scans');
    expect(starts).toHaveLength(3);
  });
});

describe('ScanTally', () => {
  it('counts rows as missing only while a steady total exceeds them, and only for a scan from the start', () => {
    // Prepare
    const fromStart = new ScanTally(true);
    const resumed = new ScanTally(false);
    const moving = new ScanTally(true);

    // Act
    fromStart.add(5, 3);
    resumed.add(5, 3);
    moving.add(5, 3);
    moving.add(6, 0);

    // Assess
    expect(fromStart.missing).toBe(true);
    expect(fromStart.shortOfTotal('Welkin /x', 'the total').message).toBe(
      'Welkin /x: the total says 5 rows but the pages hold 3; cannot tell where the data ends',
    );
    fromStart.add(5, 2);
    expect(fromStart.missing).toBe(false);
    expect(resumed.missing).toBe(false);
    expect(moving.steady).toBe(false);
    expect(moving.missing).toBe(false);
  });
});
