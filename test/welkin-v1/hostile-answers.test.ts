import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { welkinV1Catalog } from '../../shared/welkin-v1/catalog.js';
import type { WelkinV1Config } from '../../shared/welkin-v1/config.js';
import { parseFindPage } from '../../shared/welkin-v1/find-page.js';
import { exportTo, tempDir } from './helpers.js';

let server: Server | undefined;
let out: { path: string; remove: () => Promise<void> } | undefined;

afterEach(async () => {
  const running = server;
  if (running) {
    running.closeAllConnections();
    await new Promise((resolve) => running.close(resolve));
  }
  await out?.remove();
  server = undefined;
  out = undefined;
});

const row = (id: string, at: string) => ({ id, updated_at: at });
const T1 = '2026-01-01T00:00:00.000001+00:00';
const T2 = '2026-01-01T00:00:00.000002+00:00';

/** A loopback API whose token endpoint works and whose Find answers `pages` in turn (the last repeats). */
async function hostileApi(pages: unknown[]): Promise<WelkinV1Config> {
  let served = 0;
  server = createServer((req, res) => {
    const body = req.url?.startsWith('/v1/token')
      ? { access_token: 'opaque-token', expires_in: 3600 }
      : pages[Math.min(served++, pages.length - 1)];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const baseUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    clientId: 'c',
    clientSecret: 's',
    scope: 'all',
    baseUrl,
    tokenUrl: new URL('/v1/token', baseUrl),
    timeoutMs: 2_000,
    pageSize: 2,
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, rateLimitRetries: 0 },
  };
}

async function exportPatients(pages: unknown[]) {
  const config = await hostileApi(pages);
  out = await tempDir();
  const { catalog } = welkinV1Catalog(config, new MemoryTokenStore());
  return exportTo(out.path, { catalog, resources: ['patients'] });
}

