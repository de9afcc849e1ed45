import jsonata from 'jsonata';
import { beforeAll, describe, expect, it } from 'vitest';
import { LEASE_SECONDS } from '../../infra/constructs/execution-lease.js';
import { DEPLOYABLE, type Json, type SynthTemplate, synth } from './synth.js';

// The JSONata the state machines run, evaluated for real with the JSONata engine Step Functions implements.
let t: SynthTemplate;

beforeAll(() => {
  ({ template: t } = synth(DEPLOYABLE));
});

async function evaluate(expression: string, states: Json): Promise<unknown> {
  const body = expression.replace(/^\{%/, '').replace(/%\}$/, '');
  return jsonata(body).evaluate({}, { states });
}

const START = '2026-12-01T03:00:00.456Z';
const context = { Execution: { Id: 'arn:aws:states:r:1:execution:m:nightly', StartTime: START } };

describe('the lease item', () => {
  it('names the source and account, holds the execution and expires 25 hours after its start', async () => {
    // Prepare
    const args = (t.statesOf('ClinikoExportFlow').AcquireLease as Json).Arguments as {
      Item: Record<string, { S?: string; N?: string }>;
      ExpressionAttributeValues: Record<string, { N: string }>;
    };
    const states = { input: { input: { account: 'north' } }, context };

    // Act
    const key = await evaluate(args.Item.lease?.S as string, states);
    const holder = await evaluate(args.Item.holder?.S as string, states);
    const expiresAt = await evaluate(args.Item.expiresAt?.N as string, states);
    const now = Number(await evaluate(args.ExpressionAttributeValues[':now']?.N as string, states));

    // Assess
    expect(key).toBe('cliniko#north');
    expect(holder).toBe(context.Execution.Id);
    expect(expiresAt).toBe(String(Math.floor(Date.parse(START) / 1000) + LEASE_SECONDS));
    expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(5);
  });
});

describe('a finished snapshot', () => {
  const folder = 'snapshots/account=main/cliniko/patients/dt=2026-12-01/run=20261201T030000Z-abc123';
  const describeOutput = () => {
    const inner = t.innerStatesOf('ClinikoExportFlow');
    const publish = (inner.PublishEachResult as Json).ItemProcessor as { States: Record<string, Json> };
    return publish.States.DescribeSnapshot?.Output as string;
  };

  it('becomes an event with s3 URLs of every manifest it has, and a run partition of its runs table', async () => {
    // Prepare
    const result = {
      source: 'cliniko',
      resource: 'patients',
      runId: '20261201T030000Z-abc123',
      manifestKey: `${folder}/_manifest.json`,
      copyManifestKey: `${folder}/_copy_manifest.json`,
      currentManifestKey: 'snapshots/account=main/cliniko/patients/current/_manifest.json',
      currentRecordCount: 0,
      deletedCount: 3,
      recordCount: 7,
    };

    // Act
    const out = (await evaluate(describeOutput(), { input: { result, account: 'main' }, context })) as {
      detail: Json;
      partition: Json;
    };

    // Assess: the bucket renders as <ref> (a CloudFormation reference) in the flattened definition.
    expect(out.detail).toMatchObject({
      source: 'cliniko',
      account: 'main',
      runId: result.runId,
      recordCount: 7,
      manifestUrl: `s3://<ref>/${folder}/_manifest.json`,
      copyManifestUrl: `s3://<ref>/${folder}/_copy_manifest.json`,
      currentManifestUrl: 's3://<ref>/snapshots/account=main/cliniko/patients/current/_manifest.json',
      currentCopyManifestUrl: null,
      currentRecordCount: 0,
      deletedCount: 3,
    });
    expect(out.partition).toEqual({
      table: 'cliniko_patients_runs',
      values: ['main', '2026-12-01', result.runId],
      location: `s3://<ref>/${folder}/`,
    });
  });
});
