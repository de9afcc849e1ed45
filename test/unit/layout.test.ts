import { describe, expect, it } from 'vitest';
import {
  ACCESS_LOGS_PREFIX,
  ATHENA_RESULTS_ROOT,
  accountFolder,
  athenaResultsFolder,
  changeKey,
  checkFolder,
  copyManifestKeyOf,
  currentCopyManifestKey,
  currentFolder,
  currentManifestKey,
  currentParquetSymlinkFolder,
  currentParquetSymlinkKey,
  currentSchemaKey,
  currentSymlinkKey,
  currentVersionFolder,
  DEFAULT_OUTPUT_PREFIX,
  deletionMarkerFolder,
  deletionMarkerKey,
  deletionsDayFolder,
  deletionsFolder,
  deletionsPartsGlob,
  eventKey,
  expiresWithRuns,
  failureKey,
  failuresFolder,
  folderOfManifest,
  isRunPartName,
  manifestKey,
  pagerMemoryKey,
  parquetPartName,
  parseRunManifestKey,
  partKey,
  RUN_EXPIRY_TAG,
  realtimeChangeKey,
  realtimeEventKey,
  resourceFolder,
  runDayFolder,
  runEntryOf,
  runFolder,
  runMemoryFolder,
  runPartsGlob,
  stateFolder,
  stateKey,
  subscriptionKey,
  v1ChangeKey,
  v1EventKey,
  versionFolderName,
  versionOfPath,
  WEBHOOK_FOLDERS,
  webhookDayFolder,
  welkinChangesFolder,
} from '../../shared/layout/index.js';

// Readers (Athena tables, DuckDB recipes, retention, deployed data) depend on these exact keys: a change here
// moves data that is already stored.
const STARTED = '2026-12-01T08:30:00.000Z';
const RUN = '20261201T083000Z-a1b2c3';
const AT = new Date(STARTED);

