import { readCurrentManifest } from '../../shared/current-state/publish-current-state.js';
import { EXPORTER_NODE_OPTIONS } from '../../shared/lambda/runtime-options.js';
import { accountFolder, manifestKey, runFolder } from '../../shared/layout/index.js';
import type { Manifest } from '../../shared/output/manifest.js';
import { NdjsonPartWriter } from '../../shared/output/ndjson-part-writer.js';
import { S3Sink } from '../../shared/output/s3-sink.js';
import type { Sink } from '../../shared/output/sink.js';
import { startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { startLocalS3 } from '../local/local-s3.js';
import { bundleHandler } from './bundle.js';
import { runChild } from './bundled-run.js';

export interface CurrentStateStep {
  step: string;
  /** Lines read: the previous current state plus the runs merged. */
  rowsIn: number;
  /** Records in the published current state. */
  rowsOut: number;
  deleted: number;
  seconds: number;
  rowsPerSecond: number;
  maxRssMb: number;
}

export interface CurrentStateFigures {
  steps: CurrentStateStep[];
  /** API requests seen by the simulator whose URL and key the step's process was given. */
  apiRequestsDuringSteps: number;
}

const PREFIX = `snapshots/${accountFolder('main')}`;
const BASE_ID = 1_200_150_000_000_000_000n;

/**
 * The current-state step for `rows` patients, bundled as it ships and run under the Lambda flags in a process
 * of its own, reading runs from and writing to a real S3-protocol server: a first build, a weekly full run
 * over it (1% edited, 1% deleted, 1% new), then a nightly incremental (1% edited).
 */
export async function benchCurrentState(rows: number): Promise<CurrentStateFigures> {
  const bundle = await bundleHandler('scripts/bench/current-state/index.ts', '.bench');
  const s3 = await startLocalS3(['bench']);
  const { endpoint, client } = s3;
  const sink = new S3Sink({ client, bucket: 'bench', prefix: PREFIX });
  const sim = await startClinikoSimulator({ rowsPerResource: { patients: 10 }, requestsPerMinute: 0 });
  const env = {
    OUTPUT_BUCKET: 'bench',
    OUTPUT_PREFIX: 'snapshots',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_S3: endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    CLINIKO_BASE_URL: sim.url,
    CLINIKO_API_KEY: sim.apiKey,
    NODE_OPTIONS: EXPORTER_NODE_OPTIONS,
    ...(process.env.BENCH_TRACE ? { BENCH_TRACE: '1' } : {}),
  };
  const steps: CurrentStateStep[] = [];
  const measure = async (step: string, rowsIn: number) => {
    const line = await runChild(
      bundle,
      { source: 'cliniko', resource: 'patients', subPrefix: accountFolder('main') },
      env,
    );
    if (!line.ok) throw new Error(`current-state step failed: ${line.error}`);
    const manifest = await readCurrentManifest(sink, 'cliniko', 'patients');
    const deleted = manifest?.deletedCount ?? 0;
    steps.push({
      step,
      rowsIn,
      rowsOut: line.rows,
      deleted,
      seconds: round(line.seconds),
      rowsPerSecond: Math.round(line.rows / line.seconds),
      maxRssMb: Math.round(line.maxRssMb),
    });
    return { rows: line.rows, deleted };
  };
  try {
    const requestsBefore = sim.stats().requests;
    const onePercent = Math.max(1, Math.floor(rows / 100));
    const all = Array.from({ length: rows }, (_, index) => index);
    await writeRun(sink, 'full', all, 0, new Date(Date.now() - 3 * 60_000));
    const first = await measure('first build (full run)', rows);
    const kept = all.slice(onePercent);
    const added = Array.from({ length: onePercent }, (_, index) => rows + index);
    await writeRun(sink, 'full', [...kept, ...added], onePercent, new Date(Date.now() - 2 * 60_000));
    const full = await measure('weekly full run over it', first.rows + kept.length + added.length);
    await writeRun(sink, 'incremental', kept.slice(0, onePercent), 2, new Date(Date.now() - 60_000));
    const nightly = await measure('nightly incremental over it', full.rows + onePercent);
    if (first.rows !== rows || full.rows !== rows || full.deleted !== onePercent || nightly.rows !== rows)
      throw new Error(`current state counts are wrong: ${JSON.stringify(steps)}`);
    return { steps, apiRequestsDuringSteps: sim.stats().requests - requestsBefore };
  } finally {
    await sim.stop();
    await s3.stop();
  }
}

/** A completed run as the exporter leaves it: parts, then the manifest. Records are Cliniko-sized patients. */
export async function writeRun(
  sink: Sink,
  mode: 'full' | 'incremental',
  indexes: number[],
  revision: number,
  startedAt: Date,
) {
  const runId = `${startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')}-${String(revision).padStart(6, '0')}`;
  const folder = runFolder('cliniko', 'patients', startedAt.toISOString(), runId);
  const writer = new NdjsonPartWriter({ sink, folder, compress: true, maxPartBytes: 64 * 1024 * 1024 });
  for (let start = 0; start < indexes.length; start += 2_000)
    await writer.writeLines(indexes.slice(start, start + 2_000).map((index) => patientLine(index, revision)));
  const files = await writer.close();
  const manifest: Manifest = {
    source: 'cliniko',
    resource: 'patients',
    runId,
    mode,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + 30_000).toISOString(),
    recordCount: indexes.length,
    watermark: startedAt.toISOString(),
    files,
  };
  await sink.putText(manifestKey(folder), `${JSON.stringify(manifest, null, 2)}\n`);
}

