import { startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { type BundledRun, runBundledHandler } from './bundled-run.js';

const LIMIT_MB = 160;

export interface BigPageFigures extends BundledRun {
  noteChars: number;
  pageMb: number;
  limitMb: number;
  ratioToLimit: number;
  target: string;
  met: boolean;
}

/**
 * Peak RSS of the bundled Cliniko handler under the Lambda's Node flags exporting treatment notes of ~40 KB,
 * 100 to a page (~4 MB pages): what matters is that memory follows the page, not the field or the run.
 */
export async function benchBigPages(rows = 600, noteChars = 40_000): Promise<BigPageFigures> {
  const sim = await startClinikoSimulator({
    rowsPerResource: { treatment_notes: rows },
    requestsPerMinute: 0,
    seed: 8,
    noteChars,
  });
  try {
    const query = new URLSearchParams({ per_page: '100', sort: 'id', 'q[]': 'archived_at:*' });
    const page = await fetch(`${sim.url}/treatment_notes?${query}`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${sim.apiKey}:`).toString('base64')}`,
        'user-agent': 'Clinic Pipe Bench (bench@example.com)',
        accept: 'application/json',
      },
    });
    if (!page.ok) throw new Error(`big-page probe: HTTP ${page.status}`);
    const pageBytes = (await page.arrayBuffer()).byteLength;
    const run = await runBundledHandler({
      entry: 'functions/cliniko-export/index.ts',
      event: { resources: ['treatment_notes'], mode: 'full' },
      secrets: { 'bench-cliniko': JSON.stringify({ apiKey: sim.apiKey }) },
      env: {
        CLINIKO_SECRET_ARNS: JSON.stringify({ main: 'bench-cliniko' }),
        CLINIKO_USER_AGENT: 'Clinic Pipe Bench (bench@example.com)',
        CLINIKO_BASE_URL: sim.url,
        CLINIKO_REQUESTS_PER_MINUTE: '10000000',
      },
    });
    if (run.rows !== rows) throw new Error(`big-page run exported ${run.rows} of ${rows} treatment notes`);
    const ratioToLimit = Math.round((run.maxRssMb / LIMIT_MB) * 1000) / 1000;
    return {
      ...run,
      noteChars,
      pageMb: Math.round((pageBytes / 1024 / 1024) * 100) / 100,
      limitMb: LIMIT_MB,
      ratioToLimit,
      target: `<= ${LIMIT_MB} MB peak RSS`,
      met: ratioToLimit <= 1,
    };
  } finally {
    await sim.stop();
  }
}
