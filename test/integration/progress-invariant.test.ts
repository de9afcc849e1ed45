import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import type { ResourceCatalog } from '../../shared/export/resource-catalog.js';
import { runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { welkinCatalog } from '../../shared/welkin/catalog.js';
import { welkinV1Catalog } from '../../shared/welkin-v1/catalog.js';
import { type HostileServer, sendJson, startHostileServer } from '../support/hostile-server.js';
import { idOfLine, readRuns } from '../support/read-output.js';
import { fakeJwt, testConfig } from '../welkin/helpers.js';

const SETTINGS = { compress: false, maxPartBytes: 64 * 1024, overlapMs: 15 * 60_000 };
let server: HostileServer | undefined;
let out: string;

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'progress-'));
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
  await rm(out, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
});

/** Requests the server saw for the list (token requests left out). */
function listRequests(): string[] {
  return (server?.seen ?? []).filter((line) => !line.includes('/token'));
}

async function exportOne(catalog: ResourceCatalog, resource: string) {
  return runExport({
    catalog,
    sink: new LocalSink(out),
    settings: SETTINGS,
    mode: 'full',
    resources: [resource],
    concurrency: 1,
  });
}

async function exportedIds(source: string, resource: string): Promise<string[]> {
  const runs = await readRuns(out, source, resource);
  return runs.flatMap((run) => run.lines.map(idOfLine));
}

/** A Cliniko account on a hostile loopback server; `services` is paged by `links.next`. */
async function clinikoOn(handler: (url: URL, response: ServerResponse) => void) {
  server = await startHostileServer((request: IncomingMessage, response) =>
    handler(new URL(request.url ?? '/', 'http://127.0.0.1'), response),
  );
  const { catalog } = clinikoCatalog({
    apiKey: 'progress-test-key-au1',
    userAgent: 'Clinic Pipe Tests (tests@example.com)',
    baseUrl: new URL(server.url),
    requestsPerMinute: Number.POSITIVE_INFINITY,
    timeoutMs: 2_000,
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, rateLimitRetries: 0 },
  });
  return catalog;
}

/** A Welkin v1 API on a hostile loopback server: the token endpoint works, Find answers from `find`. */
async function welkinV1On(find: (url: URL) => unknown, pageSize: number) {
  server = await startHostileServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/v1/token') sendJson(response, 200, { access_token: 'opaque', expires_in: 3600 });
    else sendJson(response, 200, find(url));
  });
  const baseUrl = new URL(server.url);
  const config = {
    clientId: 'c',
    clientSecret: 's',
    scope: 'all',
    baseUrl,
    tokenUrl: new URL('/v1/token', baseUrl),
    timeoutMs: 2_000,
    pageSize,
    retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, rateLimitRetries: 0 },
  };
  return welkinV1Catalog(config, new MemoryTokenStore()).catalog;
}

const service = (id: number) => ({ id, name: `service ${id}` });

