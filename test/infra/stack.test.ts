import { App, Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { nagFindings } from '../../infra/nag.js';
import { SOURCE_DEPLOYMENTS } from '../../infra/source-deployments.js';
import { NON_RETRYABLE_ERRORS } from '../../shared/non-retryable.js';
import { actions, DEPLOYABLE, envOf, type Json, props, type SynthTemplate, synth } from './synth.js';
import { tempOutdir } from './temp-outdir.js';

// One synth for the whole file.
let app: App;
let t: SynthTemplate;

beforeAll(() => {
  ({ app, template: t } = synth({ ...DEPLOYABLE, retentionDays: 400 }));
});

describe('ClinicPipeStack', () => {
  it('builds every source of the module list: functions, flows, schedules, secrets and tables', () => {
    // Prepare / Act: synthesized once in beforeAll.
    // Assess
    const sources = SOURCE_DEPLOYMENTS.length;
    const resources = SOURCE_DEPLOYMENTS.reduce((n, d) => n + d.resources.length, 0);
    const webhooks = SOURCE_DEPLOYMENTS.filter((d) => d.webhook);
    const webhookTables = webhooks.reduce((n, d) => n + (d.webhook?.tables.length ?? 0), 0);
    const secrets = SOURCE_DEPLOYMENTS.reduce(
      (n, d) => n + d.secrets.reduce((m, s) => m + (s.perAccount ? 2 : 1), 0),
      0,
    );
    const functions = sources + webhooks.length * 2 + 1;
    const counts: Record<string, number> = {
      // One export per source, a receiver and worker per webhook, the clean-up function.
      'AWS::Lambda::Function': functions,
      'AWS::StepFunctions::StateMachine': sources,
      // Incremental and full: two Cliniko accounts, one schedule pair for each other source.
      'AWS::Scheduler::Schedule': (sources + 1) * 2,
      'AWS::S3::Bucket': 2,
      'AWS::KMS::Key': 1,
      'AWS::DynamoDB::Table': 1,
      // Cliniko's per account, the others once.
      'AWS::SecretsManager::Secret': secrets,
      // The async DLQ, the clean-up's delay queue and its DLQ, and a queue and DLQ per webhook.
      'AWS::SQS::Queue': 3 + webhooks.length * 2,
      'AWS::SNS::Topic': 1,
      'AWS::Lambda::Url': webhooks.length,
      'AWS::Lambda::EventSourceMapping': 1 + webhooks.length,
      'AWS::Events::Rule': sources,
      'AWS::Glue::Database': 1,
      // Current state and runs per resource, deletions per source, webhook notices and changes.
      'AWS::Glue::Table': resources * 2 + sources + webhookTables,
      'AWS::Athena::WorkGroup': 1,
      'AWS::Events::EventBus': 1,
      'AWS::IAM::ManagedPolicy': 1,
      // Per state machine, function, dead-letter queue (async, clean-up, webhooks), clean-up rule (stopped,
      // dead letters lost) and the schedules' lost dead letters.
      'AWS::CloudWatch::Alarm': sources + functions + 2 + webhooks.length + sources * 2 + 1,
    };
    for (const [type, count] of Object.entries(counts)) t.template.resourceCountIs(type, count);
  });

  it('encrypts the snapshot bucket with the rotating CMK, blocks public access, versions and logs it', () => {
    const keyId = t.logicalIdOf('AWS::KMS::Key', 'DataKey');
    const logBucketId = t.logicalIdOf('AWS::S3::Bucket', 'AccessLogs');

    t.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucketId } },
    });
    const policies = t.resourcesOf('AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(2);
    for (const [, policy] of policies) {
      expect(JSON.stringify(props(policy).PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('encrypts every secret, queue, topic, table and log group with the CMK and keeps values out of the template', () => {
    const keyArn = { 'Fn::GetAtt': [t.logicalIdOf('AWS::KMS::Key', 'DataKey'), 'Arn'] };

    for (const [, secret] of t.resourcesOf('AWS::SecretsManager::Secret')) {
      expect(props(secret).KmsKeyId).toEqual(keyArn);
      const value = props(secret).SecretString;
      if (value !== undefined) {
        // Placeholders only: every field empty except Welkin's `env` and Welkin v1's `scope`.
        const parsed = JSON.parse(value as string) as Record<string, string>;
        for (const [field, v] of Object.entries(parsed))
          expect(['env', 'scope'].includes(field) || v === '').toBe(true);
      } else {
        expect(props(secret).GenerateSecretString).toBeDefined();
      }
    }
    for (const [, queue] of t.resourcesOf('AWS::SQS::Queue'))
      expect(props(queue).KmsMasterKeyId).toEqual(keyArn);
    for (const [, topic] of t.resourcesOf('AWS::SNS::Topic'))
      expect(props(topic).KmsMasterKeyId).toEqual(keyArn);
    for (const [, table] of t.resourcesOf('AWS::DynamoDB::Table')) {
      expect(props(table).SSESpecification).toMatchObject({ SSEEnabled: true, KMSMasterKeyId: keyArn });
    }
    for (const [, group] of t.resourcesOf('AWS::Logs::LogGroup')) {
      expect(props(group).KmsKeyId).toEqual(keyArn);
      expect(props(group).RetentionInDays).toBe(90);
    }
  });

  it('gives every function the Lambda defaults, and the documented environment', () => {
    const dlq = t.logicalIdOf('AWS::SQS::Queue', 'AsyncInvokeDlq');
    for (const [, fn] of t.resourcesOf('AWS::Lambda::Function')) {
      expect(props(fn)).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
      });
      expect(Object.keys(envOf(fn))).toEqual(
        expect.arrayContaining(['OUTPUT_BUCKET', 'OUTPUT_PREFIX', 'POWERTOOLS_SERVICE_NAME', 'LOG_LEVEL']),
      );
    }
    const [, cliniko] = t.functionNamed('cliniko-export');
    expect(props(cliniko)).toMatchObject({ Timeout: 900, MemorySize: 512 });
    expect(envOf(cliniko)).toMatchObject({
      CLINIKO_SECRET_ARNS: expect.anything(),
      CLINIKO_USER_AGENT: 'Test Clinic export (it@clinic.test)',
      // 200/min per API user, 90% of it split between the Map's 2 parallel invocations.
      CLINIKO_REQUESTS_PER_MINUTE: '90',
    });
    expect(envOf(t.functionNamed('welkin-export')[1])).toMatchObject({
      WELKIN_CREDENTIALS_SECRET_ARN: expect.anything(),
      WELKIN_TOKEN_SECRET_ARN: expect.anything(),
      // The default pace (240/min per API client) split between the Map's 2 parallel invocations.
      WELKIN_REQUESTS_PER_MINUTE: '120',
    });
    expect(envOf(t.functionNamed('welkin-v1-export')[1])).toMatchObject({
      WELKIN_V1_CREDENTIALS_SECRET_ARN: expect.anything(),
      // The default pace (200/min per API client) split between the Map's 2 parallel invocations.
      WELKIN_V1_REQUESTS_PER_MINUTE: '100',
    });
    expect(envOf(t.functionNamed('welkin-webhook-worker')[1])).toMatchObject({
      WELKIN_REQUESTS_PER_MINUTE: '60',
    });
  });

  it('loops each resource through the export Lambda until it reports done, then publishes SnapshotCompleted', () => {
    const states = t.statesOf('ClinikoExportFlow');
    const map = states.ExportEachResource as Json;
    expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.input.resources', MaxConcurrency: 2 });
    expect(map.ItemSelector).toMatchObject({
      request: { 'account.$': '$.input.account', 'resources.$': 'States.Array($$.Map.Item.Value)' },
    });
    const inner = t.innerStatesOf('ClinikoExportFlow');
    expect(inner.ExportChunk).toMatchObject({
      Type: 'Task',
      InputPath: '$.request',
      ResultPath: '$.response',
    });
    expect(inner.ExportChunk?.Next).toBe('Done');
    const choices = (inner.Done as { Choices: Array<{ And: Json[]; Next: string }> }).Choices;
    const again = choices.find((c) => c.And.some((rule) => rule.BooleanEquals === false));
    expect(again?.Next).toBe('CarryCheckpoint');
    expect(again?.And).toContainEqual({ Variable: '$.loop.count', NumericLessThan: 200 });
    expect(inner.CountIteration?.Next).toBe('ExportChunk');
    const finished = choices.find((c) => c.And.some((rule) => rule.BooleanEquals === true));
    expect(finished?.Next).toBe('PublishEachResult');

    const retry = inner.ExportChunk?.Retry as Json[];
    expect(retry[1]).toMatchObject({ ErrorEquals: [...NON_RETRYABLE_ERRORS], MaxAttempts: 0 });
    expect(retry[1]?.ErrorEquals).toEqual(
      expect.arrayContaining([
        'RateLimitError',
        'MalformedResponseError',
        'UnkeyedRecordError',
        'CurrentStateError',
      ]),
    );
    // Every state machine, for the export and for the discard of an abandoned run.
    for (const flow of ['ClinikoExportFlow', 'WelkinExportFlow']) {
      for (const name of ['ExportChunk', 'DiscardAbandonedRun']) {
        const retriers = t.innerStatesOf(flow)[name]?.Retry as Json[];
        expect(retriers.filter((r) => r.MaxAttempts === 0).map((r) => r.ErrorEquals)).toEqual([
          [...NON_RETRYABLE_ERRORS],
        ]);
      }
    }
    expect(retry[2]).toMatchObject({ ErrorEquals: ['States.TaskFailed', 'States.Timeout'], MaxAttempts: 2 });
    expect(states.AnyResourceFailed).toMatchObject({
      Choices: [{ Variable: '$.failures.count', NumericGreaterThan: 0, Next: 'ExportFailed' }],
    });
    const welkinRequest = (t.statesOf('WelkinExportFlow').ExportEachResource as Json).ItemSelector as Json;
    expect(welkinRequest.request).not.toHaveProperty('account.$');
    t.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('discards the parts of a run it gave up on before recording the failure', () => {
    const exportFunction = t.logicalIdOf('AWS::Lambda::Function', 'ClinikoExport');
    const inner = t.innerStatesOf('ClinikoExportFlow');
    expect(inner.ExportChunk?.Catch).toEqual([
      { ErrorEquals: ['RateLimitError'], ResultPath: '$.error', Next: 'ReadRateLimitReset' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HoldsCheckpoint' },
    ]);
    expect(inner.RateLimitWaitFits?.Default).toBe('HoldsCheckpoint');
    expect(inner.DiscardAbandonedRun).toMatchObject({
      Type: 'Task',
      Resource: `<${exportFunction}>`,
      Parameters: { 'discard.$': '$.request.checkpoint', 'account.$': '$.request.account' },
      ResultPath: null,
      Next: 'RecordFailure',
    });
    expect(inner.ExportDidNotFinish?.Next).toBe('HoldsCheckpoint');
    expect(t.innerStatesOf('WelkinExportFlow').DiscardAbandonedRun?.Parameters).toEqual({
      'discard.$': '$.request.checkpoint',
    });
  });

  it('grants no wildcard actions and no s3:* or secretsmanager:* anywhere', () => {
    const all = [...t.statementsOf(''), ...t.managedStatements()];
    expect(all.length).toBeGreaterThan(20);
    for (const statement of all) {
      for (const action of actions(statement)) {
        expect(action).not.toBe('*');
        if (/^(s3|secretsmanager|dynamodb):/.test(action)) expect(action).not.toContain('*');
      }
    }
  });

  it('lets each function read only its own secrets and write only its own prefix', () => {
    const secretOf = (part: string) => ({ Ref: t.logicalIdOf('AWS::SecretsManager::Secret', part) });
    const secretResources = (role: string) =>
      t
        .statementsOf(role)
        .filter((s) => actions(s).some((a) => a.startsWith('secretsmanager:')))
        .map((s) => s.Resource);
    const objectPrefixes = (role: string) =>
      JSON.stringify(t.statementsOf(role).filter((s) => actions(s).includes('s3:PutObject')));

    expect(secretResources('ClinikoExportRole')).toEqual([secretOf('apikeymain'), secretOf('apikeynorth')]);
    expect(objectPrefixes('ClinikoExportRole')).toContain('/snapshots/account=main/*');
    expect(objectPrefixes('ClinikoExportRole')).toContain('/snapshots/account=north/*');
    expect(objectPrefixes('ClinikoExportRole')).not.toContain('welkin');
    expect(objectPrefixes('WelkinWebhookRole')).toContain('/snapshots/welkin-events/*');

    // Only the token cache is writable, and only by the functions that refresh tokens.
    const writers = t
      .resourcesOf('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(props(p)).includes('secretsmanager:PutSecretValue'))
      .map(([id]) => id);
    expect(writers.sort()).toEqual([
      expect.stringContaining('WelkinExportRole'),
      expect.stringContaining('WelkinV1ExportRole'),
      expect.stringContaining('WelkinV1WebhookWorkerRole'),
      expect.stringContaining('WelkinWebhookWorkerRole'),
    ]);
    for (const role of ['WelkinExportRole', 'WelkinWebhookWorkerRole']) {
      const put = t.statementsOf(role).find((s) => actions(s).includes('secretsmanager:PutSecretValue'));
      expect(put?.Resource).toEqual(secretOf('WelkinSecretstokencache'));
    }
  });

  it('receives webhooks on a Function URL and drains the queue with partial batch failures', () => {
    t.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    t.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    const dlq = t.logicalIdOf('AWS::SQS::Queue', 'EventsDlq');
    t.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  it('passes AwsSolutions and HIPAA Security checks with no unacknowledged error', () => {
    const errors = nagFindings(app).filter((f) => f.severity === 'error');

    expect(errors).toEqual([]);
  });
});

describe('nag checks', () => {
  it('report an unencrypted, unlogged bucket (the checker is live)', () => {
    // Prepare
    const bare = new App({ outdir: tempOutdir() });
    new Bucket(new Stack(bare, 'Bare'), 'Plain');

    // Act
    const rules = nagFindings(bare).map((f) => f.rule);

    // Assess
    expect(rules).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'HIPAA.Security-S3BucketLoggingEnabled']),
    );
  });
});
