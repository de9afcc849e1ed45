import { isLosslessNumber, isSafeNumber, LosslessNumber, parse } from 'lossless-json';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClinikoSimulator, ClinikoSimulatorOptions } from '../../simulators/cliniko/index.js';
import { startClinikoSimulator } from '../../simulators/cliniko/index.js';

const USER_AGENT = 'Sim test (dev@example.com)';

function headers(sim: ClinikoSimulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Authorization: `Basic ${Buffer.from(`${sim.apiKey}:`).toString('base64')}`,
    Accept: 'application/json',
    'User-Agent': USER_AGENT,
    ...extra,
  };
}

type Row = { id: LosslessNumber } & Record<string, unknown>;
interface Body {
  total_entries: number;
  links: { self: string; next?: string; previous?: string };
  message?: string;
  account?: unknown;
}

/** Small numbers as numbers, ids (beyond 2^53) as LosslessNumber so no digit is lost. */
function parseBody(text: string): Body {
  return parse(text, null, (value) =>
    isSafeNumber(value) ? Number(value) : new LosslessNumber(value),
  ) as Body;
}

/** The one list in a list response (its key is the resource name). */
function rowsOf(body: Body): Row[] {
  return (Object.values(body).find((v) => Array.isArray(v)) as Row[] | undefined) ?? [];
}