describe('progress is an engine invariant: a looping API fails the resource within a few requests', () => {
  it('Cliniko links.next pointing at its own page: fails at once, not at the run deadline', async () => {
    // Prepare
    const catalog = await clinikoOn((url, response) =>
      sendJson(response, 200, {
        services: [service(1)],
        total_entries: 1,
        links: { self: url.href, next: `${server?.url}${url.pathname}${url.search}` },
      }),
    );

    // Act
    const outcome = await exportOne(catalog, 'services');

    // Assess: one line naming the resource, the redacted URL and why; at most 3 requests were sent
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]?.errorName).toBe('NoProgressError');
    expect(outcome.failures[0]?.message).toMatch(
      /^cliniko\/services: no progress: .*GET http:\/\/127\.0\.0\.1:\d+\/services\?per_page=100/,
    );
    expect(listRequests().length).toBeLessThanOrEqual(3);
    expect(await readRuns(out, 'cliniko', 'services')).toEqual([]);
  });

  it('Cliniko links.next cycling A -> B -> A: fails on the third visit of a page, within 4 requests', async () => {
    // Prepare: page 1 links to page 2, page 2 links back to page 1
    const catalog = await clinikoOn((url, response) => {
      const second = url.searchParams.get('page') === '2';
      const next = second ? '/services?per_page=100' : '/services?per_page=100&page=2';
      sendJson(response, 200, {
        services: [service(second ? 2 : 1)],
        total_entries: 2,
        links: { next: `${server?.url}${next}` },
      });
    });

    // Act
    const outcome = await exportOne(catalog, 'services');

    // Assess
    expect(outcome.failures[0]?.errorName).toBe('NoProgressError');
    expect(outcome.failures[0]?.message).toMatch(/same request a third time/);
    expect(listRequests().length).toBeLessThanOrEqual(4);
  });

  it('Cliniko next links that go on for ever with nothing new: fails when the requests outgrow the rows', async () => {
    // Prepare: every page is a new URL (page=N+1) repeating the one row
    const catalog = await clinikoOn((url, response) => {
      const page = Number(url.searchParams.get('page') ?? '1');
      sendJson(response, 200, {
        services: [service(1)],
        total_entries: 1,
        links: { next: `${server?.url}/services?per_page=100&page=${page + 1}` },
      });
    });

    // Act
    const outcome = await exportOne(catalog, 'services');

    // Assess: 1 page with new rows allows 2 x 1 + 10 requests
    expect(outcome.failures[0]?.errorName).toBe('NoProgressError');
    expect(outcome.failures[0]?.message).toMatch(
      /12 requests brought 1 page\(s\) with new rows, the most allowed \(2 x pages \+ 10\); refused the next: GET .*page=13/,
    );
    expect(listRequests()).toHaveLength(12);
  });

  it('Welkin v1 against a server comparing page[from] at millisecond precision: ends within a bounded number of requests', async () => {
    // Prepare: 12 rows a few microseconds apart, mostly inside one millisecond; the server drops the
    // microseconds of page[from] (inclusive), so "the last row's time minus 1 us" serves the same rows again
    const rows = Array.from({ length: 12 }, (_, index) => ({
      id: `p${index + 1}`,
      updated_at: `2026-03-01T10:00:00.${String(100 * (index + 1)).padStart(6, '0')}+00:00`,
    }));
    const catalog = await welkinV1On((url) => {
      const from = url.searchParams.get('page[from]') ?? '1970-01-01T00:00:00.000000+00:00';
      const fromMs = Date.parse(from.replace(/(\.\d{3})\d*/, '$1'));
      const size = Number(url.searchParams.get('page[size]'));
      return { data: rows.filter((row) => Date.parse(row.updated_at) >= fromMs).slice(0, size) };
    }, 5);

    // Act
    const outcome = await exportOne(catalog, 'patients');

    // Assess: either every row once (a pager that gets past the coarse server) or the guard's one line;
    // never the 118,911 requests of the issue
    expect(listRequests().length).toBeLessThanOrEqual(2 * Math.ceil(rows.length / 5) + 10);
    if (outcome.failures.length === 0) {
      const ids = await exportedIds('welkin-v1', 'patients');
      expect(ids.sort()).toEqual(rows.map((row) => row.id).sort());
    } else {
      expect(outcome.failures[0]?.message).toMatch(/^welkin-v1\/patients: /);
      expect(outcome.failures[0]?.message).toMatch(/page\[from\]|no progress/);
    }
  });

  it('Welkin v1 rows sharing one updated_at across 5 pages, paged by next links: every row once, no false alarm', async () => {
    // Prepare: 22 rows at one instant, 5 per page, next links by offset; the last page (2 rows) has none.
    // The pager confirms the end by reading from that instant again: 5 more pages that bring nothing new.
    const at = '2026-03-01T10:00:00.123456+00:00';
    const rows = Array.from({ length: 22 }, (_, index) => ({ id: `p${index + 1}`, updated_at: at }));
    const catalog = await welkinV1On((url) => {
      const offset = Number(url.searchParams.get('page[offset]') ?? '0');
      const next = new URL(url.pathname, server?.url);
      next.search = url.search;
      next.searchParams.set('page[offset]', String(offset + 5));
      const data = rows.slice(offset, offset + 5);
      return offset + 5 < rows.length ? { data, links: { next: next.href } } : { data };
    }, 5);

    // Act
    const outcome = await exportOne(catalog, 'patients');

    // Assess
    expect(outcome.failures).toEqual([]);
    const ids = await exportedIds('welkin-v1', 'patients');
    expect(ids).toHaveLength(22);
    expect(new Set(ids).size).toBe(22);
    expect(listRequests().length).toBeLessThanOrEqual(2 * 5 + 10);
    // The run's summary counts every request the server saw, the token request included
    expect(outcome.requests.requests).toBe(server?.seen.length);
  });

  it('Welkin users (numbered pages) from a server that ignores page: fails when the requests outgrow the rows', async () => {
    // Prepare: every page=N answers the same two full rows and says it is not the last
    server = await startHostileServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname.includes('/admin/api_clients/'))
        sendJson(response, 201, { token: fakeJwt(Date.now()) });
      else sendJson(response, 200, { data: [{ id: 'u1' }, { id: 'u2' }], metaInfo: { lastPage: false } });
    });
    const config = {
      ...testConfig(server.url),
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, rateLimitRetries: 0 },
    };
    const { catalog } = welkinCatalog(config, new MemoryTokenStore());

    // Act
    const outcome = await exportOne(catalog, 'users');

    // Assess: the page number moves, so only the request budget (1 page with new rows: 2 x 1 + 10) stops it
    expect(outcome.failures[0]?.errorName).toBe('NoProgressError');
    expect(outcome.failures[0]?.message).toMatch(
      /^welkin\/users: .*12 requests brought 1 page\(s\) with new rows/,
    );
    expect(listRequests().filter((line) => line.includes('admin/users'))).toHaveLength(12);
  });
});