describe('welkin-v1 refuses answers it cannot page safely', () => {
  it('refuses a next link to another origin, sending no token there', async () => {
    // Prepare
    const page = {
      data: [row('a', T1), row('b', T2)],
      links: { href: { next: 'https://evil.example/v1/patients' } },
    };
    // Act
    const outcome = await exportPatients([page]);
    // Assess
    expect(outcome.failures[0]?.message).toMatch(/next link leaves .*refused/);
    expect(outcome.failures[0]?.errorName).toBe('MalformedResponseError');
  });

  it.each([
    ['a full page', [row('a', T1), row('b', T2)], 'fails'],
    ['a short page', [row('a', T1)], 'ends'],
  ])('with a next link back at the same URL, %s %s', async (_label, data, verdict) => {
    // Prepare: the first request is page[from]=EPOCH…, so a link to the literal same URL loops
    const config = await hostileApi([]);
    const self = `${config.baseUrl.origin}/v1/patients?page%5Bfrom%5D=1970-01-01T00%3A00%3A00.000000&page%5Bsize%5D=2`;
    let finds = 0;
    server?.removeAllListeners('request');
    server?.on('request', (req, res) => {
      if (!req.url?.startsWith('/v1/token')) finds += 1;
      const body = req.url?.startsWith('/v1/token')
        ? { access_token: 't', expires_in: 3600 }
        : { data, links: { href: { next: self }, next: { href: self, meta: {} } } };
      res.end(JSON.stringify(body));
    });
    out = await tempDir();
    const { catalog } = welkinV1Catalog(config, new MemoryTokenStore());
    // Act
    const outcome = await exportTo(out.path, { catalog, resources: ['patients'] });
    // Assess: never the same request twice; after a short page that is the end, after a full one a failure
    expect(finds).toBe(1);
    if (verdict === 'fails')
      expect(outcome.failures[0]?.message).toMatch(/leads back to a page already read/);
    else expect(outcome.failures).toEqual([]);
  });

  it('fails a next-link cycle A → B → A within three requests, naming it', async () => {
    // Prepare
    const config = await hostileApi([]);
    const page = (name: string) => `${config.baseUrl.origin}/v1/patients?page%5Bsize%5D=2&cycle=${name}`;
    let finds = 0;
    server?.removeAllListeners('request');
    server?.on('request', (req, res) => {
      if (req.url?.startsWith('/v1/token'))
        return res.end(JSON.stringify({ access_token: 't', expires_in: 3600 }));
      finds += 1;
      const onB = req.url?.includes('cycle=B');
      const data = onB ? [row('c', T2), row('d', T2)] : [row('a', T1), row('b', T1)];
      res.end(JSON.stringify({ data, links: { next: { href: page(onB ? 'A' : 'B'), meta: {} } } }));
    });
    out = await tempDir();
    const { catalog } = welkinV1Catalog(config, new MemoryTokenStore());
    // Act
    const outcome = await exportTo(out.path, { catalog, resources: ['patients'] });
    // Assess
    expect(finds).toBe(3);
    expect(outcome.failures[0]?.message).toMatch(/leads back to a page already read/);
  });

  it('refuses rows out of updated_at order when it must advance page[from] itself', async () => {
    // Act
    const outcome = await exportPatients([{ data: [row('a', T2), row('b', T1)] }]);
    // Assess
    expect(outcome.failures[0]?.message).toMatch(/not in updated_at order/);
  });

  it.each([
    ['a list of two answers', [{ data: [] }, { data: [] }], /not valid/],
    ['no data list', { meta: {} }, /no "data" list/],
    ['a row without updated_at', { data: [{ id: 'a' }] }, /row 0 has no valid updated_at/],
    ['a row without id', { data: [{ updated_at: T1 }] }, /row 0 has no id/],
    ['a time that is not ISO', { data: [row('a', '01/01/2026 00:00:00')] }, /no valid updated_at/],
  ])('refuses %s', (_label, body, message) => {
    // Act + Assess
    expect(() => parseFindPage(JSON.stringify(body), 'Welkin v1 test', true)).toThrow(message);
  });

  it.each([
    ['+00:00', '2026-01-01T00:00:00.000001+00:00'],
    ['no offset (UTC)', '2026-01-01T00:00:00.000001'],
    ['a space and no offset', '2026-01-01 00:00:00.000001'],
    ['another offset', '2026-01-01T10:00:00.000001+10:00'],
  ])('reads an updated_at with %s', (_label, at) => {
    // Act
    const page = parseFindPage(JSON.stringify({ data: [row('a', at)] }), 'Welkin v1 test', true);
    // Assess
    expect(page.rows[0]?.updatedMicros).toBe(1767225600000001n);
  });

  it('reads the final reference links: next from links.next.href, page size from links.meta.current', () => {
    // Act
    const page = parseFindPage(
      JSON.stringify({
        data: [row('a', T1)],
        links: {
          href: { current: '/v1/x', next: null },
          meta: { current: { 'page[size]': 7 }, next: null },
          next: { href: '/v1/x?page[from]=2026-01-01T00:00:00.000001', meta: {} },
        },
      }),
      'Welkin v1 test',
      true,
    );
    // Assess
    expect(page.next).toBe('/v1/x?page[from]=2026-01-01T00:00:00.000001');
    expect(page.servedPageSize).toBe(7);
  });

  it.each([
    ['null next everywhere', { href: { next: null }, next: null, meta: { next: null } }],
    ['no next at all', { href: { current: '/v1/x' } }],
  ])('reads %s as the last page', (_label, links) => {
    // Act + Assess
    expect(parseFindPage(JSON.stringify({ data: [], links }), 'Welkin v1 test', true).next).toBeUndefined();
  });

  it('reads the wrapped shape, links.next and the served page size', () => {
    // Act
    const page = parseFindPage(
      JSON.stringify([
        { data: [row('a', T1)], meta: { current: { 'page[size]': 3 } }, links: { next: '/v1/x' } },
      ]),
      'Welkin v1 test',
      true,
    );
    // Assess
    expect(page.rows.map((item) => item.record.id)).toEqual(['a']);
    expect(page.rows[0]?.updatedMicros).toBe(1767225600000001n);
    expect(page.next).toBe('/v1/x');
    expect(page.servedPageSize).toBe(3);
  });
});
