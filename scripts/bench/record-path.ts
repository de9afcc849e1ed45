import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { clinikoCatalog } from '../../shared/cliniko/catalog.js';
import { scanPage } from '../../shared/json/page-scanner.js';
import { startSimulatorProcess } from './simulator-process.js';
import { timedExport } from './timed-export.js';

const USER_AGENT = 'Clinic Pipe Bench (bench@example.com)';
/** The exporter cannot beat parse + gzip + hash + write of the same bytes by more than this: it does all but the parse. */
const PHYSICAL_BOUND = 1.25;

export interface RecordPathFigures {
  rows: number;
  exportRowsPerSecond: number;
  /** JSON.parse + gzip + sha256 + write of the same pages, in this process. */
  limitRowsPerSecond: number;
  ratio: number;
  target: string;
  met: boolean;
}

interface ClinikoInfo {
  url: string;
  apiKey: string;
}

/**
 * The record path (HTTP from a simulator in its own process, page scan, NDJSON, gzip, sha256, file) in rows per
 * second, against the limit of what the same process does with the same pages when it only parses, gzips,
 * hashes and writes them. A ratio above the physical bound means the measurement is wrong, and fails.
 */
export async function benchRecordPath(
  rows: number,
  limitRows = Math.min(rows, 30_000),
): Promise<RecordPathFigures> {
  const sim = await startSimulatorProcess<ClinikoInfo>('cliniko', {
    rowsPerResource: { patients: rows },
    requestsPerMinute: 0,
    seed: 5,
    cacheRowText: true,
  });
  const dir = await mkdtemp(join(tmpdir(), 'bench-limit-'));
  try {
    const { catalog } = clinikoCatalog({
      apiKey: sim.info.apiKey,
      userAgent: USER_AGENT,
      baseUrl: new URL(sim.info.url),
      requestsPerMinute: 10_000_000,
      timeoutMs: 30_000,
    });
    // Reading every page first fills the simulator's row cache, so serving costs little during the export.
    const pages = await fetchPages(sim.info, rows, limitRows);
    const exported = await timedExport(catalog, { resources: ['patients'], concurrency: 1 });
    if (exported.rows !== rows) throw new Error(`record path exported ${exported.rows} of ${rows} rows`);
    const limit = await limitRowsPerSecond(pages, join(dir, 'limit.ndjson.gz'));
    const ratio = Math.round((exported.rowsPerSecond / limit) * 1000) / 1000;
    if (ratio > PHYSICAL_BOUND) {
      throw new Error(
        `record path ratio ${ratio} is above the physical bound ${PHYSICAL_BOUND}: the bench is wrong`,
      );
    }
    return {
      rows,
      exportRowsPerSecond: exported.rowsPerSecond,
      limitRowsPerSecond: Math.round(limit),
      ratio,
      target: `>= 0.8 (and <= ${PHYSICAL_BOUND}, the physical bound)`,
      met: ratio >= 0.8,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await sim.stop();
  }
}

/**
 * The pages the exporter reads, as the API sends them (keyset order, 100 rows, archived rows included): reads
 * `rows` and keeps the texts of the first `keep`.
 */
export async function fetchPages(sim: ClinikoInfo, rows: number, keep: number): Promise<string[]> {
  const headers = {
    authorization: `Basic ${Buffer.from(`${sim.apiKey}:`).toString('base64')}`,
    'user-agent': USER_AGENT,
    accept: 'application/json',
  };
  const pages: string[] = [];
  let after: string | undefined;
  for (let read = 0; read < rows; ) {
    const params = new URLSearchParams({ per_page: '100', sort: 'id' });
    params.append('q[]', 'archived_at:*');
    if (after) params.append('q[]', `id:>${after}`);
    const response = await fetch(`${sim.url}/patients?${params}`, { headers });
    if (!response.ok) throw new Error(`limit pages: HTTP ${response.status}`);
    const text = await response.text();
    const records = scanPage(text, 'limit page', 'patients', ['id']).records ?? [];
    if (records.length === 0) break;
    if (read < keep) pages.push(text);
    read += records.length;
    after = records.at(-1)?.fields.get('id');
  }
  return pages;
}

async function limitRowsPerSecond(pages: string[], file: string): Promise<number> {
  const out = createWriteStream(file);
  const gzip = createGzip();
  const hash = createHash('sha256');
  gzip.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    if (!out.write(chunk)) {
      gzip.pause();
      out.once('drain', () => gzip.resume());
    }
  });
  const ended = once(gzip, 'end');
  const started = performance.now();
  let rows = 0;
  for (const text of pages) {
    rows += (JSON.parse(text) as { patients: unknown[] }).patients.length;
    if (!gzip.write(Buffer.from(text, 'utf8'))) await once(gzip, 'drain');
  }
  gzip.end();
  await ended;
  hash.digest('hex');
  await new Promise<void>((done) => out.end(() => done()));
  return rows / ((performance.now() - started) / 1000);
}
