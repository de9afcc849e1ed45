import { describe, expect, it, vi } from 'vitest';
import { ClinikoClient } from '../../shared/cliniko/client.js';
import { KeysetPager, LinksPager, SingleObjectPager } from '../../shared/cliniko/pagers.js';
import type { ClinikoResource } from '../../shared/cliniko/resources.js';
import { HttpError, MalformedResponseError } from '../../shared/errors.js';
import type { Page } from '../../shared/export/pager.js';
import { toNdjsonLine } from '../../shared/json/lossless.js';

const BASE = 'https://api.au1.cliniko.com/v1';
const PATIENTS: ClinikoResource = {
  name: 'patients',
  path: '/patients',
  listKey: 'patients',
  paging: 'keyset',
  reveal: ['archived_at'],
};
const SERVICES: ClinikoResource = {
  name: 'services',
  path: '/services',
  listKey: 'services',
  paging: 'links',
};

/** A Cliniko client whose fetch answers with the given raw JSON bodies, in order, and records the URLs. */
function clinikoWith(bodies: string[]) {
  const urls: URL[] = [];
  const fetch = vi.fn(async (input: Request | URL | string) => {
    urls.push(new URL(input instanceof Request ? input.url : String(input)));
    const body = bodies.shift();
    if (body === undefined) throw new Error('test fetch: no more pages scripted');
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  });
  const client = new ClinikoClient(
    {
      apiKey: 'pager-test-key-au1',
      userAgent: 'Test (t@example.com)',
      baseUrl: new URL(BASE),
      requestsPerMinute: Number.POSITIVE_INFINITY,
      timeoutMs: 5_000,
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, rateLimitRetries: 0 },
    },
    { fetch: fetch as unknown as typeof globalThis.fetch },
  );
  return { client, urls };
}

async function collect(pages: AsyncIterable<Page>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('KeysetPager', () => {
  it('asks for id order, revealed rows, the update window and the rows after the last id', async () => {
    // Prepare
    const { client, urls } = clinikoWith([
      `{"patients":[{"id":900719925474099301},{"id":900719925474099302}],"links":{"next":"${BASE}/patients?page=2"}}`,
      '{"patients":[{"id":900719925474099310}],"links":{}}',
    ]);
    const pager = new KeysetPager(client, PATIENTS);

    // Act
    const pages = await collect(
      pager.pages({ since: '2026-01-01T00:00:00.750Z', until: '2026-01-02T12:30:45.999Z' }),
    );

    // Assess
    expect(urls).toHaveLength(2);
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
      'id:>900719925474099302',
      'updated_at:>=2026-01-01T00:00:00Z',
      'updated_at:<2026-01-02T12:30:45Z',
    ]);
    expect(pages.map((page) => page.cursor)).toEqual(['900719925474099302', '900719925474099310']);
    expect(pages.flatMap((page) => page.records.map((record) => toNdjsonLine(record.value)))).toEqual([
      '{"id":900719925474099301}',
      '{"id":900719925474099302}',
      '{"id":900719925474099310}',
    ]);
  });

  it('sends no updated_at filter for a full snapshot and resumes after a cursor', async () => {
    // Prepare
    const { client, urls } = clinikoWith(['{"patients":[{"id":501}]}']);
    const pager = new KeysetPager(client, PATIENTS);

    // Act
    await collect(pager.pages({ until: '2026-01-02T00:00:00.000Z' }, '500'));

    // Assess
    expect(urls[0]?.searchParams.getAll('q[]')).toEqual(['archived_at:*', 'id:>500']);
  });

  it('stops when a page has no links.next, without another request', async () => {
    // Prepare
    const { client, urls } = clinikoWith(['{"patients":[{"id":1},{"id":2}],"links":{"self":"x"}}']);

    // Act
    const pages = await collect(new KeysetPager(client, PATIENTS).pages({ until: '2026-01-01T00:00:00Z' }));

    // Assess
    expect(urls).toHaveLength(1);
    expect(pages).toHaveLength(1);
  });

  it('stops on an empty page even when links.next is present', async () => {
    // Prepare
    const { client, urls } = clinikoWith([`{"patients":[],"links":{"next":"${BASE}/patients?page=2"}}`]);

    // Act
    const pages = await collect(new KeysetPager(client, PATIENTS).pages({ until: '2026-01-01T00:00:00Z' }));

    // Assess
    expect(urls).toHaveLength(1);
    expect(pages).toEqual([]);
  });

  it('fails when ids do not increase, within a page or across pages', async () => {
    // Prepare
    const within = clinikoWith(['{"patients":[{"id":5},{"id":5}]}']);
    const across = clinikoWith([
      `{"patients":[{"id":7}],"links":{"next":"${BASE}/patients?page=2"}}`,
      '{"patients":[{"id":3}]}',
    ]);

    // Act
    const first = collect(new KeysetPager(within.client, PATIENTS).pages({ until: '2026-01-01T00:00:00Z' }));
    const second = collect(new KeysetPager(across.client, PATIENTS).pages({ until: '2026-01-01T00:00:00Z' }));

    // Assess
    await expect(first).rejects.toThrow(MalformedResponseError);
    await expect(first).rejects.toThrow(/ids are not increasing/);
    await expect(second).rejects.toThrow(/ids are not increasing/);
  });

  it.each([
    ['no list', '{"people":[]}', /no "patients" list in the page/],
    ['a record without id', '{"patients":[{"name":"Jane"}]}', /record 0 has no id/],
    ['a non-integer id', '{"patients":[{"id":"abc"}]}', /id is not an integer/],
    ['not an object', '[1,2]', /expected a JSON object/],
    ['not JSON', '<html>Jane</html>', /response is not valid JSON/],
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
});

describe('SingleObjectPager', () => {
  it('yields the object as one record named after the resource', async () => {
    // Prepare
    const { client } = clinikoWith(['{"country":"AU","id":123456789012345678901}']);
    const settings: ClinikoResource = {
      name: 'settings',
      path: '/settings',
      listKey: 'settings',
      paging: 'single',
    };

    // Act
    const pages = await collect(new SingleObjectPager(client, settings).pages());

    // Assess
    expect(pages).toHaveLength(1);
    expect(pages[0]?.records[0]?.id).toBe('settings');
    expect(toNdjsonLine(pages[0]?.records[0]?.value)).toBe('{"country":"AU","id":123456789012345678901}');
  });
});
