import { beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYABLE, type Json, props, type SynthTemplate, synth } from './synth.js';

let t: SynthTemplate;
let tables: Json[];

beforeAll(() => {
  ({ template: t } = synth({ ...DEPLOYABLE, retentionDays: 400 }));
  tables = t.resourcesOf('AWS::Glue::Table').map(([, table]) => props(table).TableInput as Json);
});

function table(name: string): Json {
  const found = tables.find((x) => x.Name === name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
}

describe('tables right by default (issue 10)', () => {
  it('reads NDJSON with the Hive JSON SerDe (never OpenX) and the current state as Parquet', () => {
    expect(tables.length).toBeGreaterThan(50);
    for (const each of tables) {
      const current = JSON.stringify([each.StorageDescriptor, each.Parameters]).includes('/current/');
      expect(each.StorageDescriptor).toMatchObject({
        SerdeInfo: {
          SerializationLibrary: current
            ? 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
            : 'org.apache.hive.hcatalog.data.JsonSerDe',
        },
      });
    }
  });

  it('gives welkin_programs the columns of a program definition, which has no id', () => {
    expect((table('welkin_programs').StorageDescriptor as Json).Columns).toEqual([
      { Name: 'name', Type: 'string' },
      { Name: 'title', Type: 'string' },
      { Name: 'description', Type: 'string' },
    ]);
  });

  it('locates <source>_<resource> at the Parquet symlink, so it reads one complete version, typed', () => {
    const patients = table('cliniko_patients');
    expect(patients.StorageDescriptor).toMatchObject({
      InputFormat: 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat',
      Columns: [
        { Name: 'id', Type: 'bigint' },
        { Name: 'created_at', Type: 'timestamp' },
        { Name: 'updated_at', Type: 'timestamp' },
        { Name: 'archived_at', Type: 'timestamp' },
      ],
    });
    expect(patients.PartitionKeys).toEqual([{ Name: 'account', Type: 'string' }]);
    const params = patients.Parameters as Json;
    expect(params.classification).toBe('parquet');
    expect(params['projection.account.values']).toBe('main,north');
    expect(JSON.stringify(params['storage.location.template'])).toContain(
      `/snapshots/account=\${account}/cliniko/patients/current/_symlink_parquet/`,
    );
    const welkin = table('welkin_patients');
    expect(welkin.PartitionKeys).toEqual([]);
    expect(JSON.stringify((welkin.StorageDescriptor as Json).Location)).toContain(
      '/snapshots/welkin/patients/current/_symlink_parquet/',
    );
    // Camel-case keys become snake_case columns in the Parquet copy.
    expect((welkin.StorageDescriptor as Json).Columns).toContainEqual({
      Name: 'updated_at',
      Type: 'timestamp',
    });
    // The runs keep reading NDJSON: the Hive SerDe matches lowercased keys.
    expect((table('welkin_patients_runs').StorageDescriptor as Json).Columns).toContainEqual({
      Name: 'updatedat',
      Type: 'string',
    });
  });

  it("lets each export function update only its own tables' columns", () => {
    const statements = t
      .resourcesOf('AWS::IAM::Policy')
      .flatMap(([, policy]) => ((props(policy).PolicyDocument as Json).Statement as Json[]) ?? [])
      .filter((statement) => statement.Sid === 'UpdateOwnTableColumns');
    expect(statements.length).toBeGreaterThanOrEqual(3);
    for (const statement of statements) {
      expect(statement.Action).toEqual(['glue:GetTable', 'glue:UpdateTable']);
      const resources = JSON.stringify(statement.Resource);
      expect(resources).toMatch(/table\/testpipe\/(cliniko|welkin|welkin_v1)_\*/);
    }
  });

  it('keeps raw runs queryable as <source>_<resource>_runs with the run id a column, completed runs only', () => {
    const runs = table('cliniko_patients_runs');
    expect(runs.PartitionKeys).toEqual([
      { Name: 'account', Type: 'string' },
      { Name: 'dt', Type: 'string' },
      { Name: 'run', Type: 'string' },
    ]);
    // Not projected: the state machine registers a run's folder once its manifest exists.
    expect((runs.Parameters as Json)['projection.enabled']).toBeUndefined();
    const inner = t.innerStatesOf('ClinikoExportFlow');
    const publish = (inner.PublishEachResult as Json).ItemProcessor as {
      StartAt: string;
      States: Record<string, Json>;
    };
    expect(publish.StartAt).toBe('DescribeSnapshot');
    expect(publish.States.DescribeSnapshot?.Next).toBe('ReadRunsTable');
    expect(publish.States.RegisterRunPartition).toMatchObject({
      Resource: 'arn:<ref>:states:::aws-sdk:glue:createPartition',
      Parameters: { DatabaseName: 'testpipe', 'TableName.$': '$.partition.table' },
      Catch: [{ ErrorEquals: ['Glue.AlreadyExistsException'], Next: 'PublishSnapshotCompleted' }],
    });
    const describe = publish.States.DescribeSnapshot?.Output as string;
    expect(describe).toContain("'cliniko_' & $r.resource & '_runs'");
    expect(describe).toContain('[$states.input.account, $dt, $r.runId]');
  });

  it('publishes SnapshotCompleted with the run, COPY and current manifests as s3 URLs', () => {
    const publish = (
      (t.innerStatesOf('WelkinExportFlow').PublishEachResult as Json).ItemProcessor as {
        States: Record<string, Json>;
      }
    ).States;
    const describe = publish.DescribeSnapshot?.Output as string;
    for (const field of [
      'manifestUrl',
      'copyManifestUrl',
      'currentManifestUrl',
      'currentCopyManifestUrl',
      'currentSchemaUrl',
      'currentParquetSymlinkUrl',
      'schemaChanges',
    ]) {
      expect(describe).toContain(`"${field}"`);
    }
    expect(describe).toContain(
      "($exists($r.currentManifestKey) ? 's3://<ref>/' & $r.currentManifestKey : null)",
    );
    const entry = (((publish.PublishSnapshotCompleted as Json).Parameters as Json).Entries as Json[])[0];
    expect(entry).toMatchObject({
      DetailType: 'SnapshotCompleted',
      Source: 'clinic-pipe',
      'Detail.$': '$.detail',
    });
  });

  it('catalogs tombstones per source with projected resource and day', () => {
    const deletions = table('welkin_deletions');
    expect(deletions.PartitionKeys).toEqual([
      { Name: 'resource', Type: 'string' },
      { Name: 'dt', Type: 'string' },
    ]);
    expect(JSON.stringify((deletions.Parameters as Json)['storage.location.template'])).toContain(
      `/snapshots/welkin/\${resource}/deletions/dt=\${dt}/`,
    );
    expect((deletions.StorageDescriptor as Json).Columns).toEqual([
      { Name: 'id', Type: 'string' },
      { Name: '_deleted_at', Type: 'string' },
      { Name: '_run_id', Type: 'string' },
    ]);
  });
});

describe('full runs and retention (issue 10)', () => {
  it('schedules a weekly full run besides the nightly incremental, per account', () => {
    const inputs = t.resourcesOf('AWS::Scheduler::Schedule').map(([, s]) => {
      const p = props(s);
      return [p.ScheduleExpression, (p.Target as Json).Input];
    });
    expect(inputs).toEqual(
      expect.arrayContaining([
        // On the full run's day the full run replaces the incremental (issue 19).
        ['cron(0 3 ? * MON,TUE,WED,THU,FRI,SAT *)', JSON.stringify({ account: 'main', mode: 'incremental' })],
        ['cron(0 1 ? * SUN *)', JSON.stringify({ account: 'main', mode: 'full' })],
        [
          'cron(30 2 ? * MON,TUE,WED,THU,FRI,SAT *)',
          JSON.stringify({ account: 'north', mode: 'incremental' }),
        ],
        ['cron(0 1 ? * SUN *)', JSON.stringify({ account: 'north', mode: 'full' })],
        ['cron(0 4 ? * MON,TUE,WED,THU,FRI,SAT *)', JSON.stringify({ mode: 'incremental' })],
        ['cron(30 1 ? * SUN *)', JSON.stringify({ mode: 'full' })],
      ]),
    );
  });

  it('expires run folders only, never the current state or the tombstones', () => {
    const [, bucket] = t.resourcesOf('AWS::S3::Bucket').find(([id]) => id.includes('Snapshots')) as [
      string,
      Json,
    ];
    const rules = ((props(bucket).LifecycleConfiguration as Json).Rules as Json[]).filter(
      (r) => r.ExpirationInDays,
    );
    // Run folders: one rule on the tag every run file is written with (issue 19: rules do not grow).
    const tagged = rules.filter((r) => r.TagFilters);
    expect(tagged).toEqual([
      expect.objectContaining({
        ExpirationInDays: 400,
        TagFilters: [{ Key: 'clinic-pipe-retention', Value: 'run' }],
      }),
    ]);
    expect(tagged[0]?.Prefix).toBeUndefined();
    const prefixes = rules.filter((r) => !r.TagFilters).map((r) => r.Prefix as string);
    expect(prefixes).toContain('snapshots/welkin-events/');
    expect(prefixes).toContain('snapshots/welkin-v1-events/');
    for (const prefix of prefixes) {
      if (prefix.includes('athena-results')) continue;
      expect(prefix).toMatch(/^snapshots\/welkin(-v1)?-(events|changes|realtime|deletions)\/$/);
    }
  });
});
