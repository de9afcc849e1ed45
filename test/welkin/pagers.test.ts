import { describe, expect, it } from 'vitest';
import { RenewalLimit } from '../../shared/auth/renewal-limit.js';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { MalformedResponseError } from '../../shared/errors.js';
import type { ExportWindow, Page } from '../../shared/export/pager.js';
import { ArrayPager } from '../../shared/welkin/array-pager.js';
import { WelkinClient } from '../../shared/welkin/client.js';
import { ExportCursorPager } from '../../shared/welkin/export-pager.js';
import { ListPager, META_INFO_PAGE } from '../../shared/welkin/list-pager.js';
import { pagerFor } from '../../shared/welkin/pagers.js';
import { WELKIN_RESOURCES } from '../../shared/welkin/resources.js';
import { fakeFetch, fakeJwt, type Handler, json, testConfig } from './helpers.js';

interface Row {
  id: string;
  updatedAt: string;
}

const at = (second: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, second)).toISOString();
const UNTIL = '2030-01-01T00:00:00.000Z';

/** Rows in export order; `ties[i]` rows share the i-th timestamp. */
function rowsWithTies(ties: number[]): Row[] {
  return ties.flatMap((size, second) =>
    Array.from({ length: size }, (_, k) => ({ id: `r${second}-${k}`, updatedAt: at(second) })),
  );
}

/** The Export API as the simulator documents it: `start` inclusive, `cursor.end` = last updatedAt. */
function exportApi(
  rows: Row[],
  options: { hasNextLies?: boolean; end?: (page: Row[]) => string | null | undefined } = {},
): Handler {
  return (url) => {
    if (url.pathname.includes('/admin/api_clients/')) return json({ token: fakeJwt(Date.now()) }, 201);
    const start = Date.parse(url.searchParams.get('start') ?? '1970-01-01T00:00:00Z');
    const size = Number(url.searchParams.get('pageSize'));
    const from = rows.filter((row) => Date.parse(row.updatedAt) >= start);
    const page = from.slice(0, size);
    const end = options.end ? options.end(page) : (page.at(-1)?.updatedAt ?? null);
    const body = `{"data":[${page
      .map((row) => `{"id":"${row.id}","updatedAt":"${row.updatedAt}","big":12345678901234567891}`)
      .join(
        ',',
      )}],"cursor":{"start":null,${end === undefined ? '' : `"end":${JSON.stringify(end)},`}"pageSize":${size},"hasNext":${
      options.hasNextLies ? false : from.length > size
    }}}`;
    return json(body);
  };
}

function clientFor(handler: Handler) {
  const { fetch, seen } = fakeFetch(handler);
  // A cap of its own: the process-wide one (20 renewals per 5 minutes) would refuse tokens to later tests.
  const limit = new RenewalLimit();
  return { client: new WelkinClient(testConfig(), new MemoryTokenStore(), { fetch, limit }), seen };
}

