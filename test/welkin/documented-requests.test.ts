import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { welkinCatalog } from '../../shared/welkin/catalog.js';
import { WELKIN_RESOURCES } from '../../shared/welkin/resources.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';

/**
 * The V8 data requests a source document or a recorded real response shows, with the query parameters seen
 * there. Written out here, not derived from shared/welkin/resources.ts, so the table and the code check each
 * other.
 */
const EXPORT_NAMES = [
  // The V8 reference's Export API and Welkin's knowledge-base page on API exports.
  'PATIENT',
  'CDT_RECORD',
  'ENCOUNTER',
  'ENCOUNTER_COMMENT',
  'ENCOUNTER_DISPOSITION',
  'ASSESSMENT',
  'CALENDAR_EVENT',
  'EMAIL',
  'SMS',
  'TASK',
  'VOICE_CALL',
  'PATIENT_PROGRAM',
  'PDT_RECORD',
];
const DOCUMENTED: { route: RegExp; params: readonly string[]; source: string }[] = [
  {
    route: new RegExp(`^/sim-tenant/sim-instance/export/(${EXPORT_NAMES.join('|')})$`),
    params: ['start', 'pageSize'],
    source: 'V8 reference, Export API',
  },
  {
    route: /^\/sim-tenant\/admin\/users$/,
    params: ['page', 'size'],
    source: 'Lightmatter/welkin-health test_user_read_all, fixtures/users__test_work_hours_read_all',
  },
  {
    route: /^\/sim-tenant\/sim-instance\/formations\/current\/programs$/,
    params: ['page'],
    source: 'Lightmatter/welkin-health TestFormation.test_programs_read; slate _programs.md',
  },
];

let sim: WelkinSimulator;
let out: string;

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'welkin-documented-'));
  sim = await startWelkinSimulator({ rowsPerResource: 30 });
});

afterEach(async () => {
  await sim.stop();
  await rm(out, { recursive: true, force: true });
});

describe('Welkin V8 requests', () => {
  it('every request each resource makes, full and incremental, is a documented or recorded route and parameter set', async () => {
    // Prepare: every request the exporter sends, as the simulator receives it.
    const sent: URL[] = [];
    const fetching: typeof fetch = (input, init) => {
      sent.push(new URL(input instanceof Request ? input.url : String(input)));
      return fetch(input, init);
    };
    const { catalog } = welkinCatalog(
      {
        tenant: sim.tenant,
        instance: sim.instance,
        clientName: sim.clientName,
        secret: sim.secret,
        env: 'live',
        baseUrl: new URL(sim.baseUrl),
        timeoutMs: 5_000,
      },
      new MemoryTokenStore(),
      { fetch: fetching },
    );
    const sink = new LocalSink(out);
    const settings = { compress: false, maxPartBytes: 1024 * 1024, overlapMs: 0 };

    // Act
    const full = await runExport({ catalog, sink, settings, mode: 'full', concurrency: 4 });
    const incremental = await runExport({ catalog, sink, settings, mode: 'incremental', concurrency: 4 });

    // Assess
    expect(full.failures).toEqual([]);
    expect(incremental.failures).toEqual([]);
    const data = sent.filter((url) => !url.pathname.includes('/admin/api_clients/'));
    expect(data.length).toBeGreaterThanOrEqual(2 * WELKIN_RESOURCES.length);
    for (const url of data) {
      const documented = DOCUMENTED.find((entry) => entry.route.test(url.pathname));
      expect(documented, `${url.pathname} is not a documented route`).toBeDefined();
      for (const name of url.searchParams.keys()) {
        expect(documented?.params, `${url.pathname}: parameter ${name}`).toContain(name);
      }
    }
  });
});
