import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExportCli } from '../../scripts/export.js';
import { FileTokenStore } from '../../shared/auth/file-token-store.js';
import { MemoryTokenStore, type TokenStore } from '../../shared/auth/token-store.js';
import type { ExportSettings } from '../../shared/export/export-settings.js';
import { type RunCheckpoint, type RunExportOptions, runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { welkinCatalog } from '../../shared/welkin/catalog.js';
import type { WelkinConfig } from '../../shared/welkin/config.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import { readRuns } from '../support/read-output.js';

const SETTINGS: ExportSettings = { compress: true, maxPartBytes: 256 * 1024, overlapMs: 15 * 60_000 };
/** Output name -> simulator data set. */
const SIM_NAME: Record<string, string> = {
  patients: 'PATIENT',
  cdt_records: 'CDT_RECORD',
  calendar_events: 'CALENDAR_EVENT',
  voice_calls: 'VOICE_CALL',
  users: 'USER',
  programs: 'PROGRAM',
};
const SOME = ['patients', 'cdt_records', 'calendar_events', 'voice_calls', 'users', 'programs'];

let sim: WelkinSimulator;
let out: string;

function configOf(simulator: WelkinSimulator): WelkinConfig {
  return {
    tenant: simulator.tenant,
    instance: simulator.instance,
    clientName: simulator.clientName,
    secret: simulator.secret,
    env: 'live',
    baseUrl: new URL(simulator.baseUrl),
    timeoutMs: 5_000,
    retry: { retries: 10, baseDelayMs: 1, maxDelayMs: 5, rateLimitRetries: 5 },
  };
}

function source(store: TokenStore = new MemoryTokenStore()) {
  return welkinCatalog(configOf(sim), store, { pollMs: 5 });
}

async function exportTo(
  root: string,
  options: Partial<RunExportOptions> & Pick<RunExportOptions, 'catalog'>,
) {
  return runExport({
    sink: new LocalSink(root),
    settings: SETTINGS,
    mode: 'full',
    concurrency: 3,
    ...options,
  });
}

/** Program definitions are keyed by `name` (they carry no id); every other resource by `id`. */
const KEY: Record<string, string> = { programs: 'name' };

/** The key of every live record of a resource, as its lines must carry it. */
function liveKeys(resource: string): string[] {
  const simName = SIM_NAME[resource] as string;
  const key = KEY[resource];
  if (!key) return sim.liveIds(simName);
  return sim
    .liveIds(simName)
    .map((id) => String((sim.getRecord(simName, id) as Record<string, unknown>)[key]));
}

function keyOfLine(resource: string, line: string): string {
  const key = KEY[resource];
  return key ? String((JSON.parse(line) as Record<string, unknown>)[key]) : idOfLine(line);
}

/** The API's JSON text of a record as our NDJSON line must hold it (U+2028/9 escaped, nothing else changed). */
function expectedLine(resource: string, key: string): string | undefined {
  const simName = SIM_NAME[resource] as string;
  const id = KEY[resource]
    ? sim.liveIds(simName).find((candidate) => liveKeyOf(resource, candidate) === key)
    : key;
  if (id === undefined) return undefined;
  return sim
    .getRecordText(simName, id)
    ?.replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function liveKeyOf(resource: string, id: string): string {
  const key = KEY[resource] ?? 'id';
  return String((sim.getRecord(SIM_NAME[resource] as string, id) as Record<string, unknown>)[key]);
}

async function linesOf(root: string, resource: string): Promise<string[]> {
  return (await readRuns(root, 'welkin', resource)).flatMap((run) => run.lines);
}

/** Welkin ids are UUID strings and come first in every record the simulator serves. */
function idOfLine(line: string): string {
  const match = /^\{"id":"([^"]+)"/.exec(line);
  if (!match?.[1]) throw new Error('line has no id');
  return match[1];
}

function expectExactlyOnce(lines: string[], expected: string[], keyOf: (line: string) => string = idOfLine) {
  const ids = lines.map(keyOf);
  expect(ids.length).toBe(new Set(ids).size);
  expect([...ids].sort()).toEqual([...expected].sort());
}

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'welkin-export-'));
});

afterEach(async () => {
  await sim?.stop();
  await rm(out, { recursive: true, force: true });
});