async function collect(pages: AsyncIterable<Page>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const idsOf = (pages: Page[]) => pages.flatMap((page) => page.records.map((record) => record.id));
const FULL: ExportWindow = { until: UNTIL };

describe('ExportCursorPager', () => {
  it('pages by start = last updatedAt and drops the boundary rows already emitted, ties across pages included', async () => {
    // Prepare: tie groups straddle every page boundary of size 5.
    const rows = rowsWithTies([3, 4, 1, 6, 2, 3]);
    const { client, seen } = clientFor(exportApi(rows));
    const pager = new ExportCursorPager(client, 'PATIENT', 7);

    // Act
    const pages = await collect(pager.pages(FULL));

    // Assess
    expect(idsOf(pages)).toEqual(rows.map((row) => row.id));
    const starts = seen
      .filter((r) => r.url.pathname.endsWith('/export/PATIENT'))
      .map((r) => r.url.searchParams.get('start'));
    expect(starts[0]).toBe('1970-01-01T00:00:00.000Z');
    // The short last page is not taken as the end: one more request confirms nothing follows.
    expect(starts).toHaveLength(pages.length + 1);
  });

  it('keeps bytes: big integers come back digit for digit', async () => {
    // Prepare
    const { client } = clientFor(exportApi(rowsWithTies([2])));

    // Act
    const pages = await collect(new ExportCursorPager(client, 'PATIENT', 10).pages(FULL));

    // Assess
    expect(pages[0]?.records[0]?.json).toBe(
      `{"id":"r0-0","updatedAt":"${at(0)}","big":12345678901234567891}`,
    );
  });

  it('does not trust hasNext=false on a full page: asks again until a short page', async () => {
    // Prepare: the server always says hasNext=false (WEL-5121).
    const rows = rowsWithTies([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const { client, seen } = clientFor(exportApi(rows, { hasNextLies: true }));

    // Act
    const pages = await collect(new ExportCursorPager(client, 'TASK', 4).pages(FULL));

    // Assess: pages of 4 at starts 0, 3, 6, 9 (start is inclusive); the 4th is short, and one more request
    // from its end brings nothing new, so paging ends.
    expect(idsOf(pages)).toEqual(rows.map((row) => row.id));
    expect(seen.filter((r) => r.url.pathname.includes('/export/')).length).toBe(5);
  });

  it('asks once more on an empty page that says hasNext=true, then fails naming the disagreement', async () => {
    // Prepare
    const { client, seen } = clientFor((url) =>
      url.pathname.includes('/admin/api_clients/')
        ? json({ token: fakeJwt(Date.now()) }, 201)
        : json('{"data":[],"cursor":{"start":null,"end":null,"pageSize":5,"hasNext":true}}'),
    );

    // Act
    const act = collect(new ExportCursorPager(client, 'TASK', 5).pages(FULL));

    // Assess
    await expect(act).rejects.toThrow(MalformedResponseError);
    await expect(act).rejects.toThrow(/says more rows follow \(hasNext\) but serves none after 1970-01-01/);
    expect(seen.filter((r) => r.url.pathname.includes('/export/')).length).toBe(2);
  });

  it('bounds the window: since is the first start, rows updated at or after until are left for the next run', async () => {
    // Prepare
    const rows = rowsWithTies([2, 2, 2, 2, 2]);
    const { client, seen } = clientFor(exportApi(rows));

    // Act
    const pages = await collect(
      new ExportCursorPager(client, 'SMS', 3).pages({ since: at(1), until: at(3) }),
    );

    // Assess
    expect(idsOf(pages)).toEqual(['r1-0', 'r1-1', 'r2-0', 'r2-1']);
    expect(seen.find((r) => r.url.pathname.includes('/export/'))?.url.searchParams.get('start')).toBe(at(1));
  });

  it('continues from a cursor with no gap and no duplicate', async () => {
    // Prepare
    const rows = rowsWithTies([3, 4, 1, 6, 2, 3]);
    const pager = new ExportCursorPager(clientFor(exportApi(rows)).client, 'EMAIL', 7);
    const firstTwo: Page[] = [];
    for await (const page of pager.pages(FULL)) {
      firstTwo.push(page);
      if (firstTwo.length === 2) break;
    }

    // Act
    const rest = await collect(
      new ExportCursorPager(clientFor(exportApi(rows)).client, 'EMAIL', 7).pages(FULL, firstTwo[1]?.cursor),
    );

    // Assess
    expect([...idsOf(firstTwo), ...idsOf(rest)]).toEqual(rows.map((row) => row.id));
  });

  it('a full snapshot pages past until to the end of the stream, catching rows edited mid-run before they were paged', async () => {
    // Prepare: rows one second apart; after the first request, r8 (not yet paged) and r1 (already paged) are
    // edited, moving them past until, the run's start.
    const rows = rowsWithTies(Array.from({ length: 12 }, () => 1));
    const live = [...rows];
    const api = exportApi(live);
    let requests = 0;
    const { client } = clientFor((url, request) => {
      const response = api(url, request);
      if (url.pathname.includes('/export/') && ++requests === 1) {
        for (const [id, second] of [
          ['r8-0', 500],
          ['r1-0', 501],
        ] as const) {
          const index = live.findIndex((row) => row.id === id);
          live.splice(index, 1);
          live.push({ id, updatedAt: at(second) });
        }
      }
      return response;
    });
    const pager = new ExportCursorPager(client, 'PATIENT', 4);

    // Act
    const pages = await collect(pager.pages({ until: at(100) }));

    // Assess: every row is there once; r1 (emitted, then edited into the tail) is not repeated.
    const ids = idsOf(pages);
    expect(new Set(ids)).toEqual(new Set(rows.map((row) => row.id)));
    expect(ids).toHaveLength(rows.length);
    expect(ids.filter((id) => id === 'r8-0')).toHaveLength(1);
    expect(ids.filter((id) => id === 'r1-0')).toHaveLength(1);
    expect(pager.yieldsEachOnce).toBe(true);
    expect(pager.pausable).toBe(true);
  });

  it('a full snapshot also emits rows already updated at or after until', async () => {
    // Prepare
    const rows = rowsWithTies([2, 2, 2, 2, 2]);
    const { client } = clientFor(exportApi(rows));

    // Act
    const pages = await collect(new ExportCursorPager(client, 'SMS', 3).pages({ until: at(3) }));

    // Assess
    expect(idsOf(pages)).toEqual(rows.map((row) => row.id));
  });

  it('asks for the next page with start = cursor.end, exactly as the API wrote it', async () => {
    // Prepare: cursor.end without milliseconds, rows with them.
    const rows = rowsWithTies([1, 2, 1, 3, 1, 1, 2]);
    const { client, seen } = clientFor(
      exportApi(rows, { end: (page) => page.at(-1)?.updatedAt.replace('.000Z', 'Z') ?? null }),
    );

    // Act
    const pages = await collect(new ExportCursorPager(client, 'TASK', 4).pages(FULL));

    // Assess
    expect(idsOf(pages)).toEqual(rows.map((row) => row.id));
    const starts = seen
      .filter((r) => r.url.pathname.includes('/export/'))
      .map((r) => r.url.searchParams.get('start'));
    expect(starts.slice(1)).toEqual([
      '2024-01-01T00:00:02Z',
      '2024-01-01T00:00:03Z',
      '2024-01-01T00:00:04Z',
      '2024-01-01T00:00:06Z',
    ]);
  });

  it.each([
    ['absent', () => undefined],
    ['after the last row (trusting it could skip rows)', () => at(1_000)],
    ['before start (trusting it would go backwards)', () => '1970-01-01T00:00:00.000Z'],
    ['not a date-time', () => 'soon'],
  ])('falls back to the last row updatedAt when cursor.end is %s', async (_label, end) => {
    // Prepare
    const rows = rowsWithTies([1, 2, 1, 3, 1, 1, 2, 1]);
    const { client, seen } = clientFor(exportApi(rows, { end }));

    // Act
    const pages = await collect(new ExportCursorPager(client, 'TASK', 4).pages(FULL));

    // Assess
    expect(idsOf(pages)).toEqual(rows.map((row) => row.id));
    const second = seen.filter((r) => r.url.pathname.includes('/export/'))[1];
    expect(second?.url.searchParams.get('start')).toBe(at(2));
  });

  it('drops the rows it already emitted when cursor.end is earlier than the last row of the page', async () => {
    // Prepare: end names the second row's time, so the rows after it come back on the next page.
    const rows = rowsWithTies([1, 1, 2, 1, 1, 1, 1, 1, 1]);
    const { client } = clientFor(exportApi(rows, { end: (page) => page[1]?.updatedAt ?? null }));

    // Act
    const pages = await collect(new ExportCursorPager(client, 'TASK', 4).pages(FULL));

    // Assess
    expect(idsOf(pages)).toEqual(rows.map((row) => row.id));
  });

  it('fails clearly when more rows share one updatedAt than a page holds', async () => {
    // Prepare
    const { client } = clientFor(exportApi(rowsWithTies([1, 8, 1])));

    // Act
    const failure = await collect(new ExportCursorPager(client, 'PATIENT', 4).pages(FULL)).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(failure).toBeInstanceOf(MalformedResponseError);
    expect((failure as Error).message).toMatch(/more than 4 rows share updatedAt/);
  });
});

/** A list endpoint of `total` rows whose envelope is built by `envelope`. */
function listApi(
  total: number,
  sizeParam: string,
  envelope: (items: string[], page: number, last: boolean) => string,
): Handler {
  return (url) => {
    if (url.pathname.includes('/admin/api_clients/')) return json({ token: fakeJwt(Date.now()) }, 201);
    const page = Number(url.searchParams.get('page'));
    const size = Number(url.searchParams.get(sizeParam));
    const items = Array.from({ length: total }, (_, i) => `{"id":"u${i}","n":${i}}`).slice(
      page * size,
      page * size + size,
    );
    return json(envelope(items, page, (page + 1) * size >= total));
  };
}

describe('ListPager', () => {
  it('pages a metaInfo list until the short last page, with page and size', async () => {
    // Prepare
    const { client, seen } = clientFor(
      listApi(
        7,
        'size',
        (items, page, last) => `{"data":[${items}],"metaInfo":{"page":${page},"lastPage":${last}}}`,
      ),
    );

    // Act
    const pages = await collect(
      new ListPager(client, 'gh/admin/users', META_INFO_PAGE, 'id,asc', 3).pages(FULL),
    );

    // Assess
    expect(idsOf(pages)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    const listCalls = seen.filter((r) => r.url.pathname.endsWith('/admin/users'));
    expect(listCalls.map((r) => r.url.searchParams.toString())).toEqual([
      'page=0&size=3&sort=id%2Casc',
      'page=1&size=3&sort=id%2Casc',
      'page=2&size=3&sort=id%2Casc',
    ]);
  });

  it('asks once more after a full page flagged last', async () => {
    // Prepare
    const { client, seen } = clientFor(
      listApi(
        6,
        'size',
        (items, page, last) => `{"data":[${items}],"metaInfo":{"page":${page},"lastPage":${last}}}`,
      ),
    );

    // Act
    const pages = await collect(
      new ListPager(client, 'gh/admin/users', META_INFO_PAGE, undefined, 3).pages(FULL),
    );

    // Assess
    expect(idsOf(pages)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u5']);
    expect(seen.filter((r) => r.url.pathname.endsWith('/admin/users')).length).toBe(3);
  });

  it('keeps paging after a short page when the envelope says it is not the last (server-capped page size)', async () => {
    // Prepare: the server serves 2 rows per page, whatever is asked.
    const { client } = clientFor((url) => {
      if (url.pathname.includes('/admin/api_clients/')) return json({ token: fakeJwt(Date.now()) }, 201);
      const page = Number(url.searchParams.get('page'));
      const items = ['u0', 'u1', 'u2', 'u3', 'u4']
        .slice(page * 2, page * 2 + 2)
        .map((id) => `{"id":"${id}"}`);
      return json(`{"data":[${items}],"metaInfo":{"page":${page},"lastPage":${(page + 1) * 2 >= 5}}}`);
    });
    const pager = new ListPager(client, 'gh/admin/users', META_INFO_PAGE, undefined, 3);

    // Act
    const pages = await collect(pager.pages(FULL));

    // Assess
    expect(idsOf(pages)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
  });

  it.each([
    [
      'metaInfo',
      META_INFO_PAGE,
      'size',
      (items: string[], page: number, last: boolean, total: number) =>
        `{"data":[${items}],"metaInfo":{"page":${page},"totalElements":${total},"lastPage":${last}}}`,
    ],
  ])(
    'scans a %s list again when a row is deleted after page 0, so no row present throughout is skipped',
    async (_label, shape, sizeParam, envelope) => {
      // Prepare: 7 rows, pages of 3; u1 is deleted once page 0 is served, which shifts u3 onto page 0.
      const live = Array.from({ length: 7 }, (_, i) => `u${i}`);
      let deleted = false;
      const { client, seen } = clientFor((url) => {
        if (url.pathname.includes('/admin/api_clients/')) return json({ token: fakeJwt(Date.now()) }, 201);
        const page = Number(url.searchParams.get('page'));
        const size = Number(url.searchParams.get(sizeParam));
        const items = live.slice(page * size, page * size + size).map((id) => `{"id":"${id}"}`);
        const response = json(envelope(items, page, (page + 1) * size >= live.length, live.length));
        if (!deleted) {
          deleted = true;
          live.splice(1, 1);
        }
        return response;
      });
      const pager = new ListPager(client, 'gh/admin/users', shape, 'id,asc', 3);

      // Act
      const pages = await collect(pager.pages(FULL));

      // Assess: the second scan finds u3; repeats are left to the engine (yieldsEachOnce false).
      expect(new Set(idsOf(pages))).toEqual(new Set(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6']));
      expect(
        seen.filter((r) => r.url.searchParams.has('page')).map((r) => r.url.searchParams.get('page')),
      ).toEqual(['0', '1', '2', '0', '1', '2']);
      expect(pager.yieldsEachOnce).toBe(false);
      expect(pager.pausable).toBe(false);
    },
  );

  it('gives up after five scans of a list whose total keeps changing', async () => {
    // Prepare: every response reports a different total.
    let total = 10;
    const { client, seen } = clientFor((url) => {
      if (url.pathname.includes('/admin/api_clients/')) return json({ token: fakeJwt(Date.now()) }, 201);
      const page = Number(url.searchParams.get('page'));
      total += 1;
      const items = page === 0 ? '{"id":"a"},{"id":"b"}' : '{"id":"c"}';
      return json(`{"data":[${items}],"metaInfo":{"totalElements":${total},"lastPage":${page === 1}}}`);
    });

    // Act
    const failure = await collect(
      new ListPager(client, 'gh/admin/users', META_INFO_PAGE, undefined, 2).pages(FULL),
    ).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(MalformedResponseError);
    expect((failure as Error).message).toMatch(/kept changing during 5 scans/);
    expect(seen.filter((r) => r.url.searchParams.has('page')).length).toBe(10);
  });

  it.each(['abc', '1.5', '-1', '2e3'])(
    'rejects the cursor %j instead of asking for page NaN',
    async (cursor) => {
      // Prepare
      const { client, seen } = clientFor(() => json({ token: fakeJwt(Date.now()) }, 201));

      // Act
      const failure = await collect(
        new ListPager(client, 'gh/admin/users', META_INFO_PAGE).pages(FULL, cursor),
      ).catch((e: unknown) => e);

      // Assess
      expect(failure).toBeInstanceOf(MalformedResponseError);
      expect(seen).toEqual([]);
    },
  );

  it('continues from a page-number cursor', async () => {
    // Prepare
    const { client, seen } = clientFor(
      listApi(
        7,
        'size',
        (items, page, last) => `{"data":[${items}],"metaInfo":{"page":${page},"lastPage":${last}}}`,
      ),
    );

    // Act
    const pages = await collect(
      new ListPager(client, 'gh/admin/users', META_INFO_PAGE, undefined, 3).pages(FULL, '1'),
    );

    // Assess
    expect(idsOf(pages)).toEqual(['u3', 'u4', 'u5', 'u6']);
    expect(
      seen.filter((r) => r.url.searchParams.has('page')).map((r) => r.url.searchParams.get('page')),
    ).toEqual(['1', '2']);
  });
});

describe('ArrayPager (program definitions)', () => {
  const programs =
    '[{"name":"prog-a","title":"A","phases":[{"name":"start"}]},{"name":"prog-b","title":"B"}]';

  it('asks formations/current/programs?page=0 once and keys each definition by name', async () => {
    // Prepare
    const { client, seen } = clientFor((url) =>
      url.pathname.includes('/admin/api_clients/')
        ? json({ token: fakeJwt(Date.now()) }, 201)
        : json(programs),
    );
    const resource = WELKIN_RESOURCES.find((candidate) => candidate.name === 'programs');
    const pager = pagerFor(client, resource as (typeof WELKIN_RESOURCES)[number]);

    // Act
    const pages = await collect(pager.pages(FULL));

    // Assess
    const data = seen.filter((r) => !r.url.pathname.includes('/admin/api_clients/'));
    expect(data.map((r) => `${r.url.pathname}${r.url.search}`)).toEqual([
      '/gh/sb-demo/formations/current/programs?page=0',
    ]);
    expect(pager.key).toBe('name');
    expect(pages.flatMap((page) => page.records.map((record) => record.id))).toEqual(['prog-a', 'prog-b']);
    expect(pages[0]?.records[0]?.json).toBe('{"name":"prog-a","title":"A","phases":[{"name":"start"}]}');
    expect(pages.at(-1)?.cursor).toBeUndefined();
  });

  it.each([
    ['a {data, metaInfo} object', '{"data":[{"name":"prog-a"}],"metaInfo":{}}', /expected a JSON array/],
    ['a definition without a name', '[{"title":"A"}]', /row 0 has no name/],
  ])('fails on %s instead of guessing', async (_label, body, message) => {
    // Prepare
    const { client } = clientFor((url) =>
      url.pathname.includes('/admin/api_clients/') ? json({ token: fakeJwt(Date.now()) }, 201) : json(body),
    );

    // Act
    const failure = await collect(
      new ArrayPager(client, 'gh/sb-demo/formations/current/programs', 'name').pages(FULL),
    ).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(MalformedResponseError);
    expect((failure as Error).message).toMatch(message);
  });
});
