import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import { startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { type BundledRun, runBundledHandler } from './bundled-run.js';
import { judgeRate, type RateJudgement } from './rate-judge.js';
import { type Throughput, timedExport } from './timed-export.js';

const USER_AGENT = 'Clinic Pipe Bench (bench@example.com)';

export interface RateFigures extends RateJudgement {
  limitPerMinute: number;
  windowMs: number;
  latencyMs: number;
  achievedPerMinute: number;
  /** One resource alone (as in one Step Functions Map item): parallelism comes from id-range splitting. */
  singleResource: RateJudgement;
}

/**
 * Requests/min achieved against a sliding-window limit, over at least two whole windows, with latency set so
 * that ~1.3 requests must be in flight to reach it (a strictly sequential pager tops out near 0.77 there).
 * Send times are taken at the client's fetch, so the judgement is of what the client did. `windowMs` below
 * 60 s (quick runs) scales the simulator's window and its per-window limit together.
 */
export async function benchClinikoRate(
  limitPerMinute: number,
  windowMs = 60_000,
  windows = 2.3,
): Promise<RateFigures> {
  const latencyMs = Math.round((1.3 * 60_000) / limitPerMinute);
  const limit = Math.round((limitPerMinute * windowMs) / 60_000);
  const resources = ['patients', 'invoices', 'individual_appointments', 'contacts'];
  const requestsWanted = Math.ceil(limit * windows);
  const rows = Math.ceil(requestsWanted / resources.length) * 100;
  const measure = async (concurrency: number, rowCount: number, names: string[]) => {
    // A key per case: the rate budget (and any 429 pause on it) is shared per key in the process.
    const apiKey = `bench-rate-${concurrency}-au1`;
    const sim = await startClinikoSimulator({
      apiKey,
      rowsPerResource: Object.fromEntries(names.map((name) => [name, rowCount])),
      requestsPerMinute: limit,
      rateLimitWindowMs: windowMs,
      latencyMs,
      seed: 11,
    });
    const sentAt: number[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      sentAt.push(Date.now());
      return globalThis.fetch(input, init);
    };
    try {
      const { catalog } = clinikoCatalog(
        {
          apiKey,
          userAgent: USER_AGENT,
          baseUrl: new URL(sim.url),
          requestsPerMinute: limitPerMinute,
          timeoutMs: 30_000,
        },
        { fetch },
      );
      const { seconds } = await timedExport(catalog, { resources: names, concurrency });
      const judgement = judgeRate({ sentAt, limit, windowMs, rateLimited: sim.stats().rateLimited });
      return { judgement, achieved: sentAt.length / (seconds / 60) };
    } finally {
      await sim.stop();
    }
  };
  const parallel = await measure(3, rows, resources);
  const single = await measure(1, rows * resources.length, ['patients']);
  return {
    limitPerMinute,
    windowMs,
    latencyMs,
    achievedPerMinute: Math.round(parallel.achieved),
    ...parallel.judgement,
    singleResource: single.judgement,
  };
}

/** Rows per second with no rate limit and no latency: the exporter's own cost (simulator in-process). */
export async function benchClinikoThroughput(rows: number): Promise<Throughput> {
  const sim = await startClinikoSimulator({
    rowsPerResource: { patients: rows },
    requestsPerMinute: 0,
    seed: 5,
  });
  try {
    const { catalog } = clinikoCatalog({
      apiKey: sim.apiKey,
      userAgent: USER_AGENT,
      baseUrl: new URL(sim.url),
      requestsPerMinute: 10_000_000,
      timeoutMs: 30_000,
    });
    return await timedExport(catalog, { resources: ['patients'], concurrency: 1 });
  } finally {
    await sim.stop();
  }
}

/** Peak RSS of the bundled Lambda handler exporting `rows` patients to a real S3-protocol server. */
export async function benchClinikoMemory(rows: number): Promise<BundledRun> {
  const sim = await startClinikoSimulator({
    rowsPerResource: { patients: rows },
    requestsPerMinute: 0,
    seed: 3,
  });
  try {
    const run = await runBundledHandler({
      entry: 'functions/cliniko-export/index.ts',
      event: { resources: ['patients'], mode: 'full' },
      secrets: { 'bench-cliniko': JSON.stringify({ apiKey: sim.apiKey }) },
      env: {
        CLINIKO_SECRET_ARNS: JSON.stringify({ main: 'bench-cliniko' }),
        CLINIKO_USER_AGENT: USER_AGENT,
        CLINIKO_BASE_URL: sim.url,
        CLINIKO_REQUESTS_PER_MINUTE: '10000000',
      },
    });
    if (run.rows !== rows) throw new Error(`bundled handler exported ${run.rows} rows, expected ${rows}`);
    return run;
  } finally {
    await sim.stop();
  }
}
