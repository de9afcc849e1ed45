import { beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYABLE, type Json, props, type SynthTemplate, synth } from './synth.js';

let t: SynthTemplate;

beforeAll(() => {
  ({ template: t } = synth(DEPLOYABLE));
});

function publishStates(flow: string): Record<string, Json> {
  const inner = t.innerStatesOf(flow);
  return ((inner.PublishEachResult as Json).ItemProcessor as { States: Record<string, Json> }).States;
}

describe('run partitions carry the table’s columns, SerDe and formats (issue 19, item 6)', () => {
  it('reads the runs table’s storage descriptor and registers the partition with it, only the location its own', () => {
    // Prepare
    const states = publishStates('ClinikoExportFlow');

    // Act
    const read = states.ReadRunsTable as Json;
    const register = states.RegisterRunPartition as Json;

    // Assess
    expect(read).toMatchObject({
      Resource: 'arn:<ref>:states:::aws-sdk:glue:getTable',
      Parameters: { DatabaseName: 'testpipe', 'Name.$': '$.partition.table' },
      ResultSelector: { 'storage.$': '$.Table.StorageDescriptor' },
      ResultPath: '$.table',
      Next: 'RegisterRunPartition',
    });
    const input = (register.Parameters as Json).PartitionInput as Json;
    expect(input).toEqual({
      'Values.$': '$.partition.values',
      'StorageDescriptor.$': 'States.JsonMerge($.table.storage, $.partition.storage, false)',
    });
    const grants = JSON.stringify(t.statementsOf('ClinikoExportFlowStateMachineRole'));
    expect(grants).toContain('glue:GetTable');
    expect(grants).toContain('glue:CreatePartition');
  });

  it('so a partition of a runs table gets every column the table has, its SerDe and its formats', () => {
    // Prepare: the table as deployed (CloudFormation's TableInput has the Glue API's shape).
    const table = t
      .resourcesOf('AWS::Glue::Table')
      .map(([, r]) => props(r).TableInput as Json)
      .find((input) => input.Name === 'cliniko_patients_runs') as Json;
    const tableStorage = table.StorageDescriptor as Json;
    const location = 's3://bucket/snapshots/account=main/cliniko/patients/dt=2026-12-01/run=r1/';

    // Act: States.JsonMerge (shallow) of the two objects the definition names.
    const partition: Json = { ...tableStorage, ...{ Location: location } };

    // Assess
    expect((partition.Columns as Json[]).length).toBeGreaterThan(0);
    expect(partition.Columns).toEqual(tableStorage.Columns);
    expect(partition.SerdeInfo).toEqual(tableStorage.SerdeInfo);
    expect(partition.InputFormat).toBe(tableStorage.InputFormat);
    expect(partition.OutputFormat).toBe(tableStorage.OutputFormat);
    expect(partition.Location).toBe(location);
  });
});
