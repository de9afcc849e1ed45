import { afterEach, describe, expect, it } from 'vitest';
import { WELKIN_V1_RESOURCES } from '../../shared/welkin-v1/resources.js';
import { startWelkinV1Simulator, type WelkinV1Simulator } from '../../simulators/welkin-v1/index.js';
import { readRuns } from '../support/read-output.js';
import { exportedIds, exportTo, sourceOf, tempDir } from './helpers.js';

let sim: WelkinV1Simulator | undefined;
let out: { path: string; remove: () => Promise<void> } | undefined;

afterEach(async () => {
  await sim?.stop();
  await out?.remove();
  sim = undefined;
  out = undefined;
});

async function setUp(options: Parameters<typeof startWelkinV1Simulator>[0]) {
  sim = await startWelkinV1Simulator(options);
  out = await tempDir();
  return { sim, root: out.path };
}

describe('welkin-v1 export over HTTP against the simulator', () => {
  it('exports every resource of the table, each record once, numbers digit for digit', async () => {
    // Prepare
    const { sim, root } = await setUp({ rowsPerResource: 23, tieSize: 3 });
    const { catalog } = sourceOf(sim, 5);
    // Act
    const outcome = await exportTo(root, { catalog });
    // Assess
    expect(outcome.failures).toEqual([]);
    expect(outcome.done && outcome.results.map((result) => result.resource).sort()).toEqual(
      WELKIN_V1_RESOURCES.map((resource) => resource.name).sort(),
    );
    for (const resource of WELKIN_V1_RESOURCES) {
      const ids = await exportedIds(root, resource.name);
      expect(ids.sort(), resource.name).toEqual(sim.ids(resource.path).sort());
    }
    const [run] = await readRuns(root, 'welkin-v1', 'custom_data_type_records');
    const first = run?.lines[0] ?? '';
    expect(first).toContain('"big":9007199254740993');
    expect(first).toContain('\\u2028');
    expect(run?.manifest).toMatchObject({
      source: 'welkin-v1',
      resource: 'custom_data_type_records',
      mode: 'full',
      recordCount: 23,
    });
  });

  it.each([
    ['bare', 'reference'],
    ['bare', 'object'],
    ['bare', 'href'],
    ['wrapped', 'plain'],
    ['wrapped', 'none'],
    ['bare', 'none'],
  ] as const)('accepts %s answers with next links %s', async (answerShape, nextLinks) => {
    // Prepare
    const { sim, root } = await setUp({ rowsPerResource: 31, tieSize: 4, answerShape, nextLinks });
    const { catalog } = sourceOf(sim, 6);
    // Act
    const outcome = await exportTo(root, {
      catalog,
      resources: ['patients', 'app_messages', 'external_ids'],
    });
    // Assess
    expect(outcome.failures).toEqual([]);
    for (const name of ['patients', 'app_messages', 'external_ids']) {
      const ids = await exportedIds(root, name);
      expect(ids.length, name).toBe(31);
      expect(new Set(ids), name).toEqual(new Set(sim.ids(name)));
    }
  });

  it.each(['reference', 'none'] as const)(
    'ends correctly against a server comparing page[from] per millisecond (next links %s)',
    async (nextLinks) => {
      // Prepare: 12 rows, microseconds apart within a few milliseconds, paged 5 at a time
      const { sim, root } = await setUp({
        rowsPerResource: 12,
        tieSize: 1,
        nextLinks,
        fromPrecision: 'milli',
      });
      const base = sim.tie('patients', 12);
      sim.spread('patients', base, 350n);
      const { catalog } = sourceOf(sim, 5);
      // Act
      const outcome = await exportTo(root, { catalog, resources: ['patients'] });
      // Assess: every row once, in a handful of requests, never a loop
      expect(outcome.failures).toEqual([]);
      expect(new Set(await exportedIds(root, 'patients'))).toEqual(new Set(sim.ids('patients')));
      expect(sim.stats().findRequests).toBeLessThanOrEqual(8);
    },
  );

  it.each([false, true])(
    'pages through ties by advancing page[from] (exclusive page[from]: %s)',
    async (exclusiveFrom) => {
      // Prepare
      const { sim, root } = await setUp({
        rowsPerResource: 40,
        tieSize: 5,
        nextLinks: 'none',
        exclusiveFrom,
      });
      const { catalog } = sourceOf(sim, 6);
      // Act
      const outcome = await exportTo(root, { catalog, resources: ['workers'] });
      // Assess
      expect(outcome.failures).toEqual([]);
      const ids = await exportedIds(root, 'workers');
      expect(ids.length).toBe(40);
      expect(new Set(ids)).toEqual(new Set(sim.ids('workers')));
    },
  );

  it('fails loudly, publishing nothing, when more rows share one updated_at than a page holds and no next link helps', async () => {
    // Prepare
    const { sim, root } = await setUp({ rowsPerResource: 20, tieSize: 1, nextLinks: 'none' });
    sim.tie('calendars', 9);
    const { catalog } = sourceOf(sim, 4);
    // Act
    const outcome = await exportTo(root, { catalog, resources: ['calendars'] });
    // Assess
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]?.message).toMatch(/share one updated_at/);
    expect(outcome.failures[0]?.errorName).toBe('MalformedResponseError');
    expect(await readRuns(root, 'welkin-v1', 'calendars')).toEqual([]);
  });

  it('gets past the same tie group through next links', async () => {
    // Prepare
    const { sim, root } = await setUp({ rowsPerResource: 20, tieSize: 1, nextLinks: 'href' });
    sim.tie('calendars', 9);
    const { catalog } = sourceOf(sim, 4);
    // Act
    const outcome = await exportTo(root, { catalog, resources: ['calendars'] });
    // Assess
    expect(outcome.failures).toEqual([]);
    expect(new Set(await exportedIds(root, 'calendars'))).toEqual(new Set(sim.ids('calendars')));
  });

  it('detects a page size capped below the one asked for (meta.current) and still refuses to skip a tie', async () => {
    // Prepare
    const { sim, root } = await setUp({ rowsPerResource: 12, tieSize: 1, nextLinks: 'none', maxPageSize: 3 });
    sim.tie('conversations', 5);
    const { catalog } = sourceOf(sim, 50);
    // Act
    const outcome = await exportTo(root, { catalog, resources: ['conversations'] });
    // Assess
    expect(outcome.failures[0]?.message).toMatch(/share one updated_at/);
  });

  it('confirms a short page with one more request instead of trusting it as the end', async () => {
    // Prepare
    const { sim, root } = await setUp({ rowsPerResource: 5, tieSize: 1, nextLinks: 'none' });
    const { catalog } = sourceOf(sim, 10);
    // Act
    const outcome = await exportTo(root, { catalog, resources: ['patients'] });
    // Assess
    expect(outcome.failures).toEqual([]);
    expect(sim.stats().findRequests).toBe(2);
    expect((await exportedIds(root, 'patients')).length).toBe(5);
  });

  it('takes an empty window as empty after one request: asking the same again would repeat a request', async () => {
    // Prepare
    const { sim, root } = await setUp({ rowsPerResource: 0, nextLinks: 'none' });
    const { catalog } = sourceOf(sim, 10);
    // Act
    const outcome = await exportTo(root, { catalog, resources: ['patients'] });
    // Assess
    expect(outcome.failures).toEqual([]);
    expect(sim.stats().findRequests).toBe(1);
    expect(await exportedIds(root, 'patients')).toEqual([]);
  });

  it('resumes from a checkpoint with no gap and no repeat', async () => {
    // Prepare
    const { sim, root } = await setUp({ rowsPerResource: 30, tieSize: 4, nextLinks: 'none' });
    const { catalog } = sourceOf(sim, 7);
    let pages = 0;
    // Act
    const first = await exportTo(root, {
      catalog,
      resources: ['patients'],
      onProgress: (event) => {
        if (event.kind === 'page') pages = event.pages;
      },
      shouldStop: () => pages >= 2,
    });
    expect(first.done).toBe(false);
    const checkpoint = first.done ? undefined : first.checkpoint;
    const second = await exportTo(root, { catalog, checkpoint });
    // Assess
    expect(second.done && second.failures).toEqual([]);
    const ids = await exportedIds(root, 'patients');
    expect(ids.length).toBe(30);
    expect(new Set(ids)).toEqual(new Set(sim.ids('patients')));
  });
});
