import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_TIE_GROUP,
  startWelkinSimulator,
  type WelkinSimulator,
  type WelkinSimulatorOptions,
} from '../../simulators/welkin/index.js';

interface ExportRecord {
  id: string;
  updatedAt: string;
  [key: string]: unknown;
}
interface ExportPage {
  data: ExportRecord[];
  cursor: { start: string | null; end: string | null; pageSize: number; hasNext: boolean };
}
interface ErrorEntry {
  errorCode: string;
  componentType: string;
  message: string;
  details: Record<string, unknown>;
  date: string;
}

let sims: WelkinSimulator[] = [];

afterEach(async () => {
  await Promise.all(sims.map((sim) => sim.stop()));
  sims = [];
});

async function start(opts: WelkinSimulatorOptions = {}): Promise<WelkinSimulator> {
  const sim = await startWelkinSimulator(opts);
  sims.push(sim);
  return sim;
}

function requestToken(sim: WelkinSimulator, secret = sim.secret): Promise<Response> {
  return fetch(`${sim.baseUrl}/${sim.tenant}/admin/api_clients/${sim.clientName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret }),
  });
}

async function token(sim: WelkinSimulator): Promise<string> {
  const res = await requestToken(sim);
  return ((await res.json()) as { token: string }).token;
}

/** GET below {base}/{tenant}/{instance} (or below {base}/{tenant} when path starts with 'admin/'). */
function get(sim: WelkinSimulator, path: string, bearer: string): Promise<Response> {
  const prefix = path.startsWith('admin/') ? sim.tenant : `${sim.tenant}/${sim.instance}`;
  return fetch(`${sim.baseUrl}/${prefix}/${path}`, { headers: { authorization: `Bearer ${bearer}` } });
}

async function exportPage(
  sim: WelkinSimulator,
  bearer: string,
  resource: string,
  query: string,
): Promise<ExportPage> {
  const res = await get(sim, `export/${resource}?${query}`, bearer);
  expect(res.status).toBe(200);
  return (await res.json()) as ExportPage;
}

/** The documented client loop: start = cursor.end, dropping boundary records already seen. */
async function exportAll(
  sim: WelkinSimulator,
  bearer: string,
  resource: string,
  pageSize: number,
  opts: { trustHasNext: boolean },
): Promise<{ ids: string[]; pages: ExportPage[]; repeats: number }> {
  const seen = new Set<string>();
  const ids: string[] = [];
  const pages: ExportPage[] = [];
  let repeats = 0;
  let cursorStart: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const query: string = `pageSize=${pageSize}${cursorStart ? `&start=${encodeURIComponent(cursorStart)}` : ''}`;
    const page = await exportPage(sim, bearer, resource, query);
    pages.push(page);
    let fresh = 0;
    for (const record of page.data) {
      if (seen.has(record.id)) {
        repeats++;
        continue;
      }
      seen.add(record.id);
      ids.push(record.id);
      fresh++;
    }
    const more = opts.trustHasNext ? page.cursor.hasNext : page.cursor.hasNext || fresh > 0;
    if (!more) break;
    cursorStart = page.cursor.end;
  }
  return { ids, pages, repeats };
}

function decodeJwtPart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function expectErrorArray(body: unknown, errorCode: string): ErrorEntry {
  expect(Array.isArray(body)).toBe(true);
  const [entry] = body as ErrorEntry[];
  expect(entry).toMatchObject({ errorCode, componentType: expect.any(String), message: expect.any(String) });
  expect(typeof entry?.details).toBe('object');
  expect(Number.isNaN(Date.parse(entry?.date ?? ''))).toBe(false);
  return entry as ErrorEntry;
}

describe('Welkin simulator: tokens', () => {
  it('issues a signed JWT whose exp is iat + lifetime', async () => {
    // Prepare
    const sim = await start({ tokenLifetimeSeconds: 1800 });

    // Act
    const res = await requestToken(sim);
    const body = (await res.json()) as { clientName: string; token: string; enabled: boolean };

    // Assess
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ clientName: 'sim-client', enabled: true });
    const [header, payload, signature] = body.token.split('.') as [string, string, string];
    expect(decodeJwtPart(header)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwtPart(payload);
    expect(claims).toMatchObject({ sub: 'sim-client', tenant: 'sim-tenant' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(1800);
    expect(signature.length).toBeGreaterThan(20);
    expect(sim.stats()).toMatchObject({ tokenRequests: 1, tokensIssued: 1 });
  });

  it('answers a wrong secret with 401 and an error array', async () => {
    // Prepare
    const sim = await start();

    // Act
    const res = await requestToken(sim, 'not-the-secret');

    // Assess
    expect(res.status).toBe(401);
    expectErrorArray(await res.json(), 'INVALID_CLIENT_CREDENTIALS');
    expect(sim.stats().tokensIssued).toBe(0);
  });

  it('blocks the client after more than max token requests in the window', async () => {
    // Prepare
    const sim = await start({ tokenRequestLimit: { max: 3, windowSeconds: 60, blockSeconds: 60 } });
    for (let i = 0; i < 3; i++) expect((await requestToken(sim)).status).toBe(201);

    // Act
    const fourth = await requestToken(sim);
    const fifth = await requestToken(sim);

    // Assess
    expect(fourth.status).toBe(429);
    expectErrorArray(await fourth.json(), 'TOO_MANY_REQUESTS');
    expect(fifth.status).toBe(429);
    expect(sim.stats()).toMatchObject({ blocked: true, tokensIssued: 3, tokenRequests: 5 });
  });

  it('rejects tokens with TOKEN_EXPIRED after expireAllTokens, and accepts a new one', async () => {
    // Prepare
    const sim = await start();
    const old = await token(sim);
    expect((await get(sim, 'patients', old)).status).toBe(200);

    // Act
    sim.expireAllTokens();
    const rejected = await get(sim, 'patients', old);
    const renewed = await get(sim, 'patients', await token(sim));

    // Assess
    expect(rejected.status).toBe(401);
    expectErrorArray(await rejected.json(), 'TOKEN_EXPIRED');
    expect(renewed.status).toBe(200);
    expect(sim.stats().expiredTokenRejections).toBe(1);
  });

  it('rejects a token past its exp with TOKEN_EXPIRED', async () => {
    // Prepare
    const sim = await start({ tokenLifetimeSeconds: 0 });
    const bearer = await token(sim);

    // Act
    const res = await get(sim, 'export/PATIENT', bearer);

    // Assess
    expect(res.status).toBe(401);
    expectErrorArray(await res.json(), 'TOKEN_EXPIRED');
  });

  it('rejects a garbage or missing token with NOT_VALID_JSON_WEB_TOKEN', async () => {
    // Prepare
    const sim = await start();

    // Act
    const garbage = await get(sim, 'patients', 'abc.def.ghi');
    const missing = await fetch(`${sim.baseUrl}/${sim.tenant}/${sim.instance}/patients`);

    // Assess
    expect(garbage.status).toBe(401);
    expectErrorArray(await garbage.json(), 'NOT_VALID_JSON_WEB_TOKEN');
    expect(missing.status).toBe(401);
    expectErrorArray(await missing.json(), 'NOT_VALID_JSON_WEB_TOKEN');
  });
});

describe('Welkin simulator: Export API', () => {
  it('covers every row exactly once when the client dedupes the inclusive boundary', async () => {
    // Prepare
    const sim = await start({ rowsPerResource: { PATIENT: 1500 } });
    const bearer = await token(sim);

    // Act
    const { ids, pages, repeats } = await exportAll(sim, bearer, 'PATIENT', 100, { trustHasNext: true });

    // Assess
    expect(ids).toHaveLength(1500);
    expect(new Set(ids)).toEqual(new Set(sim.liveIds('PATIENT')));
    expect(repeats).toBeGreaterThan(0);
    for (const page of pages) {
      const keys = page.data.map((r) => `${r.updatedAt}|${r.id}`);
      expect(keys).toEqual([...keys].sort());
      if (page.data.length > 0) expect(page.cursor.end).toBe(page.data[page.data.length - 1]?.updatedAt);
    }
  });

  it('has tie groups of several rows, none larger than MAX_TIE_GROUP', async () => {
    // Prepare
    const sim = await start({ rowsPerResource: { ENCOUNTER: 2000 } });
    const bearer = await token(sim);

    // Act
    const { pages } = await exportAll(sim, bearer, 'ENCOUNTER', 1000, { trustHasNext: true });

    // Assess
    const groups = new Map<string, Set<string>>();
    for (const record of pages.flatMap((p) => p.data)) {
      const group = groups.get(record.updatedAt) ?? new Set<string>();
      group.add(record.id);
      groups.set(record.updatedAt, group);
    }
    const sizes = [...groups.values()].map((g) => g.size);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_TIE_GROUP);
    expect(sizes.filter((s) => s >= 5).length).toBeGreaterThan(10);
  });

  it('with hasNextBug, a client trusting hasNext stops early; one that continues on new rows does not', async () => {
    // Prepare
    const sim = await start({ rowsPerResource: { TASK: 600 }, hasNextBug: true });
    const bearer = await token(sim);

    // Act
    const naive = await exportAll(sim, bearer, 'TASK', 100, { trustHasNext: true });
    sim.setFaults({ hasNextBug: true });
    const robust = await exportAll(sim, bearer, 'TASK', 100, { trustHasNext: false });

    // Assess
    expect(naive.ids.length).toBeLessThan(600);
    expect(naive.pages[1]?.data).toHaveLength(100);
    expect(naive.pages[1]?.cursor.hasNext).toBe(false);
    expect(robust.ids).toHaveLength(600);
    expect(sim.stats().hasNextBugFired).toBe(2);
  });

  it('starts at the first record with updatedAt >= start in a million-row resource', async () => {
    // Prepare
    const sim = await start({ rowsPerResource: { VOICE_CALL: 1_000_000 } });
    const bearer = await token(sim);
    const probe = await exportPage(sim, bearer, 'VOICE_CALL', 'pageSize=1');
    const first = Date.parse(probe.data[0]?.updatedAt ?? '');
    const middle = new Date(first + 100 * 24 * 3600 * 1000).toISOString();

    // Act
    const page = await exportPage(
      sim,
      bearer,
      'VOICE_CALL',
      `pageSize=50&start=${encodeURIComponent(middle)}`,
    );
    const before = await exportPage(
      sim,
      bearer,
      'VOICE_CALL',
      `pageSize=1000&start=${encodeURIComponent(new Date(Date.parse(middle) - 3_600_000).toISOString())}`,
    );

    // Assess
    expect(page.data).toHaveLength(50);
    expect(page.cursor.hasNext).toBe(true);
    for (const record of page.data) expect(record.updatedAt >= middle).toBe(true);
    const earlier = before.data.filter((r) => r.updatedAt < middle);
    const atOrAfter = before.data.filter((r) => r.updatedAt >= middle);
    expect(earlier.length).toBeGreaterThan(0);
    expect(atOrAfter[0]?.id).toBe(page.data[0]?.id);
  });

  it('answers unknown resources with 404 and oversized pages with 400', async () => {
    // Prepare
    const sim = await start();
    const bearer = await token(sim);

    // Act
    const unknown = await get(sim, 'export/NOT_A_THING', bearer);
    const tooBig = await get(sim, 'export/PATIENT?pageSize=1001', bearer);

    // Assess
    expect(unknown.status).toBe(404);
    expectErrorArray(await unknown.json(), 'NOT_FOUND');
    expect(tooBig.status).toBe(400);
    expectErrorArray(await tooBig.json(), 'VALIDATION_ERROR');
  });

  it('moves edited rows to the end and drops deleted ones while a client pages', async () => {
    // Prepare
    const sim = await start({
      rowsPerResource: { SMS: 800 },
      mutateWhilePaging: { editEveryNthRequest: 2, insertEveryNthRequest: 3, deleteEveryNthRequest: 4 },
    });
    const bearer = await token(sim);
    const before = new Set(sim.liveIds('SMS'));

    // Act
    const { ids } = await exportAll(sim, bearer, 'SMS', 100, { trustHasNext: true });

    // Assess
    const after = sim.liveIds('SMS');
    const exported = new Set(ids);
    expect(ids).toHaveLength(exported.size);
    // every row alive from start to end was exported, and so was every row inserted during the export
    for (const id of after) expect(exported.has(id)).toBe(true);
    expect(after.some((id) => !before.has(id))).toBe(true);
    expect(sim.everPresentIds('SMS').length).toBeGreaterThan(800);
    expect(sim.stats().mutations).toBeGreaterThan(3);
  });

  it('serves a touched record again at the end of the export order with a newer updatedAt', async () => {
    // Prepare
    const sim = await start({ rowsPerResource: { PATIENT: 50 } });
    const bearer = await token(sim);
    const firstId = (await exportPage(sim, bearer, 'PATIENT', 'pageSize=1')).data[0]?.id as string;

    // Act
    sim.touch('PATIENT', firstId);
    const all = await exportPage(sim, bearer, 'PATIENT', 'pageSize=100');

    // Assess
    expect(all.data).toHaveLength(50);
    expect(all.data[49]?.id).toBe(firstId);
    expect(Date.parse(all.data[49]?.updatedAt ?? '')).toBeGreaterThan(Date.parse('2025-01-02T00:00:00.000Z'));
  });
});

describe('Welkin simulator: list endpoints', () => {
  it('serves patients as Spring pages with page, size and sort', async () => {
    // Prepare
    const sim = await start();
    const bearer = await token(sim);

    // Act
    const middle = (await (await get(sim, 'patients?page=1&size=10', bearer)).json()) as Record<
      string,
      unknown
    >;
    const last = (await (await get(sim, 'patients?page=2&size=10', bearer)).json()) as Record<
      string,
      unknown
    >;
    const sorted = (await (await get(sim, 'patients?size=100&sort=lastName,desc', bearer)).json()) as {
      content: { lastName: string }[];
      size: number;
    };

    // Assess
    expect(middle).toMatchObject({
      number: 1,
      size: 10,
      totalElements: 25,
      totalPages: 3,
      numberOfElements: 10,
      first: false,
      last: false,
      empty: false,
      pageable: expect.objectContaining({ pageNumber: 1, pageSize: 10, offset: 10 }),
    });
    expect(last).toMatchObject({ number: 2, numberOfElements: 5, last: true });
    expect(sorted.content).toHaveLength(25);
    const names = sorted.content.map((p) => p.lastName);
    expect(names).toEqual([...names].sort().reverse());
  });

  it('caps Spring page size at 100 and pages calendar events', async () => {
    // Prepare
    const sim = await start({ rowsPerResource: { CALENDAR_EVENT: 150 } });
    const bearer = await token(sim);

    // Act
    const res = await get(sim, 'calendar/events?size=500', bearer);
    const body = (await res.json()) as { content: unknown[]; size: number; totalElements: number };

    // Assess
    expect(res.status).toBe(200);
    expect(body.size).toBe(100);
    expect(body.content).toHaveLength(100);
    expect(body.totalElements).toBe(150);
  });

  it('serves admin users as metaInfo pages sized by `size`, and programs as a bare array keyed by name', async () => {
    // Prepare
    const sim = await start({ rowsPerResource: { USER: 12, PROGRAM: 5 } });
    const bearer = await token(sim);

    // Act
    const users = (await (await get(sim, 'admin/users?page=2&size=5', bearer)).json()) as {
      data: unknown[];
      metaInfo: Record<string, unknown>;
    };
    const ignored = (await (await get(sim, 'admin/users?pageSize=5', bearer)).json()) as {
      metaInfo: Record<string, unknown>;
    };
    const programs = (await (await get(sim, 'formations/current/programs?page=0', bearer)).json()) as Record<
      string,
      unknown
    >[];

    // Assess
    expect(users.data).toHaveLength(2);
    expect(users.metaInfo).toEqual({
      page: 2,
      pageSize: 5,
      totalElements: 12,
      numberOfElements: 2,
      totalPages: 3,
      firstPage: false,
      lastPage: true,
    });
    // `pageSize` is not a parameter of this list: the default size applies.
    expect(ignored.metaInfo).toMatchObject({ pageSize: 20, numberOfElements: 12 });
    expect(Array.isArray(programs)).toBe(true);
    expect(programs.map((p) => p.name)).toContain('diabetes-care');
    expect(programs).toHaveLength(5);
    for (const program of programs) expect(program).not.toHaveProperty('id');
  });
});

describe('Welkin simulator: errors and single records', () => {
  it('answers 403 ACCESS_FOR_API_CLIENT_RESTRICTED with requestURI when a policy is missing', async () => {
    // Prepare
    const sim = await start({ missingPolicies: ['EXPORT'] });
    const bearer = await token(sim);

    // Act
    const denied = await get(sim, 'export/PATIENT?pageSize=10', bearer);
    const allowed = await get(sim, 'patients', bearer);

    // Assess
    expect(denied.status).toBe(403);
    const entry = expectErrorArray(await denied.json(), 'ACCESS_FOR_API_CLIENT_RESTRICTED');
    expect(entry.details.requestURI).toBe(`/${sim.tenant}/${sim.instance}/export/PATIENT`);
    expect(allowed.status).toBe(200);
  });

  it('serves single records and 404s deleted ones', async () => {
    // Prepare
    const sim = await start();
    const bearer = await token(sim);
    const [keep, gone] = sim.liveIds('PATIENT') as [string, string];
    sim.remove('PATIENT', gone);
    const cdtId = sim.liveIds('CDT_RECORD')[0] as string;
    const cdt = sim.getRecord('CDT', cdtId) as { patientId: string; cdtName: string };
    const eventId = sim.liveIds('CALENDAR_EVENT')[3] as string;

    // Act
    const found = await get(sim, `patients/${keep}`, bearer);
    const missing = await get(sim, `patients/${gone}`, bearer);
    const cdtRes = await get(sim, `patients/${cdt.patientId}/cdts/${cdt.cdtName}/${cdtId}`, bearer);
    const eventRes = await get(sim, `calendar/events/${eventId}`, bearer);

    // Assess
    expect(found.status).toBe(200);
    expect(((await found.json()) as { id: string }).id).toBe(keep);
    expect(missing.status).toBe(404);
    expectErrorArray(await missing.json(), 'NOT_FOUND');
    expect(sim.getRecord('PATIENT', gone)).toBeUndefined();
    expect(cdtRes.status).toBe(200);
    expect(((await cdtRes.json()) as { id: string }).id).toBe(cdtId);
    expect(eventRes.status).toBe(200);
  });

  it('serves single records only on the recorded routes and answers 404 NOT_FOUND anywhere else', async () => {
    // Prepare
    const sim = await start();
    const bearer = await token(sim);
    const cdtId = sim.liveIds('CDT_RECORD')[0] as string;
    const cdt = sim.getRecord('CDT', cdtId) as { patientId: string; cdtName: string };
    const encounterId = sim.liveIds('ENCOUNTER')[0] as string;
    const encounter = sim.getRecord('ENCOUNTER', encounterId) as { patientId: string };
    const assessmentId = sim.liveIds('ASSESSMENT')[0] as string;
    const assessment = sim.getRecord('ASSESSMENT', assessmentId) as { patientId: string };

    // Act
    const documented = await Promise.all(
      [
        `patients/${cdt.patientId}/cdts/${cdt.cdtName}/${cdtId}`,
        `patients/${encounter.patientId}/encounters/${encounterId}`,
        `patients/${encounter.patientId}/full-encounters/${encounterId}`,
        `patients/${assessment.patientId}/assessment-records/${assessmentId}`,
      ].map((path) => get(sim, path, bearer)),
    );
    const undocumented = await Promise.all(
      [
        `cdts/${cdtId}`,
        `encounters/${encounterId}`,
        'encounters',
        `assessment-records/${assessmentId}`,
        'programs',
      ].map((path) => get(sim, path, bearer)),
    );

    // Assess
    expect(documented.map((res) => res.status)).toEqual([200, 200, 200, 200]);
    const full = (await documented[2]?.json()) as { encounter: { id: string }; comments: unknown[] };
    expect(full.encounter.id).toBe(encounterId);
    expect(full.comments).toEqual([]);
    for (const res of undocumented) {
      expect(res.status).toBe(404);
      expectErrorArray(await res.json(), 'NOT_FOUND');
    }
  });

  it('answers a missing record on its own route with the codes recorded after deletions', async () => {
    // Prepare
    const sim = await start();
    const bearer = await token(sim);
    const cdtId = sim.liveIds('CDT_RECORD')[0] as string;
    const cdt = sim.getRecord('CDT', cdtId) as { patientId: string; cdtName: string };
    const assessmentId = sim.liveIds('ASSESSMENT')[0] as string;
    const assessment = sim.getRecord('ASSESSMENT', assessmentId) as { patientId: string };
    sim.remove('CDT', cdtId);
    sim.remove('ASSESSMENT', assessmentId);

    // Act
    const cdtRes = await get(sim, `patients/${cdt.patientId}/cdts/${cdt.cdtName}/${cdtId}`, bearer);
    const assessmentRes = await get(
      sim,
      `patients/${assessment.patientId}/assessment-records/${assessmentId}`,
      bearer,
    );

    // Assess
    expect(cdtRes.status).toBe(404);
    expectErrorArray(await cdtRes.json(), 'DT_RECORD_NOT_FOUND');
    expect(assessmentRes.status).toBe(404);
    expectErrorArray(await assessmentRes.json(), 'ASSESSMENT_RECORD_NOT_FOUND');
  });

  it('writes integers beyond 2^53 as bare digits and keeps awkward characters', async () => {
    // Prepare
    const sim = await start();
    const bearer = await token(sim);
    const id = sim.liveIds('PATIENT')[0] as string;
    const big = (sim.getRecord('PATIENT', id) as { externalNumericId: bigint }).externalNumericId;

    // Act
    const raw = await (await get(sim, 'export/PATIENT?pageSize=100', bearer)).text();

    // Assess
    expect(big > 2n ** 53n).toBe(true);
    expect(raw).toContain(`"externalNumericId":${big.toString()}`);
    expect(BigInt(Number(big.toString()))).not.toBe(big);
    expect(raw).toContain('\u2028');
    expect(raw).toContain('\u2029');
    expect(raw).toContain('\\n');
    expect(raw).toContain('\\t');
    expect(raw).toContain('\\"');
    expect(raw).toContain('🩺');
    expect(raw).toContain('Zoë');
  });

  it('injects 5xx error arrays and dropped connections on request', async () => {
    // Prepare
    const sim = await start({ errorRate: 1 });
    const bearer = await token(sim);

    // Act
    const failed = await get(sim, 'patients', bearer);
    sim.setFaults({ errorRate: 0, dropRate: 1 });
    const dropped = get(sim, 'patients', bearer);

    // Assess
    expect([500, 502, 503]).toContain(failed.status);
    expect(Array.isArray(await failed.json())).toBe(true);
    await expect(dropped).rejects.toThrow();
    expect(sim.stats()).toMatchObject({ errors: 1, drops: 1 });
  });

  it('generates the same ids and bodies for the same seed', async () => {
    // Prepare
    const a = await start({ seed: 7 });
    const b = await start({ seed: 7 });
    const c = await start({ seed: 8 });

    // Act
    const idsA = a.liveIds('ENCOUNTER');
    const idsB = b.liveIds('ENCOUNTER');

    // Assess
    expect(idsA).toEqual(idsB);
    expect(a.getRecordText('ENCOUNTER', idsA[0] as string)).toBe(
      b.getRecordText('ENCOUNTER', idsA[0] as string),
    );
    expect(c.liveIds('ENCOUNTER')).not.toEqual(idsA);
  });
});
