import {
  ConcurrentModificationException,
  GetTableCommand,
  GlueClient,
  type Table,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { GlueTableSync, TableSyncError } from '../../shared/current-state/glue-tables.js';
import { resolveSchema, SchemaCollector } from '../../shared/current-state/schema-collector.js';

const glue = mockClient(GlueClient);
afterEach(() => glue.reset());

function schemaOf(lines: string[]) {
  const collector = new SchemaCollector();
  for (const line of lines) collector.add(line, 'test');
  return resolveSchema(
    { source: 'welkin-v1', resource: 'patients', runId: 'r1', recordCount: collector.records },
    collector.observed(),
    undefined,
  );
}

function tableOf(name: string, columns: [string, string][], parquet: boolean): Table {
  return {
    Name: name,
    DatabaseName: 'pipe',
    VersionId: '7',
    TableType: 'EXTERNAL_TABLE',
    Parameters: { classification: parquet ? 'parquet' : 'json', 'projection.enabled': 'true' },
    PartitionKeys: [{ Name: 'account', Type: 'string' }],
    StorageDescriptor: {
      Location: `s3://bucket/${name}/`,
      SerdeInfo: { SerializationLibrary: parquet ? 'ParquetHiveSerDe' : 'JsonSerDe' },
      Columns: columns.map(([Name, Type]) => ({ Name, Type })),
    },
  };
}

const SCHEMA = schemaOf([
  '{"id":"a1","firstName":"Ann","updatedAt":"2026-12-01T00:00:00Z","visits":3,"account":"x","tags":["v"],"gone":null}',
]);

describe('Glue tables follow the discovered schema', () => {
  it('adds and retypes columns, keeping partitions, settings and the version read', async () => {
    glue
      .on(GetTableCommand, { Name: 'welkin_v1_patients' })
      .resolves({
        Table: tableOf(
          'welkin_v1_patients',
          [
            ['id', 'string'],
            ['updated_at', 'string'],
            ['old', 'string'],
            ['gone', 'timestamp'],
          ],
          true,
        ),
      })
      .on(GetTableCommand, { Name: 'welkin_v1_patients_runs' })
      .resolves({ Table: tableOf('welkin_v1_patients_runs', [['id', 'string']], false) });
    glue.on(UpdateTableCommand).resolves({});

    const updated = await new GlueTableSync(new GlueClient({}), 'pipe').afterPublish(
      'welkin-v1',
      'patients',
      SCHEMA,
    );

    expect(updated).toEqual(['welkin_v1_patients', 'welkin_v1_patients_runs']);
    const [current, runs] = glue.commandCalls(UpdateTableCommand).map((call) => call.args[0].input);
    expect(current?.VersionId).toBe('7');
    expect(current?.TableInput).toMatchObject({
      Name: 'welkin_v1_patients',
      PartitionKeys: [{ Name: 'account', Type: 'string' }],
      Parameters: { classification: 'parquet', 'projection.enabled': 'true' },
      StorageDescriptor: {
        Location: 's3://bucket/welkin_v1_patients/',
        SerdeInfo: { SerializationLibrary: 'ParquetHiveSerDe' },
      },
    });
    // Existing columns keep their place (a column the data lost stays), typed as the Parquet copy types them;
    // the key `account` got another name than the partition's.
    expect(current?.TableInput?.StorageDescriptor?.Columns).toEqual([
      { Name: 'id', Type: 'string' },
      { Name: 'updated_at', Type: 'timestamp' },
      { Name: 'old', Type: 'string' },
      // Null in every record here: another account's data may know its type, so it is not retyped.
      { Name: 'gone', Type: 'timestamp' },
      { Name: 'first_name', Type: 'string' },
      { Name: 'visits', Type: 'bigint' },
      { Name: 'account_2', Type: 'string' },
      { Name: 'tags', Type: 'string' },
    ]);
    // The NDJSON table: lowercased keys, ISO text as text, nested values and the partition's name left out.
    expect(runs?.TableInput?.StorageDescriptor?.Columns).toEqual([
      { Name: 'id', Type: 'string' },
      { Name: 'firstname', Type: 'string' },
      { Name: 'updatedat', Type: 'string' },
      { Name: 'visits', Type: 'bigint' },
      { Name: 'gone', Type: 'string' },
    ]);
  });

  it('leaves tables alone when their columns already match', async () => {
    glue
      .on(GetTableCommand, { Name: 'welkin_v1_patients' })
      .resolves({
        Table: tableOf(
          'welkin_v1_patients',
          SCHEMA.fields.map((field) => [field.column, field.columnType]),
          true,
        ),
      })
      .on(GetTableCommand, { Name: 'welkin_v1_patients_runs' })
      .resolves({
        Table: tableOf(
          'welkin_v1_patients_runs',
          [
            ['id', 'string'],
            ['firstname', 'string'],
            ['updatedat', 'string'],
            ['visits', 'bigint'],
            ['gone', 'string'],
          ],
          false,
        ),
      });
    const updated = await new GlueTableSync(new GlueClient({}), 'pipe').afterPublish(
      'welkin-v1',
      'patients',
      SCHEMA,
    );
    expect(updated).toEqual([]);
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
  });

  it('reads again after a concurrent update, and names the table when it gives up', async () => {
    glue.on(GetTableCommand).callsFake((input: { Name: string }) => ({
      Table: tableOf(input.Name, [['id', 'string']], input.Name.endsWith('patients')),
    }));
    glue
      .on(UpdateTableCommand)
      .rejectsOnce(new ConcurrentModificationException({ message: 'version changed', $metadata: {} }))
      .resolves({});
    const sync = new GlueTableSync(new GlueClient({}), 'pipe');
    await expect(sync.afterPublish('welkin-v1', 'patients', SCHEMA)).resolves.toHaveLength(2);
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(3);

    glue.on(UpdateTableCommand).rejects(new Error('AccessDeniedException'));
    const failure = sync.afterPublish('welkin-v1', 'patients', SCHEMA);
    await expect(failure).rejects.toBeInstanceOf(TableSyncError);
    await expect(failure).rejects.toThrow(/pipe\.welkin_v1_patients: columns not updated/);
  });
});