/** GET a path below the base URL (or an absolute link) and parse the body losslessly. */
async function get(sim: ClinikoSimulator, pathOrUrl: string) {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${sim.url}${pathOrUrl}`;
  const response = await fetch(url, { headers: headers(sim) });
  const text = await response.text();
  const body = parseBody(text);
  return { status: response.status, headers: response.headers, text, body, rows: rowsOf(body) };
}

const idsOf = (rows: { id: unknown }[]): string[] => rows.map((r) => String(r.id));
const qs = (filters: string[]) => filters.map((f) => `q[]=${encodeURIComponent(f)}`).join('&');

describe('Cliniko simulator (shared instance, no faults)', () => {
  let sim: ClinikoSimulator;

  beforeAll(async () => {
    sim = await startClinikoSimulator({ seed: 7, rowsPerResource: { patients: 150 }, requestsPerMinute: 0 });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('rejects a missing or wrong API key with a 401 JSON error', async () => {
    // Prepare
    const wrong = Buffer.from('nope:').toString('base64');

    // Act
    const missing = await fetch(`${sim.url}/patients`, {
      headers: { Accept: 'application/json', 'User-Agent': USER_AGENT },
    });
    const bad = await fetch(`${sim.url}/patients`, {
      headers: headers(sim, { Authorization: `Basic ${wrong}` }),
    });

    // Assess
    expect(missing.status).toBe(401);
    expect(bad.status).toBe(401);
    expect(missing.headers.get('content-type')).toMatch(/application\/json/);
    expect(await bad.json()).toHaveProperty('message');
  });

  it('rejects a malformed User-Agent with 403 and a non-JSON Accept with 406', async () => {
    // Act
    const noAgent = await fetch(`${sim.url}/patients`, { headers: headers(sim, { 'User-Agent': '' }) });
    const noEmail = await fetch(`${sim.url}/patients`, {
      headers: headers(sim, { 'User-Agent': 'curl/8.0' }),
    });
    const noAccept = await fetch(`${sim.url}/patients`, { headers: headers(sim, { Accept: 'text/html' }) });
    const ok = await fetch(`${sim.url}/patients`, { headers: headers(sim) });

    // Assess
    expect(noAccept.status).toBe(406);
    expect(noAgent.status).toBe(403);
    expect(noEmail.status).toBe(403);
    expect(ok.status).toBe(200);
  });

  it('answers unknown paths with a 404 JSON error and /settings with a single object', async () => {
    // Act
    const unknown = await get(sim, '/not_a_resource');
    const settings = await get(sim, '/settings');

    // Assess
    expect(unknown.status).toBe(404);
    expect(unknown.body).toHaveProperty('message');
    expect(settings.status).toBe(200);
    expect(settings.body.account).toBeDefined();
    expect(Array.isArray(settings.body)).toBe(false);
  });

  it('pages with absolute links and total_entries until next is absent', async () => {
    // Prepare
    const expected = sim.liveIds('patients');
    const seen: string[] = [];
    let url: string | undefined = `${sim.url}/patients?per_page=40`;
    let pages = 0;

    // Act
    while (url) {
      const page = await get(sim, url);
      expect(page.status).toBe(200);
      expect(page.body.total_entries).toBe(expected.length);
      expect(page.body.links.self).toMatch(new RegExp(`^${sim.url}/patients\\?`));
      if (pages > 0) expect(page.body.links.previous).toMatch(/page=\d+/);
      seen.push(...idsOf(page.rows));
      url = page.body.links.next;
      pages += 1;
    }

    // Assess
    expect(pages).toBe(Math.ceil(expected.length / 40));
    expect(seen).toEqual(expected);
  });

  it('defaults per_page to 50 and clamps it to 100', async () => {
    // Act
    const byDefault = await get(sim, '/patients?q[]=archived_at:*');
    const clamped = await get(sim, '/patients?per_page=500&q[]=archived_at:*');

    // Assess
    expect(byDefault.rows).toHaveLength(50);
    expect(clamped.status).toBe(200);
    expect(clamped.rows).toHaveLength(100);
    expect(clamped.body.total_entries).toBe(150);
  });

  it('hides archived rows unless a filter names archived_at', async () => {
    // Prepare
    const all = sim.liveIds('patients', { includeArchived: true });
    const visible = sim.liveIds('patients');

    // Act
    const plain = await get(sim, '/patients?per_page=100');
    const any = await get(sim, `/patients?per_page=100&${qs(['archived_at:*'])}`);
    const archivedOnly = await get(sim, `/patients?per_page=100&${qs(['archived_at:?'])}`);
    const notArchived = await get(sim, `/patients?per_page=100&${qs(['archived_at:!?'])}`);

    // Assess
    expect(visible.length).toBeLessThan(all.length);
    expect(plain.body.total_entries).toBe(visible.length);
    expect(any.body.total_entries).toBe(all.length);
    expect(archivedOnly.body.total_entries).toBe(all.length - visible.length);
    expect(archivedOnly.rows.every((p) => typeof p.archived_at === 'string')).toBe(true);
    expect(notArchived.rows.every((p) => p.archived_at === null)).toBe(true);
  });

  it('hides cancelled appointments unless a filter names cancelled_at, and refuses it where it does not exist', async () => {
    // Prepare
    const all = sim.liveIds('individual_appointments', { includeArchived: true });

    // Act
    const plain = await get(sim, `/individual_appointments?${qs(['archived_at:*'])}`);
    const both = await get(sim, `/individual_appointments?${qs(['archived_at:*', 'cancelled_at:*'])}`);
    const onPatients = await get(sim, `/patients?${qs(['cancelled_at:*'])}`);

    // Assess
    expect(plain.rows.every((a) => a.cancelled_at === null)).toBe(true);
    expect(plain.body.total_entries).toBeLessThan(all.length);
    expect(both.body.total_entries).toBe(all.length);
    expect(onPatients.status).toBe(400);
  });

  it('refuses a filter the list does not document with 400 "This column is not searchable."', async () => {
    // Act: filters the issue saw refused by Cliniko (not in those lists' q[] table), and documented ones.
    const refused = await Promise.all(
      [
        '/taxes?q[]=archived_at:*',
        '/availability_blocks?q[]=archived_at:*',
        '/group_appointments?q[]=cancelled_at:*',
        '/services?q[]=id:>1',
        '/relationships?q[]=archived_at:*',
      ].map((path) => get(sim, path)),
    );
    const accepted = await Promise.all(
      [
        '/taxes?sort=id&q[]=id:>1&q[]=updated_at:>=2020-01-01T00:00:00Z',
        '/group_appointments?q[]=archived_at:*&q[]=deleted_at:*',
        '/attendees?q[]=cancelled_at:*',
        '/services?per_page=100&page=1',
      ].map((path) => get(sim, path)),
    );

    // Assess
    for (const response of refused) {
      expect(response.status).toBe(400);
      expect(response.text).toBe('{"message":"This column is not searchable."}');
    }
    expect(accepted.map((response) => response.status)).toEqual([200, 200, 200, 200]);
  });

  it('answers 404 to a single-record path the docs do not have', async () => {
    // Prepare
    const service = (await get(sim, '/services?per_page=1')).rows[0] as Row;
    const tax = (await get(sim, '/taxes?per_page=1')).rows[0] as Row;

    // Act
    const serviceById = await get(sim, `/services/${service.id}`);
    const taxById = await get(sim, `/taxes/${tax.id}`);
    const nested = await get(sim, '/patients/1/medical_alerts');

    // Assess
    expect(serviceById.status).toBe(404);
    expect(taxById.status).toBe(200);
    expect(nested.status).toBe(404);
  });

  it('filters ids with >, = lists and !=, and date-times with bounds', async () => {
    // Prepare
    const all = sim.liveIds('patients', { includeArchived: true });
    const pivot = all[99] as string;
    const some = [all[3], all[77]] as string[];

    // Act
    const after = await get(sim, `/patients?sort=id&per_page=100&${qs([`id:>${pivot}`, 'archived_at:*'])}`);
    const list = await get(sim, `/patients?${qs([`id:=${some.join(',')}`, 'archived_at:*'])}`);
    const notOne = await get(sim, `/patients?${qs([`id:!=${all[0]}`, 'archived_at:*'])}`);
    const first = (await get(sim, `/patients?per_page=1&${qs(['archived_at:*'])}`)).rows[0] as Row;
    const since = await get(
      sim,
      `/patients?per_page=100&${qs([`created_at:>${first.created_at}`, 'archived_at:*'])}`,
    );

    // Assess
    expect(idsOf(after.rows)).toEqual(all.slice(100));
    expect(idsOf(list.rows)).toEqual(some);
    expect(notOne.body.total_entries).toBe(all.length - 1);
    expect(since.body.total_entries).toBe(all.length - 1);
  });

  it('refuses malformed filters and unknown fields with 400', async () => {
    // Act
    const statuses = await Promise.all(
      ['id:>abc', 'nope:>1', 'updated_at:>2024-01-01', 'updated_at:~x', 'no-colon'].map(
        async (f) => (await get(sim, `/patients?${qs([f])}`)).status,
      ),
    );
    const single = await get(sim, `/patients?q=${encodeURIComponent('updated_at:>2020-01-01T00:00:00Z')}`);

    // Assess
    expect(statuses).toEqual([400, 400, 400, 400, 400]);
    expect(single.status).toBe(200);
  });

  it('sorts by id numerically, by created_at by default, and honours order=desc', async () => {
    // Act
    const desc = await get(sim, `/patients?sort=id:desc&per_page=100&${qs(['archived_at:*'])}`);
    const byDefault = await get(sim, '/patients?per_page=100');
    const ordered = await get(sim, '/patients?order=desc&per_page=5');
    const byName = await get(sim, '/patients?sort=last_name,id:desc&per_page=100');

    // Assess
    const ids = idsOf(desc.rows).map(BigInt);
    expect(ids.every((id, k) => k === 0 || id < (ids[k - 1] as bigint))).toBe(true);
    const created = byDefault.rows.map((p) => p.created_at as string);
    expect(created).toEqual([...created].sort());
    expect(idsOf(ordered.rows)).toEqual(sim.liveIds('patients').reverse().slice(0, 5));
    const names = byName.rows.map((p) => p.last_name as string);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('sends 64-bit ids as bare JSON numbers with every digit', async () => {
    // Act
    const page = await get(sim, '/patients?per_page=5');

    // Assess
    const first = page.rows[0] as Row;
    expect(isLosslessNumber(first.id)).toBe(true);
    expect(BigInt(String(first.id)) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(page.text).toContain(`"id":${String(first.id)},`);
    expect(sim.liveIds('patients').slice(0, 5)).toEqual(idsOf(page.rows));
  });

  it('spells the same ids as JSON strings while stringIds is on, and as numbers again after', async () => {
    // Act
    sim.setFaults({ stringIds: true });
    const asStrings = await get(sim, '/patients?per_page=5');
    sim.setFaults({ stringIds: false });
    const asNumbers = await get(sim, '/patients?per_page=5');

    // Assess
    expect(asStrings.rows.every((row) => typeof row.id === 'string')).toBe(true);
    expect(asStrings.text).toContain(`"id":"${String(asNumbers.rows[0]?.id)}",`);
    expect(idsOf(asStrings.rows)).toEqual(idsOf(asNumbers.rows));
    expect(asNumbers.rows.every((row) => isLosslessNumber(row.id))).toBe(true);
  });

  it('includes non-ASCII, control characters and U+2028/U+2029 in generated strings', async () => {
    // Act
    const page = await get(sim, `/patients?per_page=100&${qs(['archived_at:*'])}`);

    // Assess
    const notes = page.rows.map((p) => p.notes as string).join('|');
    expect(notes).toContain('\n');
    expect(notes).toContain('\t');
    expect(notes).toContain('"');
    expect(notes).toContain('\u2028');
    expect(notes).toContain('\u2029');
    expect(notes).toMatch(/\p{Extended_Pictographic}/u);
    expect(page.text).toContain('Zoë');
  });

  it('splits practitioners into active and inactive lists', async () => {
    // Act
    const active = await get(sim, '/practitioners');
    const inactive = await get(sim, '/practitioners/inactive');

    // Assess
    expect(active.rows.every((p) => p.active === true)).toBe(true);
    expect(inactive.rows.every((p) => p.active === false)).toBe(true);
    expect(inactive.body.total_entries).toBeGreaterThan(0);
    expect(active.body.total_entries + inactive.body.total_entries).toBe(sim.liveIds('practitioners').length);
  });

  it('reflects touch, archive and remove in responses and ground truth', async () => {
    // Prepare
    const [a, b, c] = sim.liveIds('contacts') as [string, string, string];

    // Act
    sim.touch('contacts', a);
    sim.archive('contacts', b);
    sim.remove('contacts', c);
    const changed = await get(sim, `/contacts?${qs(['updated_at:>2025-06-01T00:00:00Z', 'archived_at:*'])}`);
    const gone = await get(sim, `/contacts/${c}`);

    // Assess
    expect(idsOf(changed.rows).sort()).toEqual([a, b].sort());
    expect(sim.liveIds('contacts')).not.toContain(b);
    expect(sim.liveIds('contacts', { includeArchived: true })).toContain(b);
    expect(sim.deletedIds('contacts')).toEqual([c]);
    expect(sim.everPresentIds('contacts')).not.toContain(c);
    expect(gone.status).toBe(404);
  });
});

describe('Cliniko simulator faults and limits', () => {
  let sim: ClinikoSimulator | undefined;
  const start = async (opts: ClinikoSimulatorOptions) => {
    sim = await startClinikoSimulator(opts);
    return sim;
  };
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it('answers 429 with X-RateLimit-Reset once the per-minute budget is spent', async () => {
    // Prepare
    const s = await start({ requestsPerMinute: 3 });
    const before = Math.floor(Date.now() / 1000);

    // Act
    const statuses: number[] = [];
    let reset: string | null = null;
    for (let k = 0; k < 4; k++) {
      const r = await get(s, '/taxes');
      statuses.push(r.status);
      reset = r.headers.get('x-ratelimit-reset');
    }

    // Assess
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(reset)).toBeGreaterThanOrEqual(before + 59);
    expect(Number(reset)).toBeLessThanOrEqual(before + 62);
    expect(s.stats().rateLimited).toBe(1);
  });

  it('injects 5xx errors and dropped connections, and setFaults turns them off', async () => {
    // Prepare
    const s = await start({ errorRate: 1 });

    // Act
    const failed = await get(s, '/taxes');
    s.setFaults({ errorRate: 0, dropRate: 1 });
    const dropped = await fetch(`${s.url}/taxes`, { headers: headers(s) }).then(
      () => 'answered',
      () => 'dropped',
    );
    s.setFaults({ dropRate: 0 });
    const healthy = await get(s, '/taxes');

    // Assess
    expect([500, 502, 503]).toContain(failed.status);
    expect(failed.body).toHaveProperty('message');
    expect(dropped).toBe('dropped');
    expect(healthy.status).toBe(200);
    expect(s.stats()).toMatchObject({ requests: 3, errors: 1, drops: 1 });
  });

  it('counts concurrent in-flight requests', async () => {
    // Prepare
    const s = await start({ latencyMs: 100 });

    // Act
    await Promise.all(Array.from({ length: 4 }, () => get(s, '/taxes')));

    // Assess
    expect(s.stats().maxInFlight).toBeGreaterThan(1);
  });

  it('changes rows while paging when mutateWhilePaging is set', async () => {
    // Prepare
    const s = await start({
      seed: 3,
      rowsPerResource: 60,
      mutateWhilePaging: { deleteEveryNthRequest: 1, editEveryNthRequest: 2, insertEveryNthRequest: 3 },
    });
    const initial = s.liveIds('patients', { includeArchived: true });

    // Act
    let url: string | undefined = `${s.url}/patients?sort=id&per_page=10&${qs(['archived_at:*'])}`;
    let requests = 0;
    while (url && requests < 6) {
      url = (await get(s, url)).body.links.next;
      requests += 1;
    }
    const edited = await get(s, `/patients?${qs(['updated_at:>2025-06-01T00:00:00Z', 'archived_at:*'])}`);

    // Assess
    const deleted = s.deletedIds('patients');
    const live = s.liveIds('patients', { includeArchived: true });
    const ever = s.everPresentIds('patients');
    expect(deleted.length).toBeGreaterThanOrEqual(6);
    expect(live.filter((id) => !initial.includes(id)).length).toBeGreaterThanOrEqual(2);
    expect(ever.every((id) => initial.includes(id) && !deleted.includes(id))).toBe(true);
    expect(ever.length).toBe(initial.length - deleted.filter((id) => initial.includes(id)).length);
    expect(edited.body.total_entries).toBeGreaterThan(0);
  });

  it('serves a keyset page from a million-row resource', async () => {
    // Prepare
    const s = await start({ rowsPerResource: { patients: 1_000_000 } });
    const middle = (await get(s, '/patients?per_page=1&page=500000')).rows[0] as Row;

    // Act
    const page = await get(
      s,
      `/patients?sort=id&per_page=100&${qs([`id:>${middle.id}`, 'archived_at:*', 'updated_at:>2020-01-01T00:00:00Z'])}`,
    );

    // Assess
    const ids = idsOf(page.rows).map(BigInt);
    expect(ids).toHaveLength(100);
    expect(
      ids.every((id, k) => id > BigInt(String(middle.id)) && (k === 0 || id > (ids[k - 1] as bigint))),
    ).toBe(true);
    expect(page.body.total_entries).toBeGreaterThan(400_000);
    expect(page.body.links.next).toBeDefined();
  });
});
