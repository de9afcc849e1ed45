/**
 * `npm start`: the whole product on this machine with nothing to configure. Starts the local API simulators,
 * exports every resource to ./out/demo, and shows how to query the result.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { startClinikoSimulator } from '../simulators/cliniko/index.js';
import { runExportCli } from './export.js';

const OUT = resolve(process.env.DEMO_OUT ?? 'out/demo');
const DEMO_RATE = 1_200;

async function main(): Promise<number> {
  await rm(OUT, { recursive: true, force: true });
  const cliniko = await startClinikoSimulator({
    rowsPerResource: 120,
    requestsPerMinute: DEMO_RATE,
    seed: 7,
  });
  const io = {
    err: (line: string) => process.stderr.write(`${line}\n`),
    out: (line: string) => process.stdout.write(`${line}\n`),
  };
  try {
    process.stdout.write(`Cliniko simulator on ${cliniko.url}; writing to ${OUT}\n`);
    const code = await runExportCli(['cliniko', '--out', OUT, '--full'], {
      ...io,
      env: {
        ...process.env,
        CLINIKO_API_KEY: cliniko.apiKey,
        CLINIKO_USER_AGENT: 'Clinic Pipe Demo (demo@example.com)',
        CLINIKO_BASE_URL: cliniko.url,
        CLINIKO_REQUESTS_PER_MINUTE: String(DEMO_RATE),
      },
    });
    if (code !== 0) return code;
  } finally {
    await cliniko.stop();
  }
  const query =
    `SELECT count(*) AS patients, count(DISTINCT id) AS distinct_ids, count(archived_at) AS archived, min(dt) AS dt ` +
    `FROM read_ndjson_auto('${OUT}/cliniko/patients/*/*/*.ndjson.gz', hive_partitioning = true)`;
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const [row] = (await duck.runAndReadAll(query)).getRowObjectsJson();
  process.stdout.write(
    [
      '',
      `Snapshots: ${OUT}/<source>/<resource>/dt=YYYY-MM-DD/run=<runId>/part-00000.ndjson.gz (+ _manifest.json)`,
      'Query them with DuckDB (ran it for you):',
      `  ${query};`,
      `  -> ${JSON.stringify(row)}`,
      '',
    ].join('\n'),
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
