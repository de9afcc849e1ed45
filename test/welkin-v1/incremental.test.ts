import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { welkinV1Catalog } from '../../shared/welkin-v1/catalog.js';
import { toApiTime } from '../../shared/welkin-v1/timestamp.js';
import { startWelkinV1Simulator, type WelkinV1Simulator } from '../../simulators/welkin-v1/index.js';
import { readRuns } from '../support/read-output.js';
import { configOf, exportedIds, exportTo, tempDir } from './helpers.js';

let sim: WelkinV1Simulator;
let out: { path: string; remove: () => Promise<void> };

afterEach(async () => {
  await sim.stop();
  await out.remove();
});

/** A fetch that records every URL asked for. */
function recordingFetch() {
  const urls: URL[] = [];
  const fetch = (async (input: Request | URL | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    urls.push(new URL(request.url));
    return globalThis.fetch(request);
  }) as typeof globalThis.fetch;
  return { fetch, urls };
}

describe('welkin-v1 incremental runs', () => {
  it('exports only rows changed since the watermark (minus the overlap), with page[to] frozen at the run start', async () => {
    // Prepare
    sim = await startWelkinV1Simulator({ rowsPerResource: 30, tieSize: 2, nextLinks: 'none' });
    out = await tempDir();
    const recorder = recordingFetch();
    const { catalog } = welkinV1Catalog(configOf(sim, 7), new MemoryTokenStore(), {
      fetch: recorder.fetch,
    });
    await exportTo(out.path, { catalog, resources: ['patients'], mode: 'incremental' });
    const [touchedA, touchedB] = sim.ids('patients');
    sim.touch('patients', touchedA as string);
    sim.touch('patients', touchedB as string);
    const inserted = sim.insert('patients');
    // The run start has millisecond precision, the rows microseconds: let the clock pass the edits.
    await new Promise((resolve) => setTimeout(resolve, 5));
    recorder.urls.length = 0;
    // Act
    const outcome = await exportTo(out.path, { catalog, resources: ['patients'], mode: 'incremental' });
    // Assess
    expect(outcome.failures).toEqual([]);
    const runs = await readRuns(out.path, 'welkin-v1', 'patients');
    const incremental = runs.find((run) => run.manifest.mode === 'incremental');
    expect(runs.map((run) => run.manifest.mode).sort()).toEqual(['full', 'incremental']);
    expect(incremental?.manifest.since).toBeDefined();
    expect((await exportedIds(out.path, 'patients')).sort()).toEqual([touchedA, touchedB, inserted].sort());
    const finds = recorder.urls.filter((url) => url.pathname === '/v1/patients');
    expect(finds.length).toBeGreaterThan(0);
    for (const url of finds) {
      expect(url.searchParams.get('page[to]')).toBe(toApiTime(incremental?.manifest.watermark ?? ''));
      expect(url.searchParams.get('page[size]')).toBe('7');
    }
    expect(finds[0]?.searchParams.get('page[from]')).toBe(toApiTime(incremental?.manifest.since ?? ''));
  });

  it('--full ignores the watermark and leaves page[to] open so rows edited mid-run are kept', async () => {
    // Prepare
    sim = await startWelkinV1Simulator({ rowsPerResource: 12, tieSize: 1, nextLinks: 'none' });
    out = await tempDir();
    const recorder = recordingFetch();
    const { catalog } = welkinV1Catalog(configOf(sim, 5), new MemoryTokenStore(), {
      fetch: recorder.fetch,
    });
    await exportTo(out.path, { catalog, resources: ['workers'], mode: 'incremental' });
    let edited = false;
    // Act: after the first page, the last generated row is edited (it moves past the run start)
    const outcome = await exportTo(out.path, {
      catalog,
      resources: ['workers'],
      mode: 'full',
      onProgress: (event) => {
        if (event.kind === 'page' && !edited) {
          edited = true;
          sim.touch('workers', sim.ids('workers')[10] as string);
        }
      },
    });
    // Assess
    expect(outcome.failures).toEqual([]);
    const latest = (await readRuns(out.path, 'welkin-v1', 'workers')).at(-1);
    expect(new Set(await exportedIds(out.path, 'workers'))).toEqual(new Set(sim.ids('workers')));
    expect(latest?.manifest.recordCount).toBe(12);
    expect(recorder.urls.every((url) => !url.searchParams.has('page[to]'))).toBe(true);
  });
});