describe('Welkin export against the simulator', () => {
  it('exports export-API and list resources, every record once and byte-exact, with one token', async () => {
    // Prepare
    sim = await startWelkinSimulator({
      rowsPerResource: { PATIENT: 2_345, CDT_RECORD: 1_500, USER: 230 },
      seed: 7,
    });
    const { catalog } = source();

    // Act
    const outcome = await exportTo(out, { catalog, resources: SOME });

    // Assess
    expect(outcome.failures).toEqual([]);
    for (const resource of SOME) {
      const lines = await linesOf(out, resource);
      const keyOf = (line: string) => keyOfLine(resource, line);
      expectExactlyOnce(lines, liveKeys(resource), keyOf);
      for (const line of lines) expect(line).toBe(expectedLine(resource, keyOf(line)));
    }
    const patients = await linesOf(out, 'patients');
    expect(patients.some((line) => /"externalNumericId":9\d{15,}/.test(line))).toBe(true);
    expect(patients.some((line) => line.includes('Zoë') || line.includes('李'))).toBe(true);
    expect(sim.stats().tokenRequests).toBe(1);
  });

  it('completes when every token is revoked mid-export: one renewal, shared by all resources', async () => {
    // Prepare
    sim = await startWelkinSimulator({ rowsPerResource: 2_500, seed: 3 });
    const { catalog } = source();
    let expired = false;

    // Act
    const outcome = await exportTo(out, {
      catalog,
      resources: ['patients', 'cdt_records', 'tasks', 'users'],
      onProgress: (event) => {
        if (event.kind === 'page' && !expired) {
          expired = true;
          sim.expireAllTokens();
        }
      },
    });

    // Assess
    expect(outcome.failures).toEqual([]);
    expect(sim.stats().expiredTokenRejections).toBeGreaterThan(0);
    expect(sim.stats().tokenRequests).toBe(2);
    expectExactlyOnce(await linesOf(out, 'patients'), sim.liveIds('PATIENT'));
    expectExactlyOnce(await linesOf(out, 'tasks'), sim.liveIds('TASK'));
  });

  it('renews ahead of expiry when tokens are short-lived, and the export completes', async () => {
    // Prepare: one-second tokens, and enough slow list pages (1,000 users a page) to outlive several of them.
    sim = await startWelkinSimulator({
      rowsPerResource: { USER: 6_000, PATIENT: 2_000 },
      tokenLifetimeSeconds: 1,
      latencyMs: 200,
    });
    const { catalog } = source();

    // Act
    const outcome = await exportTo(out, { catalog, resources: ['users', 'patients'], concurrency: 2 });

    // Assess
    expect(outcome.failures).toEqual([]);
    expect(sim.stats().tokenRequests).toBeGreaterThan(1);
    expect(sim.stats().blocked).toBe(false);
    expectExactlyOnce(await linesOf(out, 'users'), sim.liveIds('USER'));
    expectExactlyOnce(await linesOf(out, 'patients'), sim.liveIds('PATIENT'));
  });

  it('survives the hasNext bug, 5xx errors and dropped connections', async () => {
    // Prepare
    sim = await startWelkinSimulator({
      rowsPerResource: { PATIENT: 2_200, VOICE_CALL: 2_200, USER: 1_500 },
      seed: 11,
      hasNextBug: true,
      errorRate: 0.15,
      dropRate: 0.05,
    });
    const { catalog } = source();

    // Act
    const outcome = await exportTo(out, { catalog, resources: ['patients', 'voice_calls', 'users'] });

    // Assess
    expect(outcome.failures).toEqual([]);
    expect(sim.stats().hasNextBugFired).toBeGreaterThan(0);
    expect(sim.stats().errors + sim.stats().drops).toBeGreaterThan(0);
    expectExactlyOnce(await linesOf(out, 'patients'), sim.liveIds('PATIENT'));
    expectExactlyOnce(await linesOf(out, 'voice_calls'), sim.liveIds('VOICE_CALL'));
    expectExactlyOnce(await linesOf(out, 'users'), sim.liveIds('USER'));
  });

  it('reports a missing Export Data policy per resource and still exports the rest', async () => {
    // Prepare
    sim = await startWelkinSimulator({ rowsPerResource: 30, missingPolicies: ['EXPORT'] });
    const { catalog } = source();

    // Act
    const outcome = await exportTo(out, { catalog, resources: ['patients', 'users'] });

    // Assess
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]?.resource).toBe('patients');
    expect(outcome.failures[0]?.message).toMatch(
      /^welkin\/patients: Welkin: 403 ACCESS_FOR_API_CLIENT_RESTRICTED: the API client lacks the "Export Data" security policy/,
    );
    expect(await readRuns(out, 'welkin', 'patients')).toEqual([]);
    expectExactlyOnce(await linesOf(out, 'users'), sim.liveIds('USER'));
  });

  it('an incremental run brings exactly the records changed since the last run', async () => {
    // Prepare
    sim = await startWelkinSimulator({ rowsPerResource: 1_200, seed: 5 });
    const { catalog } = source();
    await exportTo(out, { catalog, resources: ['patients', 'users'] });
    const touched = sim.liveIds('PATIENT').slice(100, 105);
    for (const id of touched) sim.touch('PATIENT', id);
    const inserted = [sim.insert('PATIENT'), sim.insert('PATIENT')];
    // The window ends at the run's start, exclusive: let the clock move past the edits' millisecond.
    await new Promise((resolve) => setTimeout(resolve, 5));

    // Act
    const outcome = await exportTo(out, {
      catalog,
      resources: ['patients', 'users'],
      mode: 'incremental',
    });

    // Assess
    expect(outcome.failures).toEqual([]);
    const runs = await readRuns(out, 'welkin', 'patients');
    const second = runs.find((run) => run.manifest.mode === 'incremental');
    expect(second?.manifest.since).toBeDefined();
    expectExactlyOnce(second?.lines ?? [], [...touched, ...inserted]);
    for (const line of second?.lines ?? []) expect(line).toBe(expectedLine('patients', idOfLine(line)));
    const users = await readRuns(out, 'welkin', 'users');
    expect(users.map((run) => run.manifest.mode)).toEqual(['full', 'full']);
  });

  it('continues from checkpoints with no gap and no duplicate', async () => {
    // Prepare
    sim = await startWelkinSimulator({ rowsPerResource: { PATIENT: 3_500, USER: 250 }, seed: 9 });
    const { catalog } = source();
    let checkpoint: RunCheckpoint | undefined;
    let invocations = 0;

    // Act: each "invocation" stops after two pages of one resource.
    for (;;) {
      invocations += 1;
      let pages = 0;
      const outcome = await exportTo(out, {
        catalog,
        resources: ['patients', 'users'],
        concurrency: 1,
        checkpoint,
        onProgress: (event) => {
          if (event.kind === 'page') pages += 1;
        },
        shouldStop: () => pages >= 2,
      });
      expect(outcome.failures).toEqual([]);
      if (outcome.done) break;
      checkpoint = JSON.parse(JSON.stringify(outcome.checkpoint)) as RunCheckpoint;
      if (invocations > 20) throw new Error('export never finished');
    }

    // Assess
    expect(invocations).toBeGreaterThan(2);
    expectExactlyOnce(await linesOf(out, 'patients'), sim.liveIds('PATIENT'));
    expectExactlyOnce(await linesOf(out, 'users'), sim.liveIds('USER'));
    expect(await readRuns(out, 'welkin', 'patients')).toHaveLength(1);
  });

  it('a full run exports every record present throughout, once, while records are edited, added and deleted', async () => {
    // Prepare: an edit before every export request moves a row to the end of the order, often one not yet paged.
    sim = await startWelkinSimulator({
      rowsPerResource: 3_000,
      seed: 13,
      mutateWhilePaging: { editEveryNthRequest: 1, insertEveryNthRequest: 2, deleteEveryNthRequest: 3 },
    });
    const before = sim.liveIds('PATIENT');
    const { catalog } = source();

    // Act: one invocation, so one dedupe set covers the whole run.
    const outcome = await exportTo(out, { catalog, resources: ['patients'] });

    // Assess
    expect(outcome.failures).toEqual([]);
    expect(sim.stats().mutations).toBeGreaterThan(0);
    const ids = (await linesOf(out, 'patients')).map(idOfLine);
    expect(ids.length).toBe(new Set(ids).size);
    const exported = new Set(ids);
    const liveAtEnd = new Set(sim.liveIds('PATIENT'));
    const presentThroughout = before.filter((id) => liveAtEnd.has(id));
    expect(presentThroughout.length).toBeGreaterThan(2_900);
    expect(presentThroughout.filter((id) => !exported.has(id))).toEqual([]);
    const everPresent = new Set(sim.everPresentIds('PATIENT'));
    expect(ids.filter((id) => !everPresent.has(id))).toEqual([]);
  });

  it('a list scan that loses a row to a delete after page 0 is repeated: every user present throughout is exported once', async () => {
    // Prepare: after page 0 of admin/users is served, the first user in id order is deleted, so every later
    // row shifts one place towards page 0 and the row that was first on page 1 would be skipped.
    sim = await startWelkinSimulator({ rowsPerResource: { USER: 250 }, seed: 17 });
    const before = sim.liveIds('USER');
    const victim = [...before].sort()[0] as string;
    let deleted = false;
    const deletingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (!deleted && url.pathname.endsWith('/admin/users') && url.searchParams.get('page') === '0') {
        deleted = true;
        sim.remove('USER', victim);
      }
      return response;
    };
    const { catalog } = welkinCatalog(configOf(sim), new MemoryTokenStore(), {
      pollMs: 5,
      fetch: deletingFetch,
    });

    // Act
    const outcome = await exportTo(out, { catalog, resources: ['users'] });

    // Assess
    expect(outcome.failures).toEqual([]);
    expect(deleted).toBe(true);
    const ids = (await linesOf(out, 'users')).map(idOfLine);
    expect(ids.length).toBe(new Set(ids).size);
    const exported = new Set(ids);
    expect(sim.liveIds('USER').filter((id) => !exported.has(id))).toEqual([]);
    expect(ids.filter((id) => !before.includes(id))).toEqual([]);
  });
});

