import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { welkinV1Catalog } from '../../shared/welkin-v1/catalog.js';
import { welkinV1ConfigFrom } from '../../shared/welkin-v1/config.js';
import { startSimulatorProcess } from './simulator-process.js';
import { type Throughput, timedExport } from './timed-export.js';

interface V1Address {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Rows/s of one welkin-v1 resource, simulator in its own process, on the hardest paging path: no next links
 * (every page advances page[from] with boundary dedupe) and ties of 3 rows on one updated_at.
 */
export async function benchWelkinV1Throughput(rows: number): Promise<Throughput & { requests: number }> {
  const sim = await startSimulatorProcess<V1Address>('welkin-v1', {
    rowsPerResource: { patients: rows },
    tieSize: 3,
    nextLinks: 'none',
    seed: 5,
  });
  try {
    const config = welkinV1ConfigFrom({
      WELKIN_V1_CLIENT_ID: sim.info.clientId,
      WELKIN_V1_CLIENT_SECRET: sim.info.clientSecret,
      WELKIN_V1_BASE_URL: sim.info.baseUrl,
      WELKIN_V1_PAGE_SIZE: '500',
      // Throughput of the pager itself, not of the default pace.
      WELKIN_V1_REQUESTS_PER_MINUTE: '0',
    });
    const { catalog, client } = welkinV1Catalog(config, new MemoryTokenStore());
    const result = await timedExport(catalog, { resources: ['patients'], concurrency: 1 });
    if (result.rows !== rows)
      throw new Error(`welkin-v1 throughput run exported ${result.rows} of ${rows} rows`);
    return { ...result, requests: client.http.requests };
  } finally {
    await sim.stop();
  }
}
