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
      storage: { Location: `s3://<ref>/${folder}/` },
    });
  });
});

describe('a rate limit reset far away (issue 19, item 4)', () => {
  const inner = () => t.innerStatesOf('ClinikoExportFlow');
  const cause = (message: string) =>
    JSON.stringify({ errorType: 'RateLimitError', errorMessage: message, trace: [] });
  const read = (input: Json) =>
    evaluate((inner().ReadRateLimitReset as Json).Output as string, { input, context }) as Promise<Json>;

  it('is caught before the give-up path and waited for in a Wait state, then the same checkpoint is tried', () => {
    const invoke = inner().ExportChunk as Json;
    expect((invoke.Catch as Json[]).map((c) => c.ErrorEquals)).toEqual([['RateLimitError'], ['States.ALL']]);
    expect(inner().RateLimitWaitFits).toMatchObject({ Type: 'Choice', QueryLanguage: 'JSONata' });
    expect(inner().WaitForRateLimitReset).toMatchObject({
      Type: 'Wait',
      Timestamp: '{% $states.input.retryAt %}',
      Next: 'ExportChunk',
    });
  });

  it('waits when the reset fits the execution, at most three times; otherwise gives up as before', async () => {
    // Prepare
    const message = (at: string) =>
      `Cliniko: rate limited (429) for 2 h, longer than the 15 min allowed: try again later (GET https://x/v1/patients; retry after ${at})`;
    const soon = {
      request: {},
      error: { Error: 'RateLimitError', Cause: cause(message('2026-12-01T05:00:00.000Z')) },
    };

    // Act
    const first = await read(soon);
    const fourth = await read({ ...soon, rateLimitWaits: 3 });
    const tooLate = await read({ ...soon, error: { Cause: cause(message('2026-12-02T02:00:00.000Z')) } });
    const noReset = await read({ ...soon, error: { Cause: cause('Cliniko: rate limited') } });

    // Assess
    expect(first).toMatchObject({ retryAt: '2026-12-01T05:00:00.000Z', waitFits: true, rateLimitWaits: 1 });
    expect(first.request).toEqual({});
    expect(fourth).toMatchObject({ waitFits: false, rateLimitWaits: 4 });
    expect(tooLate).toMatchObject({ waitFits: false });
    expect(noReset).toMatchObject({ retryAt: null, waitFits: false });
  });
});

describe('what an operator sees at 2 a.m. (issue 19, item 9)', () => {
  const recordFailure = () => (t.innerStatesOf('ClinikoExportFlow').RecordFailure as Json).Output as string;

  it('records each failed resource with its error name and one-line message, never the trace', async () => {
    // Prepare: a Lambda handler error as Step Functions catches it.
    const cause = JSON.stringify({
      errorType: 'HttpError',
      errorMessage:
        'cliniko/patients: Cliniko: server error 503 after 7 attempts (GET https://api.au1.cliniko.com/v1/patients)',
      trace: ['HttpError: at secret place'],
    });

    // Act
    const failed = await evaluate(recordFailure(), {
      input: { resource: 'patients', error: { Error: 'HttpError', Cause: cause } },
      context,
    });
    const noCause = await evaluate(recordFailure(), {
      input: { resource: 'invoices', error: { Error: 'ExportDidNotFinish' } },
      context,
    });

    // Assess
    expect(failed).toEqual({
      resource: 'patients',
      status: 'failed',
      error: 'HttpError',
      message:
        'cliniko/patients: Cliniko: server error 503 after 7 attempts (GET https://api.au1.cliniko.com/v1/patients)',
    });
    expect(JSON.stringify(failed)).not.toContain('secret place');
    expect(noCause).toEqual({
      resource: 'invoices',
      status: 'failed',
      error: 'ExportDidNotFinish',
      message: null,
    });
  });

  it('fails the execution with every failed resource in its cause, and the alarm names the source and how to find it', () => {
    const states = t.statesOf('ClinikoExportFlow');
    expect((states.CollectFailures as Json).Parameters).toMatchObject({
      'details.$': "$.outcomes[?(@.status == 'failed')]",
    });
    expect((states.ExportFailed as Json).CausePath).toBe(
      "States.Format('Export failed for these resources: {}', States.JsonToString($.summary.details))",
    );
    const alarms = t.resourcesOf('AWS::CloudWatch::Alarm').map(([, a]) => JSON.stringify(a));
    const failed = alarms.filter((a) => a.includes('export execution failed, timed out or was aborted'));
    expect(failed.some((a) => a.includes('Cliniko export execution') && a.includes('list-executions'))).toBe(
      true,
    );
  });
});
