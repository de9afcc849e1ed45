import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { welkinCatalog } from '../../shared/welkin/catalog.js';
import type { WelkinConfig } from '../../shared/welkin/config.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import { type HostileServer, sendJson, startHostileServer } from '../support/hostile-server.js';
import { idOfLine, readRuns } from '../support/read-output.js';
import { fakeJwt } from './helpers.js';

const SETTINGS = { compress: true, maxPartBytes: 256 * 1024, overlapMs: 15 * 60_000 };
let out: string;
let sim: WelkinSimulator | undefined;
let hostile: HostileServer | undefined;

function configFor(
  baseUrl: string,
  names = { tenant: 'sim-tenant', instance: 'sim-instance' },
): WelkinConfig {
  return {
    ...names,
    clientName: 'sim-client',
    secret: 'sim-secret',
    env: 'live',
    baseUrl: new URL(baseUrl),
    timeoutMs: 5_000,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2, rateLimitRetries: 2 },
  };
}

/** Exports one resource; `pages` counts the pages that brought rows, as the engine reports them. */
async function exportPatients(config: WelkinConfig, resource = 'patients') {
  const { catalog } = welkinCatalog(config, new MemoryTokenStore(), { pollMs: 5 });
  let pages = 0;
  const outcome = await runExport({
    catalog,
    sink: new LocalSink(out),
    settings: SETTINGS,
    mode: 'full',
    resources: [resource],
    concurrency: 1,
    onProgress: (event) => {
      if (event.kind === 'page') pages = event.pages;
    },
  });
  return { ...outcome, pages };
}

function exportRequests(simulator: WelkinSimulator): number {
  return simulator.stats().requests - simulator.stats().tokenRequests;
}

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'welkin-end-'));
});

afterEach(async () => {
  await sim?.stop();
  await hostile?.stop();
  sim = undefined;
  hostile = undefined;
  await rm(out, { recursive: true, force: true });
});

describe('Welkin Export API end of data', () => {
  it('pages on when the server honours 100 of the 500 rows asked and says hasNext=false on every page', async () => {
    // Prepare
    sim = await startWelkinSimulator({
      rowsPerResource: { PATIENT: 1_200 },
      seed: 5,
      exportPageCap: 100,
      hasNextAlwaysFalse: true,
    });

    // Act
    const outcome = await exportPatients(configFor(sim.baseUrl));

    // Assess
    expect(outcome.failures).toEqual([]);
    const [run] = await readRuns(out, 'welkin', 'patients');
    expect(run?.manifest.recordCount).toBe(1_200);
    const ids = (run?.lines ?? []).map(idOfLine);
    expect(new Set(ids).size).toBe(1_200);
    expect([...ids].sort()).toEqual(sim.liveIds('PATIENT').sort());
    // Every page that brought rows, then the one request that confirms nothing follows.
    expect(outcome.pages).toBeGreaterThanOrEqual(12);
    expect(exportRequests(sim)).toBe(outcome.pages + 1);
  });

  it('confirms the end of a well-behaved stream with exactly one extra request', async () => {
    // Prepare
    sim = await startWelkinSimulator({ rowsPerResource: { PATIENT: 1_200 }, seed: 6 });

    // Act
    const outcome = await exportPatients(configFor(sim.baseUrl));

    // Assess
    expect(outcome.failures).toEqual([]);
    const [run] = await readRuns(out, 'welkin', 'patients');
    expect(run?.manifest.recordCount).toBe(1_200);
    // 500 + 500 + 200, then one request from the last cursor.end that brings nothing new.
    expect(outcome.pages).toBe(3);
    expect(exportRequests(sim)).toBe(4);
  });

  it('fails the resource when the API says more rows follow but serves none: nothing published, no state', async () => {
    // Prepare
    const rows = [1, 2, 3].map((n) => ({ id: `p-${n}`, updatedAt: `2026-01-0${n}T00:00:00.000Z` }));
    hostile = await startHostileServer((request, response) => {
      if (request.method === 'POST') return sendJson(response, 200, { token: fakeJwt(Date.now()) });
      const start = new URL(request.url ?? '/', 'http://x').searchParams.get('start') ?? '';
      const fresh = start.startsWith('1970') ? rows : [];
      sendJson(response, 200, {
        data: fresh,
        cursor: { start, end: fresh.at(-1)?.updatedAt ?? start, pageSize: 500, hasNext: true },
      });
    });

    // Act
    const outcome = await exportPatients(configFor(hostile.url, { tenant: 't', instance: 'i' }));

    // Assess
    expect(outcome.failures).toHaveLength(1);
    const message = outcome.failures[0]?.message ?? '';
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(
      /^welkin\/patients: Welkin .*export\/PATIENT.*: the API says more rows follow \(hasNext\) but serves none after 2026-01-03T00:00:00.000Z; cannot tell where the data ends$/,
    );
    expect(await readRuns(out, 'welkin', 'patients')).toEqual([]);
    expect(await new LocalSink(out).list('_state')).toEqual([]);
  });

  it('a Welkin list whose pages hold fewer rows than its total is paged on despite a short last page', async () => {
    // Prepare: 90 users; the server serves 40 a page (100 asked) and flags every page as the last.
    const users = Array.from({ length: 90 }, (_, n) => ({ id: `u-${String(n).padStart(3, '0')}` }));
    hostile = await startHostileServer(usersServer(users, 40));

    // Act
    const outcome = await exportPatients(configFor(hostile.url, { tenant: 't', instance: 'i' }), 'users');

    // Assess
    expect(outcome.failures).toEqual([]);
    const [run] = await readRuns(out, 'welkin', 'users');
    expect(run?.lines.map(idOfLine)).toEqual(users.map((user) => user.id));
  });

  it('a Welkin list that serves an empty page while its total says more fails: nothing published', async () => {
    // Prepare: the total says 90 but only the first 40 rows are ever served.
    const users = Array.from({ length: 90 }, (_, n) => ({ id: `u-${n}` }));
    hostile = await startHostileServer(usersServer(users, 40, 1));

    // Act
    const outcome = await exportPatients(configFor(hostile.url, { tenant: 't', instance: 'i' }), 'users');

    // Assess
    expect(outcome.failures[0]?.message).toMatch(
      /^welkin\/users: Welkin .*admin\/users.*: the total says 90 rows but the pages hold 40; cannot tell where the data ends$/,
    );
    expect(await readRuns(out, 'welkin', 'users')).toEqual([]);
  });
});

/** A metaInfo list of `users` that serves at most `cap` a page, each flagged lastPage, up to `pages` pages. */
function usersServer(users: { id: string }[], cap: number, pages = Number.POSITIVE_INFINITY) {
  return (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'POST') return sendJson(response, 200, { token: fakeJwt(Date.now()) });
    const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page') ?? '0');
    const data = page < pages ? users.slice(page * cap, (page + 1) * cap) : [];
    sendJson(response, 200, {
      data,
      metaInfo: { page, pageSize: cap, totalElements: users.length, lastPage: true },
    });
  };
}