describe('npm run export -- welkin', () => {
  it('exports through the CLI, keeping the token in WELKIN_TOKEN_FILE and never printing credentials', async () => {
    // Prepare
    sim = await startWelkinSimulator({ rowsPerResource: { USER: 40, PROGRAM: 7 } });
    const tokenFile = join(out, 'state', 'token.json');
    const env = {
      WELKIN_TENANT: sim.tenant,
      WELKIN_INSTANCE: sim.instance,
      WELKIN_CLIENT_NAME: sim.clientName,
      WELKIN_CLIENT_SECRET: sim.secret,
      WELKIN_BASE_URL: sim.baseUrl,
      WELKIN_TOKEN_FILE: tokenFile,
    };
    const lines: string[] = [];
    const io = { env, err: (line: string) => lines.push(line), out: (line: string) => lines.push(line) };

    // Act
    const first = await runExportCli(
      ['welkin', '--out', join(out, 'data'), '--resources', 'users,programs'],
      io,
    );
    const second = await runExportCli(['welkin', '--out', join(out, 'data'), '--resources', 'users'], io);

    // Assess
    expect([first, second]).toEqual([0, 0]);
    expect(lines.at(-1)).toMatch(/^welkin: 1 resource\(s\) exported, 0 failed, 40 rows/);
    expect(sim.stats().tokenRequests).toBe(1);
    const token = JSON.parse(JSON.parse(await readFile(tokenFile, 'utf8')).value).token as string;
    for (const line of lines) {
      expect(line).not.toContain(sim.secret);
      expect(line).not.toContain(token);
    }
    expectExactlyOnce(await linesOf(join(out, 'data'), 'programs'), liveKeys('programs'), (line) =>
      keyOfLine('programs', line),
    );
  });
});

