import { describe, expect, it, vi } from 'vitest';
import { ClinikoClient } from '../../shared/cliniko/client.js';
import { KeysetPager, LinksPager, SingleObjectPager } from '../../shared/cliniko/pagers.js';
import { CLINIKO_RESOURCES, type ClinikoResource, clinikoList } from '../../shared/cliniko/resources.js';
import { HttpError, MalformedResponseError } from '../../shared/errors.js';
import type { Page } from '../../shared/export/pager.js';

const BASE = 'https://api.au1.cliniko.com/v1';
const PATIENTS = clinikoList('patients', ['id', 'updated_at', 'archived_at'], 'test');
const SERVICES = clinikoList('services', [], 'test');

/** A Cliniko client whose fetch answers with the given raw JSON bodies, in order, and records the URLs. */
function clinikoWith(bodies: string[]) {
  const urls: URL[] = [];
  const fetch = vi.fn(async (input: Request | URL | string) => {
    urls.push(new URL(input instanceof Request ? input.url : String(input)));
    const body = bodies.shift();
    if (body === undefined) throw new Error('test fetch: no more pages scripted');
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return { client: clientWith(fetch), urls };
}

async function collect(pages: AsyncIterable<Page>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/**
 * A keyset-capable fake of one Cliniko list: honours sort=id / id:desc, per_page and the id:> / id:<= filters,
 * answers total_entries and links.next like Cliniko, and records every request URL.
 */
function keysetCliniko(ids: bigint[]) {
  const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const urls: URL[] = [];
  const fetch = vi.fn(async (input: Request | URL | string) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    urls.push(url);
    let rows = sorted;
    for (const filter of url.searchParams.getAll('q[]')) {
      const after = /^id:>(\d+)$/.exec(filter)?.[1];
      const upTo = /^id:<=(\d+)$/.exec(filter)?.[1];
      if (after) rows = rows.filter((id) => id > BigInt(after));
      if (upTo) rows = rows.filter((id) => id <= BigInt(upTo));
    }
    if (url.searchParams.get('sort') === 'id:desc') rows = [...rows].reverse();
    const perPage = Number(url.searchParams.get('per_page'));
    const page = rows.slice(0, perPage);
    const next = rows.length > perPage ? `"next":"${url.href}&page=2"` : '';
    const body = `{"patients":[${page.map((id) => `{"id":${id}}`).join(',')}],"total_entries":${rows.length},"links":{${next}}}`;
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return { client: clientWith(fetch), urls };
}

function clientWith(fetch: unknown): ClinikoClient {
  return new ClinikoClient(
    {
      apiKey: 'pager-test-key-au1',
      userAgent: 'Test (t@example.com)',
      baseUrl: new URL(BASE),
      requestsPerMinute: Number.POSITIVE_INFINITY,
      timeoutMs: 5_000,
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, rateLimitRetries: 0 },
    },
    { fetch: fetch as typeof globalThis.fetch },
  );
}

function idsOf(pages: Page[]): string[] {
  return pages.flatMap((page) => page.records.map((record) => record.id));
}

function spacedIds(count: number, first = 2n ** 60n, step = 7n): bigint[] {
  return Array.from({ length: count }, (_, index) => first + BigInt(index) * step);
}

const WINDOW = { since: '2026-01-01T00:00:00.750Z', until: '2026-01-02T12:30:45.999Z' };

describe('KeysetPager', () => {
  it('asks for id order, revealed rows, the update window and the rows after the last id', async () => {
    // Prepare
    const ids = spacedIds(150);
    const { client, urls } = keysetCliniko(ids);
    const pager = new KeysetPager(client, PATIENTS, 1);

    // Act
    const pages = await collect(pager.pages(WINDOW));

    // Assess: the third request, after the last id, comes back empty and ends the list.
    expect(urls).toHaveLength(3);
    expect(urls[2]?.searchParams.getAll('q[]')).toContain(`id:>${ids[149]}`);
    expect(urls[0]?.pathname).toBe('/v1/patients');
    expect(urls[0]?.searchParams.get('sort')).toBe('id');
    expect(urls[0]?.searchParams.get('per_page')).toBe('100');
    expect(urls[0]?.searchParams.getAll('q[]')).toEqual([
      'archived_at:*',
      'updated_at:>=2026-01-01T00:00:00Z',
      'updated_at:<2026-01-02T12:30:45Z',
    ]);
    expect(urls[1]?.searchParams.getAll('q[]')).toEqual([
      'archived_at:*',
      `id:>${ids[99]}`,
      'updated_at:>=2026-01-01T00:00:00Z',
      'updated_at:<2026-01-02T12:30:45Z',
    ]);
    expect(idsOf(pages)).toEqual(ids.map(String));
    expect(pages[0]?.records[0]?.json).toBe(`{"id":${ids[0]}}`);
  });

  it('sends no updated_at filter for a full snapshot and resumes after a checkpoint cursor', async () => {
    // Prepare
    const { client, urls } = keysetCliniko([499n, 500n, 501n, 502n]);
    const cursor = JSON.stringify([{ after: '500', done: false }]);

    // Act
    const pages = await collect(new KeysetPager(client, PATIENTS, 1).pages({ until: WINDOW.until }, cursor));

    // Assess
    expect(urls[0]?.searchParams.getAll('q[]')).toEqual(['archived_at:*', 'id:>500']);
    expect(idsOf(pages)).toEqual(['501', '502']);
  });

  it('ends only on an empty keyset page: a page without links.next is followed by one more request', async () => {
    // Prepare
    const ids = spacedIds(40);
    const { client, urls } = keysetCliniko(ids);

    // Act
    const pages = await collect(new KeysetPager(client, PATIENTS).pages({ until: WINDOW.until }));

    // Assess
    expect(urls).toHaveLength(2);
    expect(urls[1]?.searchParams.getAll('q[]')).toContain(`id:>${ids[39]}`);
    expect(idsOf(pages)).toHaveLength(40);
  });

  it('yields nothing for an empty list', async () => {
    // Prepare
    const { client, urls } = keysetCliniko([]);

    // Act
    const pages = await collect(new KeysetPager(client, PATIENTS).pages({ until: WINDOW.until }));

    // Assess
    expect(urls).toHaveLength(1);
    expect(pages).toEqual([]);
  });

  it('splits a large list into id ranges and still yields every record exactly once', async () => {
    // Prepare
    const ids = spacedIds(2_500);
    const { client, urls } = keysetCliniko(ids);

    // Act
    const pages = await collect(new KeysetPager(client, PATIENTS, 3).pages({ until: WINDOW.until }));

    // Assess
    const yielded = idsOf(pages);
    expect(new Set(yielded).size).toBe(yielded.length);
    expect([...yielded].sort()).toEqual(ids.map(String).sort());
    expect(urls.some((url) => url.searchParams.get('sort') === 'id:desc')).toBe(true);
    expect(urls.some((url) => url.searchParams.getAll('q[]').some((q) => q.startsWith('id:<=')))).toBe(true);
  });

  it('continues from any page cursor of a split run with no gap and no duplicate', async () => {
    // Prepare
    const ids = spacedIds(2_500);
    const first = keysetCliniko(ids);
    const before: Page[] = [];
    for await (const page of new KeysetPager(first.client, PATIENTS, 3).pages({ until: WINDOW.until })) {
      before.push(page);
      if (before.length === 7) break;
    }
    const cursor = before.at(-1)?.cursor;
    const second = keysetCliniko(ids);

    // Act
    const after = await collect(
      new KeysetPager(second.client, PATIENTS, 3).pages({ until: WINDOW.until }, cursor),
    );

    // Assess
    const union = [...idsOf(before), ...idsOf(after)];
    expect(new Set(union).size).toBe(union.length);
    expect(union.sort()).toEqual(ids.map(String).sort());
  });

  it('refuses a checkpoint cursor it did not write', async () => {
    // Prepare
    const { client, urls } = keysetCliniko([1n]);

    // Act
    const act = collect(new KeysetPager(client, PATIENTS).pages({ until: WINDOW.until }, '12345'));

    // Assess
    await expect(act).rejects.toThrow(MalformedResponseError);
    await expect(act).rejects.toThrow('Cliniko checkpoint cursor is not a list of id ranges');
    expect(urls).toHaveLength(0);
  });

  it('fails when ids do not increase, within a page or across pages', async () => {
    // Prepare
    const within = clinikoWith(['{"patients":[{"id":5},{"id":5}]}']);
    const across = clinikoWith([
      `{"patients":[{"id":7}],"links":{"next":"${BASE}/patients?page=2"}}`,
      '{"patients":[{"id":3}]}',
    ]);

    // Act
    const first = collect(new KeysetPager(within.client, PATIENTS, 1).pages({ until: WINDOW.until }));
    const second = collect(new KeysetPager(across.client, PATIENTS, 1).pages({ until: WINDOW.until }));

    // Assess
    await expect(first).rejects.toThrow(MalformedResponseError);
    await expect(first).rejects.toThrow(/ids out of order or range/);
    await expect(second).rejects.toThrow(/ids out of order or range/);
  });

  it.each([
    ['no list', '{"people":[]}', /no "patients" list in the page/],
    ['a record without id', '{"patients":[{"name":"Jane"}]}', /record 0 has no id/],
    ['a non-integer id', '{"patients":[{"id":"abc"}]}', /id is not an integer/],
    ['not an object', '[1,2]', /expected a JSON object/],
    // Not HTML: a 200 HTML page is a maintenance page, retried first (issue 19; html-maintenance-page.test.ts).
    ['not JSON', 'Jane, plain text', /response is not valid JSON/],
  ])('names the resource URL when a page has %s', async (_case, body, reason) => {
    // Prepare
    const { client } = clinikoWith([body]);

    // Act
    const act = collect(new KeysetPager(client, PATIENTS).pages({ until: '2026-01-01T00:00:00Z' }));

    // Assess
    const error = await act.then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error?.message).toMatch(reason);
    expect(error?.message).toContain(`Cliniko ${BASE}/patients?per_page=100&sort=id`);
    expect(error?.message).not.toContain('Jane');
  });
});

describe('LinksPager', () => {
  it('follows links.next until it is absent', async () => {
    // Prepare
    const { client, urls } = clinikoWith([
      `{"services":[{"id":2},{"id":1}],"links":{"next":"${BASE}/services?page=2&per_page=100"}}`,
      '{"services":[{"id":1},{"id":3}],"links":{}}',
    ]);

    // Act
    const pages = await collect(new LinksPager(client, SERVICES).pages({ until: '2026-01-01T00:00:00Z' }));

    // Assess
    expect(urls.map((url) => url.href)).toEqual([
      `${BASE}/services?per_page=100`,
      `${BASE}/services?page=2&per_page=100`,
    ]);
    expect(pages.map((page) => page.records.map((record) => record.id))).toEqual([
      ['2', '1'],
      ['1', '3'],
    ]);
    expect(pages.map((page) => page.cursor)).toEqual([`${BASE}/services?page=2&per_page=100`, undefined]);
  });

  it('refuses a links.next on another origin without sending the key there', async () => {
    // Prepare
    const { client, urls } = clinikoWith([
      '{"services":[{"id":1}],"links":{"next":"https://evil.example/v1/services?page=2"}}',
      '{"services":[{"id":2}]}',
    ]);

    // Act
    const act = collect(new LinksPager(client, SERVICES).pages({ until: '2026-01-01T00:00:00Z' }));

    // Assess
    await expect(act).rejects.toThrow(HttpError);
    await expect(act).rejects.toThrow(/refusing to send credentials to another origin/);
    expect(urls.every((url) => url.origin === 'https://api.au1.cliniko.com')).toBe(true);
  });
  it('scans again when total_entries moved during a scan, and gives up after maxScans', async () => {
    // Prepare
    const page = (ids: number[], total: number, next?: string) =>
      `{"services":[${ids.map((id) => `{"id":${id}}`).join(',')}],"total_entries":${total},"links":{${next ? `"next":"${next}"` : ''}}}`;
    const second = `${BASE}/services?page=2&per_page=100`;
    const settling = clinikoWith([
      page([1, 2], 3, second),
      page([4], 4),
      page([1, 2], 4, second),
      page([3, 4], 4),
    ]);
    const restless = clinikoWith([page([1], 1, second), page([2], 2), page([1], 3, second), page([2], 4)]);

    // Act
    const settled = await collect(new LinksPager(settling.client, SERVICES).pages({ until: WINDOW.until }));
    const gaveUp = collect(new LinksPager(restless.client, SERVICES, 2).pages({ until: WINDOW.until }));

    // Assess
    expect(settling.urls).toHaveLength(4);
    expect(idsOf(settled)).toEqual(['1', '2', '4', '1', '2', '3', '4']);
    await expect(gaveUp).rejects.toThrow(MalformedResponseError);
    await expect(gaveUp).rejects.toThrow('Cliniko /services: the list kept changing during 2 scans');
  });
});

describe('SingleObjectPager', () => {
  it('yields the object as one record named after the resource', async () => {
    // Prepare
    const { client } = clinikoWith(['{"country":"AU","id":123456789012345678901}']);
    const settings = CLINIKO_RESOURCES.find((resource) => resource.name === 'settings') as ClinikoResource;

    // Act
    const pages = await collect(new SingleObjectPager(client, settings).pages());

    // Assess
    expect(pages).toHaveLength(1);
    expect(pages[0]?.records[0]?.id).toBe('settings');
    expect(pages[0]?.records[0]?.json).toBe('{"country":"AU","id":123456789012345678901}');
  });
});
