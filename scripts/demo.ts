/**
 * `npm start`: the whole product on this machine with nothing to configure. Starts the local Cliniko and
 * Welkin simulators, exports every resource of both to ./out/demo, sends a Welkin webhook notice through the
 * local receiver (which pulls the changed record), and queries the result with DuckDB. Nothing is left outside
 * the output folder: the Welkin token lives in a scratch folder removed at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseEnv } from '../shared/config-error.js';
import { LocalSink } from '../shared/output/local-sink.js';
import { startClinikoSimulator } from '../simulators/cliniko/index.js';
import { startWelkinSimulator } from '../simulators/welkin/index.js';
import { demoEnvSchema } from './demo/demo-env.js';
import { runWebhookDemo } from './demo/webhook-demo.js';
import { runExportCli } from './export.js';

const OUT = resolve(parseEnv(demoEnvSchema, process.env).DEMO_OUT);
const DEMO_RATE = 1_200;

async function main(): Promise<number> {
  await rm(OUT, { recursive: true, force: true });
  // Token file and its renewal lease: in a folder of the demo's own, not the shared per-client file.
  const scratch = await mkdtemp(join(tmpdir(), 'clinic-pipe-demo-'));
  const tokenFile = join(scratch, 'welkin-token.json');
  const cliniko = await startClinikoSimulator({
    rowsPerResource: 120,
    requestsPerMinute: DEMO_RATE,
    seed: 7,
  });
  const welkin = await startWelkinSimulator({ rowsPerResource: 150, seed: 7 });
  const io = {
    err: (line: string) => process.stderr.write(`${line}\n`),
    out: (line: string) => process.stdout.write(`${line}\n`),
    errStream: process.stderr,
  };
  try {
    process.stdout.write(
      `Cliniko simulator on ${cliniko.url}, Welkin simulator on ${welkin.baseUrl}; writing to ${OUT}\n`,
    );
    const clinikoCode = await runExportCli(['cliniko', '--out', OUT, '--full'], {
      ...io,
      env: {
        ...process.env,
        CLINIKO_API_KEY: cliniko.apiKey,
        CLINIKO_USER_AGENT: 'Clinic Pipe Demo (demo@example.com)',
        CLINIKO_BASE_URL: cliniko.url,
        CLINIKO_REQUESTS_PER_MINUTE: String(DEMO_RATE),
      },
    });
    const welkinCode = await runExportCli(['welkin', '--out', OUT, '--full'], {
      ...io,
      env: {
        ...process.env,
        WELKIN_TENANT: welkin.tenant,
        WELKIN_INSTANCE: welkin.instance,
        WELKIN_CLIENT_NAME: welkin.clientName,
        WELKIN_CLIENT_SECRET: welkin.secret,
        WELKIN_BASE_URL: welkin.baseUrl,
        WELKIN_TOKEN_FILE: tokenFile,
      },
    });
    if (clinikoCode !== 0 || welkinCode !== 0) return 1;
    await runWebhookDemo(welkin, new LocalSink(OUT), (line) => process.stdout.write(`${line}\n`), tokenFile);
  } finally {
    await Promise.all([cliniko.stop(), welkin.stop()]);
    await rm(scratch, { recursive: true, force: true });
  }
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const queries = [
    `SELECT count(*) AS patients, count(DISTINCT id) AS distinct_ids, count(archived_at) AS archived, min(dt) AS dt ` +
      `FROM read_ndjson_auto('${OUT}/cliniko/patients/dt=*/run=*/*.ndjson.gz', hive_partitioning = true)`,
    `SELECT count(*) AS welkin_patients, count(DISTINCT id) AS distinct_ids, max(updatedAt) AS latest_update ` +
      `FROM read_ndjson_auto('${OUT}/welkin/patients/dt=*/run=*/*.ndjson.gz', hive_partitioning = true)`,
  ];
  const lines = [
    '',
    `Snapshots: ${OUT}/<source>/<resource>/dt=YYYY-MM-DD/run=<runId>/part-00000.ndjson.gz (+ _manifest.json)`,
  ];
  lines.push('Query them with DuckDB (ran these for you):');
  for (const query of queries) {
    const [row] = (await duck.runAndReadAll(query)).getRowObjectsJson();
    lines.push(`  ${query};`, `  -> ${JSON.stringify(row)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
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