function patientLine(index: number, revision: number): string {
  const id = (BASE_ID + BigInt(index) * 7n).toString();
  const updated = new Date(Date.UTC(2026, 0, 1) + index * 1000 + revision * 86_400_000).toISOString();
  return (
    `{"id":${id},"created_at":"2021-03-24T15:42:45Z","updated_at":"${updated}","archived_at":null,"deleted_at":null,` +
    `"title":"Mr","first_name":"Aarav ${index % 997}","last_name":"Patel","email":"patient.${index}@example.com",` +
    `"phone_numbers":[{"number":"04${String(index).padStart(8, '0')}","phone_type":"Mobile"}],"date_of_birth":"2007-12-06",` +
    `"address_1":"${index % 400} Queen St","city":"Perth","state":"ACT","post_code":"3769","country":"Australia",` +
    `"notes":"Ünïcödé ✓ revision ${revision}","medicare":"2031236801","links":{"self":"https://api.au1.cliniko.com/v1/patients/${id}"}}`
  );
}

/**
 * Against the bounds: every step's peak RSS <= 160 MB, its rows/s >= 5x the export's rows/s (the export timed
 * just before and just after the steps, the mean taken: the machine's load moves both), no API request. Since
 * the step also writes `_schema.json` and the Parquet copy, issue 20 bounds it at >= 1x the export's rows/s
 * (it must never be what a run waits for), also reported.
 */
export function currentStateFigures(
  figures: CurrentStateFigures,
  exports: readonly { rowsPerSecond: number }[],
) {
  const exportRowsPerSecond = Math.round(
    exports.reduce((sum, item) => sum + item.rowsPerSecond, 0) / exports.length,
  );
  const steps = figures.steps.map((step) => ({
    ...step,
    vsExportRatio: round(step.rowsPerSecond / exportRowsPerSecond),
    rssVsLimitRatio: round(step.maxRssMb / 160),
  }));
  return {
    exportRowsPerSecond,
    steps,
    apiRequestsDuringSteps: figures.apiRequestsDuringSteps,
    target: 'each step: rows/s >= 5x the export (vsExportRatio >= 5), peak RSS <= 160 MB; 0 API requests',
    met:
      figures.apiRequestsDuringSteps === 0 &&
      steps.every((step) => step.vsExportRatio >= 5 && step.rssVsLimitRatio <= 1),
    withParquet: {
      target:
        'each step (NDJSON + _schema.json + Parquet): rows/s >= the export (vsExportRatio >= 1), peak RSS <= 160 MB',
      met: steps.every((step) => step.vsExportRatio >= 1 && step.rssVsLimitRatio <= 1),
    },
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
