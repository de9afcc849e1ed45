import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import { startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { type BundledRun, runBundledHandler } from './bundled-run.js';
import { type Throughput, timedExport } from './timed-export.js';

const USER_AGENT = 'Clinic Pipe Bench (bench@example.com)';

export interface RateFigures {
  limitPerMinute: number;
  latencyMs: number;
  requests: number;
  achievedPerMinute: number;
  ratio: number;
  rateLimited: number;
  rateLimitedShare: number;
  /** One resource alone (as in one Step Functions Map item): parallelism comes from id-range splitting. */
  singleResourceRatio: number;
}

/**
 * Requests/min achieved against the limit, with latency set so that ~1.3 requests must be in flight to reach
 * it (a strictly sequential pager tops out near 0.77 there).
 */
export async function benchClinikoRate(limitPerMinute: number, seconds: number): Promise<RateFigures> {
  const latencyMs = Math.round((1.3 * 60_000) / limitPerMinute);
  const resources = ['patients', 'invoices', 'individual_appointments', 'contacts'];
  const requestsWanted = Math.ceil((limitPerMinute * seconds) / 60);
  const rows = Math.ceil(requestsWanted / resources.length) * 100;
  const measure = async (concurrency: number, rowCount: number, names: string[]) => {
    const sim = await startClinikoSimulator({
      rowsPerResource: Object.fromEntries(names.map((name) => [name, rowCount])),
      requestsPerMinute: limitPerMinute,
      latencyMs,
      seed: 11,
    });
    try {
      const { catalog } = clinikoCatalog({
        apiKey: sim.apiKey,
        userAgent: USER_AGENT,
        baseUrl: new URL(sim.url),
        requestsPerMinute: limitPerMinute,
        timeoutMs: 30_000,
      });
      const { seconds } = await timedExport(catalog, { resources: names, concurrency });
      const stats = sim.stats();
      return { stats, achieved: stats.requests / (seconds / 60) };
    } finally {
      await sim.stop();
    }
  };
  const parallel = await measure(3, rows, resources);
  const single = await measure(1, rows * 2, ['patients']);
  return {
    limitPerMinute,
    latencyMs,
    requests: parallel.stats.requests,
    achievedPerMinute: Math.round(parallel.achieved),
    ratio: round(parallel.achieved / limitPerMinute),
    rateLimited: parallel.stats.rateLimited,
    rateLimitedShare: round(parallel.stats.rateLimited / Math.max(1, parallel.stats.requests)),
    singleResourceRatio: round(single.achieved / limitPerMinute),
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

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
