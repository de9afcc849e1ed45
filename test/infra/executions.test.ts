import { beforeAll, describe, expect, it } from 'vitest';
import { LEASE_REFUSED_ERROR, LEASE_SECONDS } from '../../infra/constructs/execution-lease.js';
import { DEPLOYABLE, envOf, type Json, props, type SynthTemplate, synth } from './synth.js';

let t: SynthTemplate;

beforeAll(() => {
  ({ template: t } = synth(DEPLOYABLE));
});

describe('one execution at a time per account and source (issue 11)', () => {
  it('takes a lease with a conditional put before exporting anything', () => {
    // Prepare / Act
    const states = t.statesOf('ClinikoExportFlow');
    const acquire = states.AcquireLease as Json;

    // Assess: defaults merged first (the account comes from the input), then the lease, then the Map.
    expect(states.MergeInput?.Next).toBe('AcquireLease');
    expect(acquire).toMatchObject({
      Type: 'Task',
      QueryLanguage: 'JSONata',
      Resource: 'arn:<ref>:states:::dynamodb:putItem',
      Next: 'ExportEachResource',
      Output: '{% $states.input %}',
    });
    const args = acquire.Arguments as { Item: Json; ConditionExpression: string };
    expect(args.ConditionExpression).toBe('attribute_not_exists(#key) OR #expiresAt < :now');
    expect(args.Item).toMatchObject({
      lease: { S: "{% 'cliniko#' & $states.input.input.account %}" },
      holder: { S: '{% $states.context.Execution.Id %}' },
      expiresAt: { N: expect.stringContaining(`+ ${LEASE_SECONDS}`) },
    });
    const welkinKey = ((t.statesOf('WelkinExportFlow').AcquireLease as Json).Arguments as { Item: Json })
      .Item;
    expect(welkinKey.lease).toEqual({ S: 'welkin' });
  });

  it('lets a second start wait for the lease, then refuses it with a clear reason; never runs alongside', () => {
    const acquire = t.statesOf('ClinikoExportFlow').AcquireLease as Json;
    expect((acquire.Retry as Json[])[0]).toMatchObject({
      ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
      IntervalSeconds: 600,
      MaxAttempts: 36,
      BackoffRate: 1,
    });
    expect(acquire.Catch).toEqual([
      { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'LeaseRefused' },
    ]);
    expect(t.statesOf('ClinikoExportFlow').LeaseRefused).toMatchObject({
      Type: 'Fail',
      Error: LEASE_REFUSED_ERROR,
      Cause: expect.stringContaining('holds the lease'),
    });
  });

  it('releases the lease at a successful end only if it still holds it; a failure leaves it to the clean-up', () => {
    const states = t.statesOf('ClinikoExportFlow');
    const anyFailed = states.AnyResourceFailed as Json;
    expect(anyFailed.Default).toBe('ReleaseLease');
    expect(states.ReleaseLease).toMatchObject({
      Resource: 'arn:<ref>:states:::dynamodb:deleteItem',
      Parameters: {
        Key: { lease: { 'S.$': "States.Format('cliniko#{}', $.input.account)" } },
        ConditionExpression: '#holder = :holder',
        ExpressionAttributeValues: { ':holder': { 'S.$': '$$.Execution.Id' } },
      },
      Next: 'AllResourcesExported',
    });
    expect(states.ExportFailed?.Type).toBe('Fail');
    const table = t.resourcesOf('AWS::DynamoDB::Table')[0]?.[1] as Json;
    expect(props(table)).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(table.DeletionPolicy).toBe('Delete');
    // The table's key is the data key: the flow may use it through DynamoDB only.
    const key = JSON.stringify(
      t
        .statementsOf('ClinikoExportFlowStateMachineRole')
        .filter((s) => JSON.stringify(s).includes('dynamodb.')),
    );
    expect(key).toContain('kms:Encrypt');
    expect(key).toContain('kms:ViaService');
  });
});

describe('stopped executions are cleaned up (issue 11)', () => {
  it('routes FAILED, TIMED_OUT and ABORTED executions of each flow to the clean-up function', () => {
    // Prepare
    const cleanup = t.functionNamed('execution-cleanup');
    const machine = t.logicalIdOf('AWS::StepFunctions::StateMachine', 'ClinikoExportFlow');

    // Act
    const rule = t
      .resourcesOf('AWS::Events::Rule')
      .map(([, r]) => props(r))
      .find((r) => JSON.stringify(r.EventPattern).includes(machine)) as Json;
    const target = (rule.Targets as Json[])[0] as Json;

    // Assess
    expect(rule.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: machine }] },
    });
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [cleanup[0], 'Arn'] });
    expect(target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 4 });
    expect(target.DeadLetterConfig).toBeDefined();
    const input = (target.InputTransformer as { InputTemplate: string }).InputTemplate;
    expect(input).toContain('"source":"cliniko"');
    expect(input).toContain('"defaultAccount":"main"');
    expect(input).toContain('"execution":<detail>');
    expect(envOf(cleanup[1]).LEASE_TABLE_NAME).toEqual({
      Ref: t.logicalIdOf('AWS::DynamoDB::Table', 'Leases'),
    });
  });

  it('alarms on every stopped execution and lets the clean-up touch only run folders, failures and the lease', () => {
    const alarms = t.resourcesOf('AWS::CloudWatch::Alarm').map(([, a]) => props(a));
    expect(alarms.filter((a) => a.MetricName === 'TriggeredRules')).toHaveLength(3);
    const grants = JSON.stringify(t.statementsOf('ExecutionCleanupRole'));
    expect(grants).toContain('dynamodb:DeleteItem');
    expect(grants).toContain('/snapshots/account=main/cliniko/*');
    expect(grants).toContain('/snapshots/account=north/cliniko/*');
    expect(grants).toContain('/snapshots/welkin/*');
    expect(grants).toContain('/snapshots/_failures/*');
    expect(grants).not.toContain('secretsmanager');
  });
});

