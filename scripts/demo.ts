/**
 * `npm start`: the whole product on this machine with nothing to configure. Starts each registered source's
 * local simulator, exports every resource of it to ./out/demo, sends a Welkin webhook notice through the local
 * receiver (which pulls the changed record) and a signed Welkin v1 notification (pulled through the Find pager), and queries the result with DuckDB. Nothing is left outside the
 * output folder: token files live in a scratch folder removed at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseEnv } from '../shared/config-error.js';
import { MANIFEST_NAME, partKey, runFolder, runPartsGlob } from '../shared/layout/index.js';
import { LocalSink } from '../shared/output/local-sink.js';
import { SOURCES } from '../shared/sources/registry.js';
import { SIMULATORS } from '../simulators/registry.js';
import { startWelkinSimulator } from '../simulators/welkin/index.js';
import { runCurrentStateDemo } from './demo/current-state-demo.js';
import { demoEnvSchema } from './demo/demo-env.js';
import { runWebhookDemo } from './demo/webhook-demo.js';
import { runWelkinV1WebhookDemo } from './demo/welkin-v1-webhook-demo.js';
import { runExportCli } from './export.js';

const OUT = resolve(parseEnv(demoEnvSchema, process.env).DEMO_OUT);
const DEMO_RATE = 1_200;
const DEMO_ROWS = 120;
const DEMO_SEED = 7;

const io = {
  err: (line: string) => process.stderr.write(`${line}\n`),
  out: (line: string) => process.stdout.write(`${line}\n`),
  errStream: process.stderr,
};

/** Exports every resource of one source from its simulator; the CLI's exit code. */
async function exportFromSimulator(name: string, scratchDir: string): Promise<number> {
  const start = SIMULATORS[name];
  if (!start) throw new Error(`no simulator for source ${name} (simulators/registry.ts)`);
  const sim = await start({
    rowsPerResource: DEMO_ROWS,
    seed: DEMO_SEED,
    requestsPerMinute: DEMO_RATE,
    scratchDir,
  });
  try {
    process.stdout.write(`${name}: simulator on loopback; writing to ${OUT}\n`);
    return await runExportCli([name, '--out', OUT, '--full'], { ...io, env: { ...process.env, ...sim.env } });
  } finally {
    await sim.stop();
  }
}

/** The webhook path, against a Welkin simulator of its own (the notice pulls one record back). */
async function webhookFromSimulator(scratchDir: string): Promise<void> {
  const welkin = await startWelkinSimulator({ rowsPerResource: DEMO_ROWS, seed: DEMO_SEED });
  try {
    const say = (line: string) => process.stdout.write(`${line}\n`);
    await runWebhookDemo(welkin, new LocalSink(OUT), say, join(scratchDir, 'welkin-webhook-token.json'));
  } finally {
    await welkin.stop();
  }
}

async function main(): Promise<number> {
  await rm(OUT, { recursive: true, force: true });
  const scratch = await mkdtemp(join(tmpdir(), 'clinic-pipe-demo-'));
  try {
    for (const source of SOURCES) {
      if ((await exportFromSimulator(source.name, scratch)) !== 0) return 1;
    }
    await webhookFromSimulator(scratch);
    await runWelkinV1WebhookDemo(new LocalSink(OUT), (line) => process.stdout.write(`${line}\n`));
    // The same simulated clinic, changed: edits and deletes, an incremental and a full run, DuckDB counts.
    const say = (line: string) => process.stdout.write(`${line}\n`);
    const exact = await runCurrentStateDemo({
      out: OUT,
      rows: DEMO_ROWS,
      seed: DEMO_SEED,
      rate: DEMO_RATE,
      io,
      print: say,
    });
    if (!exact) return 1;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const queries = [
    `SELECT count(*) AS patients, count(DISTINCT id) AS distinct_ids, count(archived_at) AS archived, min(dt) AS dt ` +
      `FROM read_ndjson_auto('${OUT}/${runPartsGlob('cliniko', 'patients')}', hive_partitioning = true)`,
    `SELECT count(*) AS welkin_patients, count(DISTINCT id) AS distinct_ids, max(updatedAt) AS latest_update ` +
      `FROM read_ndjson_auto('${OUT}/${runPartsGlob('welkin', 'patients')}', hive_partitioning = true)`,
    `SELECT count(*) AS welkin_v1_patients, count(DISTINCT id) AS distinct_ids, max(updated_at) AS latest_update ` +
      `FROM read_ndjson_auto('${OUT}/${runPartsGlob('welkin-v1', 'patients')}', hive_partitioning = true)`,
  ];
  const lines = [
    '',
    `Snapshots: ${OUT}/${partKey(runFolder('<source>', '<resource>', 'YYYY-MM-DD', '<runId>'), 0, true)} (+ ${MANIFEST_NAME})`,
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
