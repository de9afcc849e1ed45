import { describe, expect, it, vi } from 'vitest';
import { ClinikoClient } from '../../shared/cliniko/client.js';
import { pagerFor } from '../../shared/cliniko/pagers.js';
import { CLINIKO_RESOURCES, type ClinikoResource } from '../../shared/cliniko/resources.js';
import type { ExportWindow, Page } from '../../shared/export/pager.js';

const BASE = 'https://api.au1.cliniko.com/v1';
const ROWS = 1_250; // above the split threshold: the keyset pager also asks for the top id and pages ranges
const FULL: ExportWindow = { until: '2026-01-02T12:30:45.999Z' };
const INCREMENTAL: ExportWindow = { since: '2026-01-01T00:00:00.750Z', until: FULL.until };
const ALLOWED_PARAMS = new Set(['per_page', 'page', 'sort', 'q[]']);

/**
 * A loose fake of one Cliniko list: it answers any request (so nothing here depends on what it accepts), honours
 * the id filters and sort so the pagers run their whole course, and records every request URL.
 */
function anyListCliniko(resource: ClinikoResource) {
  const ids = Array.from({ length: ROWS }, (_, index) => 1_000n + BigInt(index) * 1_000n);
  const urls: URL[] = [];
  const fetch = vi.fn(async (input: Request | URL | string) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    urls.push(url);
    if (resource.paging === 'single') return json('{"account":{}}');
    let rows = ids;
    for (const filter of url.searchParams.getAll('q[]')) {
      const after = /^id:>(\d+)$/.exec(filter)?.[1];
      const upTo = /^id:<=(\d+)$/.exec(filter)?.[1];
      if (after) rows = rows.filter((id) => id > BigInt(after));
      if (upTo) rows = rows.filter((id) => id <= BigInt(upTo));
    }
    if (url.searchParams.get('sort') === 'id:desc') rows = [...rows].reverse();
    const perPage = Number(url.searchParams.get('per_page') ?? 50);
    const page = Number(url.searchParams.get('page') ?? 1);
    const slice = rows.slice((page - 1) * perPage, page * perPage);
    const nextUrl = new URL(url.href);
    nextUrl.searchParams.set('page', String(page + 1));
    const next = page * perPage < rows.length ? `"next":"${nextUrl.href}"` : '';
    const list = slice.map((id) => `{"id":${id}}`).join(',');
    return json(`{"${resource.listKey}":[${list}],"total_entries":${rows.length},"links":{${next}}}`);
  });
  const client = new ClinikoClient(
    {
      apiKey: 'contract-test-key-au1',
      userAgent: 'Test (t@example.com)',
      baseUrl: new URL(BASE),
      requestsPerMinute: Number.POSITIVE_INFINITY,
      timeoutMs: 5_000,
      retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1, rateLimitRetries: 0 },
    },
    { fetch: fetch as typeof globalThis.fetch },
  );
  return { client, urls };
}

function json(body: string): Response {
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
}

async function drain(pages: AsyncIterable<Page>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** Every request the resource's pager makes: full, incremental, and a continuation from a mid-run cursor. */
async function everyRequest(resource: ClinikoResource): Promise<URL[]> {
  const { client, urls } = anyListCliniko(resource);
  const pager = pagerFor(client, resource);
  const full = await drain(pager.pages(FULL));
  await drain(pager.pages(INCREMENTAL));
  const cursor = full.find((page) => page.cursor !== undefined)?.cursor;
  if (cursor !== undefined && pager.pausable) await drain(pager.pages(INCREMENTAL, cursor));
  return urls;
}

/** The field a `q[]` filter names (`archived_at:*` -> archived_at). */
const fieldOf = (filter: string) => filter.slice(0, filter.indexOf(':'));

describe('Cliniko requests follow each list’s documented filters', () => {
  it.each(CLINIKO_RESOURCES.map((resource) => [resource.name, resource] as const))(
    '%s: every request (full, incremental, reveal, keyset continuation) uses only documented fields',
    async (_name, resource) => {
      // Act
      const urls = await everyRequest(resource);

      // Assess
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) {
        expect(url.pathname).toBe(`/v1${resource.path}`);
        for (const key of url.searchParams.keys()) expect(ALLOWED_PARAMS, url.href).toContain(key);
        for (const filter of url.searchParams.getAll('q[]'))
          expect(resource.filters, url.href).toContain(fieldOf(filter));
        // sort=id walks the id order the id filter continues from: only where `id` is documented.
        if (url.searchParams.has('sort')) expect(resource.filters, url.href).toContain('id');
      }
      if (resource.paging === 'single') expect(urls.every((url) => url.search === '')).toBe(true);
    },
  );

  it('derives reveal, paging and increments from the declaration (the lists Cliniko refused in issue 17)', () => {
    // Prepare
    const byName = new Map(CLINIKO_RESOURCES.map((resource) => [resource.name, resource]));
    const of = (name: string) => byName.get(name) as ClinikoResource;

    // Assess: the lists that document no archived_at / cancelled_at get no reveal of it.
    for (const name of [
      'availability_blocks',
      'concession_types',
      'patient_forms',
      'product_suppliers',
      'referral_source_types',
      'taxes',
    ])
      expect(of(name).reveal, name).toEqual([]);
    expect(of('group_appointments').reveal).toEqual(['archived_at']);
    expect(of('individual_appointments').reveal).toEqual(['archived_at', 'cancelled_at']);
    expect(of('services')).toMatchObject({ paging: 'links', incremental: false, filters: [] });
    expect(of('settings')).toMatchObject({ paging: 'single', incremental: false });
    expect(of('referral_sources')).toMatchObject({ paging: 'keyset', incremental: true });
    // The four lists missing from the 2023-24 copy say so, and ask for no reveal.
    for (const name of [
      'appointment_type_billable_items',
      'appointment_type_products',
      'relationships',
      'unavailable_block_types',
    ]) {
      expect(of(name).source, name).toMatch(/not in the cliniko\.json 2023-24 copy/);
      expect(of(name)).toMatchObject({ filters: ['id', 'updated_at'], reveal: [] });
    }
    expect(CLINIKO_RESOURCES).toHaveLength(40);
    for (const resource of CLINIKO_RESOURCES) expect(resource.source, resource.name).not.toBe('');
  });

  it('a list without a documented updated_at gets no update window, even in an incremental run', async () => {
    // Prepare: a made-up list documenting only id.
    const idOnly: ClinikoResource = {
      ...(CLINIKO_RESOURCES[0] as ClinikoResource),
      filters: ['id'],
      reveal: [],
      incremental: false,
    };

    // Act
    const urls = await everyRequest(idOnly);

    // Assess
    expect(pagerFor(anyListCliniko(idOnly).client, idOnly).supportsIncremental).toBe(false);
    for (const url of urls)
      expect(url.searchParams.getAll('q[]').every((filter) => filter.startsWith('id:'))).toBe(true);
  });
});
