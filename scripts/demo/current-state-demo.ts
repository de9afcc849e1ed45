import { DuckDBInstance } from '@duckdb/node-api';
import { readCurrentManifest } from '../../shared/current-state/publish-current-state.js';
import { currentFolder, deletionsPartsGlob, MANIFEST_NAME } from '../../shared/layout/index.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { joinKey } from '../../shared/output/sink.js';
import { type ClinikoSimulator, startClinikoSimulator } from '../../simulators/cliniko/index.js';
import { type CliIo, runExportCli } from '../export.js';

export interface CurrentStateDemoOptions {
  out: string;
  /** The same rows and seed as the demo's first full export: the simulator starts with the data exported. */
  rows: number;
  seed: number;
  rate: number;
  io: Omit<CliIo, 'env'>;
  print: (line: string) => void;
}

/**
 * The current state through a week of changes: after the full run the demo already made, patients are edited
 * and deleted in the simulator, an incremental run merges the edits (it never deletes), a full run finds the
 * deletions; then DuckDB reads the current state (the files its manifest lists) and the tombstones, and the
 * counts are checked against the simulator.
 */
export async function runCurrentStateDemo(options: CurrentStateDemoOptions): Promise<boolean> {
  const cliniko = await startClinikoSimulator({
    rowsPerResource: options.rows,
    seed: options.seed,
    requestsPerMinute: options.rate,
  });
  const env = {
    ...process.env,
    CLINIKO_API_KEY: cliniko.apiKey,
    CLINIKO_USER_AGENT: 'Clinic Pipe Demo (demo@example.com)',
    CLINIKO_BASE_URL: cliniko.url,
    CLINIKO_REQUESTS_PER_MINUTE: String(options.rate),
  };
  const exportCliniko = (args: string[]) =>
    runExportCli(['cliniko', '--out', options.out, ...args], { ...options.io, env });
  try {
    return await changeAndExport(cliniko, new LocalSink(options.out), exportCliniko, options.print);
  } finally {
    await cliniko.stop();
  }
}

async function changeAndExport(
  cliniko: ClinikoSimulator,
  sink: LocalSink,
  exportCliniko: (args: string[]) => Promise<number>,
  print: (line: string) => void,
): Promise<boolean> {
  const ids = cliniko.everPresentIds('patients');
  const edited = ids.slice(5, 10);
  const deleted = ids.slice(20, 24);
  for (const id of edited) cliniko.touch('patients', id);
  for (const id of deleted) cliniko.remove('patients', id);
  print(`\nCurrent state: edited ${edited.length} and deleted ${deleted.length} patients in the simulator.`);
  // Incremental windows end at the run's start, to the second: let the edits fall inside the next window.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  if ((await exportCliniko(['--resources', 'patients'])) !== 0) return false;
  const afterIncremental = await readCurrentManifest(sink, 'cliniko', 'patients');
  print(
    `  incremental run: current state ${afterIncremental?.recordCount} patients, ${afterIncremental?.deletedCount} deleted (incremental runs never delete)`,
  );
  if ((await exportCliniko(['--resources', 'patients', '--full'])) !== 0) return false;
  const current = await readCurrentManifest(sink, 'cliniko', 'patients');
  if (!current) return false;
  print(
    `  full run: current state ${current.recordCount} patients, ${current.deletedCount} tombstones written`,
  );
  return queryCurrentState(
    sink,
    current.files.map((file) => file.path),
    cliniko,
    deleted.length,
    print,
  );
}

async function queryCurrentState(
  sink: LocalSink,
  paths: string[],
  cliniko: ClinikoSimulator,
  deletedCount: number,
  print: (line: string) => void,
): Promise<boolean> {
  const current = currentFolder('cliniko', 'patients');
  const files = paths.map((path) => `'${sink.location}/${joinKey(current, path)}'`).join(', ');
  const queries = [
    `SELECT count(*) AS patients, count(DISTINCT id) AS distinct_ids, count(archived_at) AS archived ` +
      `FROM read_ndjson_auto([${files}])`,
    `SELECT count(*) AS tombstones, min(_deleted_at) AS first_detected ` +
      `FROM read_ndjson_auto('${sink.location}/${deletionsPartsGlob('cliniko', 'patients')}')`,
  ];
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  print(`  Query the current state (the files its ${MANIFEST_NAME} lists) and the tombstones with DuckDB:`);
  const rows: Record<string, unknown>[] = [];
  for (const query of queries) {
    const [row] = (await duck.runAndReadAll(query)).getRowObjectsJson();
    rows.push(row ?? {});
    print(`  ${query};`);
    print(`  -> ${JSON.stringify(row)}`);
  }
  const live = cliniko.everPresentIds('patients').length;
  const exact = Number(rows[0]?.patients) === live && Number(rows[0]?.distinct_ids) === live;
  const tombstonesExact = Number(rows[1]?.tombstones) === deletedCount;
  print(
    `  simulator: ${live} patients exist, ${deletedCount} deleted -> current state ${exact ? 'exact' : 'WRONG'}, tombstones ${tombstonesExact ? 'exact' : 'WRONG'}`,
  );
  return exact && tombstonesExact;
}
