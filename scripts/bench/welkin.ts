import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { welkinCatalog } from '../../shared/welkin/catalog.js';
import type { WelkinConfig } from '../../shared/welkin/config.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import { type BundledRun, runBundledHandler } from './bundled-run.js';
import { startSimulatorProcess } from './simulator-process.js';
import { type Throughput, timedExport } from './timed-export.js';

type SimulatorAddress = Pick<WelkinSimulator, 'tenant' | 'instance' | 'clientName' | 'secret' | 'baseUrl'>;

function configOf(sim: SimulatorAddress): WelkinConfig {
  return {
    tenant: sim.tenant,
    instance: sim.instance,
    clientName: sim.clientName,
    secret: sim.secret,
    env: 'live',
    baseUrl: new URL(sim.baseUrl),
    timeoutMs: 30_000,
  };
}

/** Rows per second through the Export API cursor, no latency, the simulator in a process of its own. */
export async function benchWelkinThroughput(rows: number): Promise<Throughput> {
  const sim = await startSimulatorProcess<SimulatorAddress>('welkin', {
    rowsPerResource: { PATIENT: rows },
    seed: 5,
  });
  try {
    const { catalog } = welkinCatalog(configOf(sim.info), new MemoryTokenStore());
    const result = await timedExport(catalog, { resources: ['patients'], concurrency: 1 });
    if (result.rows !== rows)
      throw new Error(`welkin throughput run exported ${result.rows} of ${rows} rows`);
    return result;
  } finally {
    await sim.stop();
  }
}

/** Peak RSS of the bundled welkin-export handler (token cache in a local Secrets Manager) exporting `rows`. */
export async function benchWelkinMemory(rows: number): Promise<BundledRun> {
  const sim = await startWelkinSimulator({ rowsPerResource: { PATIENT: rows }, seed: 3 });
  try {
    const credentials = {
      tenant: sim.tenant,
      instance: sim.instance,
      clientName: sim.clientName,
      secret: sim.secret,
      env: 'live',
    };
    const run = await runBundledHandler({
      entry: 'functions/welkin-export/index.ts',
      event: { resources: ['patients'], mode: 'full' },
      secrets: { 'bench-welkin-credentials': JSON.stringify(credentials), 'bench-welkin-token': undefined },
      env: {
        WELKIN_CREDENTIALS_SECRET_ARN: 'bench-welkin-credentials',
        WELKIN_TOKEN_SECRET_ARN: 'bench-welkin-token',
        WELKIN_BASE_URL: sim.baseUrl,
        // Measures the exporter, not the default pace.
        WELKIN_REQUESTS_PER_MINUTE: '0',
      },
    });
    if (run.rows !== rows)
      throw new Error(`bundled welkin handler exported ${run.rows} rows, expected ${rows}`);
    return run;
  } finally {
    await sim.stop();
  }
}

/**
 * Token requests per token lifetime with `exporters` concurrent exporters sharing one token store (Secrets
 * Manager semantics), each exporting over and over for `lifetimes` token lifetimes. Target: 1.
 */
export async function benchWelkinTokens(exporters: number, lifetimeSeconds: number, lifetimes: number) {
  const sim = await startWelkinSimulator({
    rowsPerResource: 2_000,
    latencyMs: 25,
    tokenLifetimeSeconds: lifetimeSeconds,
    seed: 9,
  });
  const store = new MemoryTokenStore();
  const started = Date.now();
  const until = started + lifetimeSeconds * lifetimes * 1000;
  let runs = 0;
  try {
    await Promise.all(
      Array.from({ length: exporters }, async () => {
        const { catalog } = welkinCatalog(configOf(sim), store);
        while (Date.now() < until) {
          await timedExport(catalog, { resources: ['patients', 'tasks'], concurrency: 2 });
          runs += 1;
        }
      }),
    );
    const elapsedSeconds = (Date.now() - started) / 1000;
    const elapsedLifetimes = elapsedSeconds / lifetimeSeconds;
    const stats = sim.stats();
    // A token is renewed a margin before it expires (5 min, or a fifth of a short lifetime), so even a perfect
    // provider asks once per (lifetime - margin), less up to a second because JWT times are whole seconds:
    // that is the bound, and the ratio to it shows any stampede.
    const renewalPeriod = lifetimeSeconds - Math.min(300, lifetimeSeconds / 5) - 1;
    const unavoidable = 1 + Math.floor(elapsedSeconds / renewalPeriod);
    return {
      exporters,
      lifetimeSeconds,
      exportRuns: runs,
      tokenRequests: stats.tokenRequests,
      elapsedLifetimes: Math.round(elapsedLifetimes * 100) / 100,
      tokenRequestsPerLifetime: Math.round((stats.tokenRequests / elapsedLifetimes) * 100) / 100,
      unavoidableRequests: unavoidable,
      ratioToUnavoidable: Math.round((stats.tokenRequests / unavoidable) * 100) / 100,
      expiredTokenRejections: stats.expiredTokenRejections,
    };
  } finally {
    await sim.stop();
  }
}