describe('stopping is safe (issue 19)', () => {
  it('marks the lease at once and discards only after the export timeout, through a delayed queue with alarmed dead letters', () => {
    // Prepare
    const [cleanupId, cleanup] = t.functionNamed('execution-cleanup');
    const queues = t.resourcesOf('AWS::SQS::Queue').filter(([id]) => id.includes('Cleanup'));

    // Act
    const env = envOf(cleanup);
    const mapping = t
      .resourcesOf('AWS::Lambda::EventSourceMapping')
      .find(([, m]) => JSON.stringify(props(m).FunctionName) === JSON.stringify({ Ref: cleanupId }));
    const grants = JSON.stringify(t.statementsOf('ExecutionCleanupRole'));

    // Assess: the wait covers the longest export invocation (900 s) plus a margin.
    expect(env.CLEANUP_WAIT_SECONDS).toBe('960');
    expect(env.CLEANUP_QUEUE_URL).toBeDefined();
    expect(queues).toHaveLength(2);
    expect(props(mapping?.[1] as Json)).toMatchObject({ BatchSize: 1 });
    expect(grants).toContain('dynamodb:UpdateItem');
    expect(grants).toContain('sqs:SendMessage');
    const alarms = t.resourcesOf('AWS::CloudWatch::Alarm').map(([, a]) => JSON.stringify(props(a)));
    expect(alarms.some((a) => a.includes('clean-up dead-letter queue'))).toBe(true);
  });

  it('hands every export invocation its execution and lets the export function read (only read) the lease', () => {
    const item = (t.statesOf('ClinikoExportFlow').ExportEachResource as Json).ItemSelector as Json;
    expect((item.request as Json)['execution.$']).toBe('$$.Execution.Id');
    const [, fn] = t.functionNamed('cliniko-export');
    expect(envOf(fn).LEASE_TABLE_NAME).toEqual({ Ref: t.logicalIdOf('AWS::DynamoDB::Table', 'Leases') });
    const grants = JSON.stringify(t.statementsOf('ClinikoExportRole'));
    expect(grants).toContain('dynamodb:GetItem');
    expect(grants).not.toContain('dynamodb:PutItem');
    expect(grants).not.toContain('dynamodb:DeleteItem');
  });
});

describe('dead letters arrive, and a lost one alarms (issue 19, item 3)', () => {
  it('lets EventBridge and SNS use the data key for the queues they write, in this account only', () => {
    const key = t.resourcesOf('AWS::KMS::Key')[0]?.[1] as Json;
    const statements = (props(key).KeyPolicy as { Statement: Json[] }).Statement;
    const writers = statements.find((s) => JSON.stringify(s.Principal).includes('events.amazonaws.com'));
    expect(writers).toMatchObject({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: { StringEquals: { 'aws:SourceAccount': expect.anything() } },
    });
    expect(JSON.stringify(writers?.Principal)).toContain('sns.amazonaws.com');
  });

  it('alarms on every dead-letter queue, on lost rule and schedule dead letters, and on Lambda DeadLetterErrors', () => {
    const alarms = t.resourcesOf('AWS::CloudWatch::Alarm').map(([, a]) => props(a));
    const text = alarms.map((a) => JSON.stringify(a));
    const queues = t
      .resourcesOf('AWS::SQS::Queue')
      .filter(([, q]) => !JSON.stringify(q).includes('RedrivePolicy'));
    // Every queue that is nobody's source with a redrive policy is a dead-letter queue, and each is alarmed.
    for (const [id] of queues)
      expect(
        text.some((a) => a.includes(id)),
        id,
      ).toBe(true);
    expect(text.filter((a) => a.includes('InvocationsFailedToBeSentToDlq'))).toHaveLength(3);
    expect(text.filter((a) => a.includes('InvocationsFailedToBeSentToDeadLetterCount'))).toHaveLength(1);
    const functions = t.resourcesOf('AWS::Lambda::Function').length;
    expect(text.filter((a) => a.includes('DeadLetterErrors'))).toHaveLength(functions);
  });
});