describe.each([
  ['an in-memory store (Secrets Manager semantics)', () => new MemoryTokenStore()],
  ['a token file', () => new FileTokenStore(join(out, 'token', 'welkin-token.json'))],
])('20 concurrent exporters sharing %s', (_label, makeStore) => {
  it('make one token request, and one more after every token is revoked mid-run', async () => {
    // Prepare
    sim = await startWelkinSimulator({ rowsPerResource: 1_500, seed: 21 });
    const store = makeStore();
    const exporters = Array.from({ length: 20 }, () => source(store).catalog);
    let pagesSeen = 0;

    // Act
    const outcomes = await Promise.all(
      exporters.map((catalog, index) =>
        exportTo(join(out, `exporter-${index}`), {
          catalog,
          resources: ['patients', 'users'],
          concurrency: 2,
          onProgress: (event) => {
            if (event.kind === 'page' && ++pagesSeen === 20) sim.expireAllTokens();
          },
        }),
      ),
    );

    // Assess
    expect(outcomes.flatMap((outcome) => outcome.failures)).toEqual([]);
    expect(sim.stats().expiredTokenRejections).toBeGreaterThan(0);
    expect(sim.stats().tokenRequests).toBe(2);
    expectExactlyOnce(await linesOf(join(out, 'exporter-7'), 'patients'), sim.liveIds('PATIENT'));
  });
});