describe('the layout pins one key per family', () => {
  it('runs and their parts and manifests', () => {
    const folder = runFolder('cliniko', 'patients', STARTED, RUN);
    expect(resourceFolder('cliniko', 'patients')).toBe('cliniko/patients');
    expect(runDayFolder('cliniko', 'patients', '2026-12-01')).toBe('cliniko/patients/dt=2026-12-01');
    expect(folder).toBe(`cliniko/patients/dt=2026-12-01/run=${RUN}`);
    expect(partKey(folder, 0, true)).toBe(`${folder}/part-00000.ndjson.gz`);
    expect(partKey(folder, 12, false)).toBe(`${folder}/part-00012.ndjson`);
    expect(manifestKey(folder)).toBe(`${folder}/_manifest.json`);
    expect(copyManifestKeyOf(folder)).toBe(`${folder}/_copy_manifest.json`);
    expect(folderOfManifest(manifestKey(folder))).toBe(folder);
    expect(parseRunManifestKey(manifestKey(folder))).toEqual({ folder, runId: RUN });
    expect(parseRunManifestKey(currentManifestKey('cliniko', 'patients'))).toBeUndefined();
    expect(runEntryOf('cliniko/patients/dt=2026-12-01', `${folder}/_manifest.json`)).toEqual({
      runId: RUN,
      name: '_manifest.json',
    });
    expect(runEntryOf('cliniko/patients/dt=2026-12-01', `${folder}/x/part-00000.ndjson.gz`)).toBeUndefined();
    expect(isRunPartName('part-00000.ndjson.gz')).toBe(true);
    expect(isRunPartName('_manifest.json')).toBe(false);
    expect(runPartsGlob('welkin', 'patients')).toBe('welkin/patients/dt=*/run=*/*.ndjson.gz');
  });

  it('the current state: versions, manifests, symlinks, schema, Parquet parts', () => {
    const current = 'welkin/patients/current';
    expect(currentFolder('welkin', 'patients')).toBe(current);
    expect(versionFolderName(RUN)).toBe(`v=${RUN}`);
    expect(currentVersionFolder('welkin', 'patients', RUN)).toBe(`${current}/v=${RUN}`);
    expect(versionOfPath(`v=${RUN}/part-00000.ndjson.gz`)).toBe(`v=${RUN}`);
    expect(currentManifestKey('welkin', 'patients')).toBe(`${current}/_manifest.json`);
    expect(currentCopyManifestKey('welkin', 'patients')).toBe(`${current}/_copy_manifest.json`);
    expect(currentSymlinkKey('welkin', 'patients')).toBe(`${current}/_symlink/symlink.txt`);
    expect(currentParquetSymlinkFolder('welkin', 'patients')).toBe(`${current}/_symlink_parquet`);
    expect(currentParquetSymlinkKey('welkin', 'patients')).toBe(`${current}/_symlink_parquet/symlink.txt`);
    expect(currentSchemaKey('welkin', 'patients')).toBe(`${current}/_schema.json`);
    expect(parquetPartName(3)).toBe('part-00003.parquet');
  });

  it('tombstones', () => {
    expect(deletionsDayFolder('cliniko', 'patients', '2026-12-01')).toBe(
      'cliniko/patients/deletions/dt=2026-12-01',
    );
    expect(deletionsFolder('cliniko', 'patients', STARTED, RUN)).toBe(
      `cliniko/patients/deletions/dt=2026-12-01/run=${RUN}`,
    );
    expect(deletionsPartsGlob('cliniko', 'patients')).toBe(
      'cliniko/patients/deletions/dt=*/run=*/*.ndjson.gz',
    );
  });

  it('state, pager memory, check probes and failure records', () => {
    expect(stateFolder('welkin-v1')).toBe('_state/welkin-v1');
    expect(stateKey('cliniko', 'patients')).toBe('_state/cliniko/patients.json');
    expect(runMemoryFolder('welkin', 'patients', RUN)).toBe(`_state/welkin/runs/patients/${RUN}`);
    expect(pagerMemoryKey('welkin', 'patients', RUN, 500)).toBe(
      `_state/welkin/runs/patients/${RUN}/emitted-500.json`,
    );
    expect(checkFolder('cliniko')).toBe('_state/cliniko/_check');
    expect(failuresFolder()).toBe('_failures');
    expect(failureKey('cliniko', '2026-12-01', 'exec-1')).toBe('_failures/cliniko/dt=2026-12-01/exec-1.json');
  });

  it('account folders and the bucket level', () => {
    expect(accountFolder('main')).toBe('account=main');
    expect(DEFAULT_OUTPUT_PREFIX).toBe('snapshots');
    expect(ATHENA_RESULTS_ROOT).toBe('athena-results');
    expect(athenaResultsFolder('analyst')).toBe('athena-results/analyst');
    expect(ACCESS_LOGS_PREFIX).toBe('snapshots/');
  });

  it('webhook folders', () => {
    expect(Object.values(WEBHOOK_FOLDERS).sort()).toEqual([
      'welkin-changes',
      'welkin-events',
      'welkin-v1-changes',
      'welkin-v1-deletions',
      'welkin-v1-events',
      'welkin-v1-realtime',
    ]);
    expect(eventKey(AT, 'k1')).toBe('welkin-events/dt=2026-12-01/k1.json');
    expect(changeKey('Patient', AT, 'k1')).toBe('welkin-changes/patient/dt=2026-12-01/k1.ndjson');
    expect(changeKey('../x', AT, 'k1')).toBe('welkin-changes/unknown-entity/dt=2026-12-01/k1.ndjson');
    expect(welkinChangesFolder('CDT')).toBe('welkin-changes/cdt');
    expect(v1EventKey(AT, 'k1')).toBe('welkin-v1-events/dt=2026-12-01/k1.json');
    expect(v1ChangeKey('patients', AT, 'k1', 2)).toBe('welkin-v1-changes/patients/dt=2026-12-01/k1-2.ndjson');
    expect(realtimeChangeKey('patients', AT, 'k1')).toBe(
      'welkin-v1-changes/patients/dt=2026-12-01/k1.ndjson',
    );
    expect(realtimeEventKey(AT, 'k1')).toBe('welkin-v1-realtime/events/dt=2026-12-01/k1.json');
    expect(subscriptionKey('a:b/c')).toBe('welkin-v1-realtime/subscriptions/a_b_c.json');
    expect(deletionMarkerFolder('patients')).toBe('welkin-v1-deletions/patients');
    expect(deletionMarkerKey('patients', AT, 'k1')).toBe(
      'welkin-v1-deletions/patients/dt=2026-12-01/k1.json',
    );
    expect(webhookDayFolder('welkin-changes/patient', '2026-12-01')).toBe(
      'welkin-changes/patient/dt=2026-12-01',
    );
  });

  it('retention expires run files only, never the current state, tombstones or state', () => {
    expect(RUN_EXPIRY_TAG).toEqual({ key: 'clinic-pipe-retention', value: 'run' });
    const folder = runFolder('cliniko', 'patients', STARTED, RUN);
    expect(expiresWithRuns(`${accountFolder('main')}/${partKey(folder, 0, true)}`)).toBe(true);
    expect(expiresWithRuns(manifestKey(folder))).toBe(true);
    expect(
      expiresWithRuns(`${deletionsFolder('cliniko', 'patients', STARTED, RUN)}/part-00000.ndjson.gz`),
    ).toBe(false);
    expect(expiresWithRuns(`${currentVersionFolder('cliniko', 'patients', RUN)}/part-00000.ndjson.gz`)).toBe(
      false,
    );
    expect(expiresWithRuns(stateKey('cliniko', 'patients'))).toBe(false);
  });
});
