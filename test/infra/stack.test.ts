import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config.js';
import { nagFindings } from '../../infra/nag.js';
import { CLINIKO_RESOURCE_SPECS, WELKIN_RESOURCE_SPECS } from '../../infra/resources.js';
import { ClinicPipeStack } from '../../infra/stack.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Json = Record<string, unknown>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

// One synth for the whole file; bundling is skipped (the `synth` script covers it) to keep CI fast.
let app: App;
let template: Template;

beforeAll(() => {
  app = new App({
    context: {
      'aws:cdk:bundling-stacks': [],
      clinikoAccounts: [
        { name: 'main', schedule: 'cron(0 3 * * ? *)', timezone: 'Australia/Sydney' },
        { name: 'north', schedule: 'cron(30 2 * * ? *)', timezone: 'Australia/Brisbane' },
      ],
      welkin: { schedule: 'cron(0 4 * * ? *)', timezone: 'America/New_York' },
      retentionDays: 400,
    },
  });
  const stack = new ClinicPipeStack(app, 'TestPipe', { config: readConfig(app.node), projectRoot });
  template = Template.fromStack(stack);
});

function resourcesOf(type: string): Array<[string, Json]> {
  return Object.entries(template.findResources(type)) as Array<[string, Json]>;
}

function props(resource: Json): Json {
  return resource.Properties as Json;
}

function logicalIdOf(type: string, idPart: string): string {
  const match = resourcesOf(type).find(([id]) => id.includes(idPart));
  if (!match) throw new Error(`no ${type} with ${idPart}`);
  return match[0];
}

/** Flattens a Fn::Join'ed definition into JSON, rendering `Fn::GetAtt` as "<LogicalId>", others as "<ref>". */
function definitionOf(idPart: string): Json {
  const [, machine] =
    resourcesOf('AWS::StepFunctions::StateMachine').find(([id]) => id.includes(idPart)) ?? [];
  const body = props(machine as Json).DefinitionString as { 'Fn::Join': [string, unknown[]] };
  const render = (part: unknown) => {
    if (typeof part === 'string') return part;
    const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    return getAtt ? `<${getAtt[0]}>` : '<ref>';
  };
  const text = body['Fn::Join'][1].map(render).join('');
  return JSON.parse(text) as Json;
}

/** The states each Map item runs through (one resource). */
function innerStatesOf(idPart: string): Record<string, Json> {
  const map = (definitionOf(idPart).States as Record<string, Json>).ExportEachResource as Json;
  return (map.ItemProcessor as { States: Record<string, Json> }).States;
}

function statementsOf(idPart: string): Statement[] {
  return resourcesOf('AWS::IAM::Policy')
    .filter(([id]) => id.includes(idPart))
    .flatMap(([, policy]) => (props(policy).PolicyDocument as { Statement: Statement[] }).Statement);
}

function actions(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

describe('ClinicPipeStack', () => {
  it('creates the expected number of each resource', () => {
    // Prepare / Act: synthesized once in beforeAll.
    // Assess
    const counts: Record<string, number> = {
      'AWS::Lambda::Function': 4,
      'AWS::StepFunctions::StateMachine': 2,
      'AWS::Scheduler::Schedule': 3,
      'AWS::S3::Bucket': 2,
      'AWS::KMS::Key': 1,
      'AWS::SecretsManager::Secret': 5,
      'AWS::SQS::Queue': 3,
      'AWS::SNS::Topic': 1,
      'AWS::Lambda::Url': 1,
      'AWS::Lambda::EventSourceMapping': 1,
      'AWS::Glue::Database': 1,
      // Plus welkin_events and welkin_changes over the webhook output.
      'AWS::Glue::Table': CLINIKO_RESOURCE_SPECS.length + WELKIN_RESOURCE_SPECS.length + 2,
      'AWS::Athena::WorkGroup': 1,
      'AWS::Events::EventBus': 1,
      // The Athena reader policy for BI roles; every other grant is a role's own policy.
      'AWS::IAM::ManagedPolicy': 1,
      // 2 state machines + 4 functions + 2 dead-letter queues.
      'AWS::CloudWatch::Alarm': 8,
    };
    for (const [type, count] of Object.entries(counts)) template.resourceCountIs(type, count);
  });

  it('encrypts the snapshot bucket with the rotating CMK, blocks public access, versions and logs it', () => {
    const keyId = logicalIdOf('AWS::KMS::Key', 'DataKey');
    const logBucketId = logicalIdOf('AWS::S3::Bucket', 'AccessLogs');

    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::S3::Bucket', {
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
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'snapshots/account=main/cliniko/', ExpirationInDays: 400 }),
          Match.objectLike({ Prefix: 'snapshots/account=north/cliniko/', ExpirationInDays: 400 }),
          Match.objectLike({ Prefix: 'snapshots/welkin/', ExpirationInDays: 400 }),
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
        ]),
      },
    });
    // enforceSSL on both buckets: a Deny on aws:SecureTransport=false.
    const policies = resourcesOf('AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(2);
    for (const [, policy] of policies) {
      expect(JSON.stringify(props(policy).PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('encrypts every secret, queue, topic and log group with the CMK and keeps values out of the template', () => {
    const keyArn = { 'Fn::GetAtt': [logicalIdOf('AWS::KMS::Key', 'DataKey'), 'Arn'] };

    for (const [, secret] of resourcesOf('AWS::SecretsManager::Secret')) {
      expect(props(secret).KmsKeyId).toEqual(keyArn);
      const value = props(secret).SecretString;
      if (value !== undefined) {
        // Placeholders only: every field empty except Welkin's `env`.
        const parsed = JSON.parse(value as string) as Record<string, string>;
        for (const [field, v] of Object.entries(parsed)) expect(field === 'env' || v === '').toBe(true);
      } else {
        expect(props(secret).GenerateSecretString).toBeDefined();
      }
    }
    for (const [, queue] of resourcesOf('AWS::SQS::Queue'))
      expect(props(queue).KmsMasterKeyId).toEqual(keyArn);
    for (const [, topic] of resourcesOf('AWS::SNS::Topic'))
      expect(props(topic).KmsMasterKeyId).toEqual(keyArn);
    for (const [, group] of resourcesOf('AWS::Logs::LogGroup')) {
      expect(props(group).KmsKeyId).toEqual(keyArn);
      expect(props(group).RetentionInDays).toBe(90);
    }
    for (const [, policy] of resourcesOf('AWS::SQS::QueuePolicy')) {
      expect(JSON.stringify(props(policy).PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('gives every function the Lambda defaults and the documented environment', () => {
    const dlq = logicalIdOf('AWS::SQS::Queue', 'AsyncInvokeDlq');
    const functions = resourcesOf('AWS::Lambda::Function');
    for (const [, fn] of functions) {
      expect(props(fn)).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
      });
      expect(props(fn).ReservedConcurrentExecutions).toBeGreaterThan(0);
      const env = (props(fn).Environment as { Variables: Json }).Variables;
      expect(Object.keys(env)).toEqual(
        expect.arrayContaining(['OUTPUT_BUCKET', 'OUTPUT_PREFIX', 'POWERTOOLS_SERVICE_NAME', 'LOG_LEVEL']),
      );
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      MemorySize: 512,
      Environment: {
        Variables: Match.objectLike({
          CLINIKO_SECRET_ARNS: Match.anyValue(),
          CLINIKO_USER_AGENT: Match.stringLikeRegexp('.+'),
          // 200/min per API user, 90% of it split between the Map's 2 parallel invocations.
          CLINIKO_REQUESTS_PER_MINUTE: '90',
          POWERTOOLS_SERVICE_NAME: 'cliniko-export',
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 10,
      Environment: {
        Variables: Match.objectLike({
          WELKIN_WEBHOOK_SECRET_ARN: Match.anyValue(),
          WEBHOOK_SECRET_HEADER: 'x-webhook-secret',
          WEBHOOK_MAX_BYTES: '262144',
          WELKIN_EVENTS_QUEUE_URL: Match.anyValue(),
          WELKIN_CREDENTIALS_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'welkin-export',
          WELKIN_CREDENTIALS_SECRET_ARN: Match.anyValue(),
          WELKIN_TOKEN_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
  });

  it('schedules each Cliniko account and Welkin nightly in their own time zone', () => {
    const clinikoMachine = logicalIdOf('AWS::StepFunctions::StateMachine', 'ClinikoExportFlow');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Australia/Sydney',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { Ref: clinikoMachine },
        Input: JSON.stringify({ account: 'main', mode: 'incremental' }),
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 2 * * ? *)',
      ScheduleExpressionTimezone: 'Australia/Brisbane',
      Target: Match.objectLike({ Input: JSON.stringify({ account: 'north', mode: 'incremental' }) }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 4 * * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
      Target: Match.objectLike({ Input: JSON.stringify({ mode: 'incremental' }) }),
    });
  });

  it('loops each resource through the export Lambda until it reports done, then publishes SnapshotCompleted', () => {
    const definition = definitionOf('ClinikoExportFlow');
    const states = definition.States as Record<string, Json>;
    const map = states.ExportEachResource as Json;
    expect(map).toMatchObject({ Type: 'Map', ItemsPath: '$.input.resources', MaxConcurrency: 2 });
    expect(map.ItemSelector).toMatchObject({
      request: { 'account.$': '$.input.account', 'resources.$': 'States.Array($$.Map.Item.Value)' },
    });
    const inner = (map.ItemProcessor as { States: Record<string, Json> }).States;

    // The loop: ExportChunk -> Done (done == false) -> CarryCheckpoint -> CountIteration -> ExportChunk.
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
    expect(inner.CarryCheckpoint).toMatchObject({
      InputPath: '$.response.checkpoint',
      ResultPath: '$.request.checkpoint',
      Next: 'CountIteration',
    });
    expect(inner.CountIteration?.Next).toBe('ExportChunk');
    const finished = choices.find((c) => c.And.some((rule) => rule.BooleanEquals === true));
    expect(finished?.Next).toBe('PublishEachResult');

    // Retries with backoff on Lambda errors, then a catch that records the failure.
    const retry = inner.ExportChunk?.Retry as Json[];
    expect(retry[0]).toMatchObject({
      ErrorEquals: expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException']),
      BackoffRate: 2,
    });
    expect(retry[1]).toMatchObject({
      ErrorEquals: ['ConfigError', 'AuthError', 'InvalidEventError'],
      MaxAttempts: 0,
    });
    expect(retry[2]).toMatchObject({ ErrorEquals: ['States.TaskFailed', 'States.Timeout'], MaxAttempts: 2 });
    expect(inner.ExportChunk?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HoldsCheckpoint' },
    ]);

    const publishStates = (inner.PublishEachResult as Json).ItemProcessor as { States: Record<string, Json> };
    const publish = publishStates.States.PublishSnapshotCompleted as Json;
    const entry = (publish.Parameters as { Entries: Json[] }).Entries[0];
    expect(entry).toMatchObject({
      DetailType: 'SnapshotCompleted',
      Source: 'clinic-pipe',
      Detail: {
        'source.$': '$.source',
        'resource.$': '$.resource',
        'runId.$': '$.runId',
        'manifestKey.$': '$.manifestKey',
        'recordCount.$': '$.recordCount',
      },
    });
    // A failed resource fails the execution once the others are done.
    expect(states.AnyResourceFailed).toMatchObject({
      Choices: [{ Variable: '$.failures.count', NumericGreaterThan: 0, Next: 'ExportFailed' }],
    });

    const welkin = definitionOf('WelkinExportFlow');
    const welkinRequest = ((welkin.States as Record<string, Json>).ExportEachResource as Json)
      .ItemSelector as Json;
    expect(welkinRequest.request).not.toHaveProperty('account.$');

    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('discards the parts of a run it gave up on before recording the failure', () => {
    const exportFunction = logicalIdOf('AWS::Lambda::Function', 'ClinikoExport');
    const inner = innerStatesOf('ClinikoExportFlow');

    // Catch -> HoldsCheckpoint: with a checkpoint from an earlier iteration, discard it; else record at once.
    expect(inner.ExportChunk?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HoldsCheckpoint' },
    ]);
    expect(inner.HoldsCheckpoint).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.request.checkpoint', IsPresent: true, Next: 'DiscardAbandonedRun' }],
      Default: 'RecordFailure',
    });
    // The same export function, with the discard event and nothing else; its answer is dropped.
    expect(inner.DiscardAbandonedRun).toMatchObject({
      Type: 'Task',
      Resource: `<${exportFunction}>`,
      Parameters: { 'discard.$': '$.request.checkpoint', 'account.$': '$.request.account' },
      ResultPath: null,
      Next: 'RecordFailure',
    });
    expect(inner.ExportChunk?.Resource).toBe(`<${exportFunction}>`);
    expect(Object.keys(inner.DiscardAbandonedRun?.Parameters as Json).sort()).toEqual([
      'account.$',
      'discard.$',
    ]);
    // A failed clean-up still records the failure, under its own key so the export's error stays in $.error.
    expect(inner.DiscardAbandonedRun?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.discardError', Next: 'RecordFailure' },
    ]);
    expect(inner.RecordFailure).toMatchObject({ Parameters: { 'error.$': '$.error.Error' } });
    // Giving up at the iteration cap discards too; a run whose snapshots failed to publish is complete.
    expect(inner.ExportDidNotFinish?.Next).toBe('HoldsCheckpoint');
    expect(inner.PublishEachResult?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
    ]);

    const welkinInner = innerStatesOf('WelkinExportFlow');
    expect(welkinInner.DiscardAbandonedRun?.Parameters).toEqual({ 'discard.$': '$.request.checkpoint' });
  });

  it('catalogs every resource as a Glue table with partition projection and the JSON SerDe', () => {
    const tables = resourcesOf('AWS::Glue::Table').map(([, t]) => props(t).TableInput as Json);
    for (const table of tables) {
      const params = table.Parameters as Json;
      expect(params).toMatchObject({
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
      });
      // Snapshots are gzip; the webhook writes small plain NDJSON files.
      const webhookTable = ['welkin_events', 'welkin_changes'].includes(table.Name as string);
      expect(params.compressionType).toBe(webhookTable ? undefined : 'gzip');
      expect(table.StorageDescriptor).toMatchObject({
        SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
      });
      if (!webhookTable) {
        expect(table.StorageDescriptor).toMatchObject({
          Columns: expect.arrayContaining([{ Name: 'id', Type: 'string' }]),
        });
      }
    }
    const patients = tables.find((t) => t.Name === 'cliniko_patients') as Json;
    expect(patients.PartitionKeys).toEqual([
      { Name: 'account', Type: 'string' },
      { Name: 'dt', Type: 'string' },
    ]);
    const params = patients.Parameters as Json;
    expect(params['projection.account.values']).toBe('main,north');
    expect(JSON.stringify(params['storage.location.template'])).toContain(
      `/snapshots/account=\${account}/cliniko/patients/dt=\${dt}/`,
    );
    const welkinPatient = tables.find((t) => t.Name === 'welkin_patients') as Json;
    expect(welkinPatient.PartitionKeys).toEqual([{ Name: 'dt', Type: 'string' }]);
    expect(welkinPatient.StorageDescriptor).toMatchObject({
      SerdeInfo: { Parameters: { 'mapping.updated_at': 'updatedAt' } },
    });
    const changes = tables.find((t) => t.Name === 'welkin_changes') as Json;
    expect(changes.Parameters).toMatchObject({
      'projection.entity.type': 'enum',
      'projection.entity.values': expect.stringContaining('patient'),
    });
    expect(JSON.stringify((changes.Parameters as Json)['storage.location.template'])).toContain(
      `/snapshots/welkin-changes/\${entity}/dt=\${dt}/`,
    );
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: Match.objectLike({
          EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }),
        }),
      }),
    });
  });

  it('grants no wildcard actions and no s3:* or secretsmanager:* anywhere', () => {
    const managed = resourcesOf('AWS::IAM::ManagedPolicy').flatMap(
      ([, policy]) => (props(policy).PolicyDocument as { Statement: Statement[] }).Statement,
    );
    expect(managed.length).toBeGreaterThan(0);
    const all = [...statementsOf(''), ...managed];
    expect(all.length).toBeGreaterThan(20);
    for (const statement of all) {
      for (const action of actions(statement)) {
        expect(action).not.toBe('*');
        if (/^(s3|secretsmanager):/.test(action)) expect(action).not.toContain('*');
      }
    }
  });

  it('lets each function read only its own secrets and write only its own prefix', () => {
    const secretOf = (part: string) => ({ Ref: logicalIdOf('AWS::SecretsManager::Secret', part) });
    const secretResources = (role: string) =>
      statementsOf(role)
        .filter((s) => actions(s).some((a) => a.startsWith('secretsmanager:')))
        .map((s) => s.Resource);
    const objectPrefixes = (role: string) =>
      JSON.stringify(statementsOf(role).filter((s) => actions(s).includes('s3:PutObject')));

    expect(secretResources('ClinikoExportRole')).toEqual([secretOf('Clinikomain'), secretOf('Clinikonorth')]);
    expect(objectPrefixes('ClinikoExportRole')).toContain('/snapshots/account=main/*');
    expect(objectPrefixes('ClinikoExportRole')).toContain('/snapshots/account=north/*');
    expect(objectPrefixes('ClinikoExportRole')).not.toContain('welkin');

    expect(secretResources('WelkinWebhookRole')).toEqual([
      secretOf('WebhookSecret'),
      secretOf('WelkinCredentials'),
    ]);
    expect(objectPrefixes('WelkinWebhookRole')).toContain('/snapshots/welkin-events/*');

    // Only the token cache is writable, and only by the functions that refresh tokens.
    const writers = resourcesOf('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(props(p)).includes('secretsmanager:PutSecretValue'))
      .map(([id]) => id);
    expect(writers.sort()).toEqual([
      expect.stringContaining('WelkinExportRole'),
      expect.stringContaining('WelkinWebhookWorkerRole'),
    ]);
    for (const role of ['WelkinExportRole', 'WelkinWebhookWorkerRole']) {
      const put = statementsOf(role).find((s) => actions(s).includes('secretsmanager:PutSecretValue'));
      expect(put?.Resource).toEqual(secretOf('WelkinToken'));
    }

    const list = statementsOf('ClinikoExportRole').find((s) => actions(s).includes('s3:ListBucket'));
    expect(list?.Condition).toEqual({
      StringLikeIfExists: { 's3:prefix': ['snapshots/account=main/*', 'snapshots/account=north/*'] },
    });
  });

  it('receives webhooks on a Function URL and drains the queue with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    const dlq = logicalIdOf('AWS::SQS::Queue', 'EventsDlq');
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('sends every alarm to the alarms topic', () => {
    const topic = { Ref: logicalIdOf('AWS::SNS::Topic', 'Alarms') };
    for (const [, alarm] of resourcesOf('AWS::CloudWatch::Alarm')) {
      expect(props(alarm).AlarmActions).toEqual([topic]);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'failed + timedOut + aborted' })]),
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
    const bare = new App();
    new Bucket(new Stack(bare, 'Bare'), 'Plain');

    // Act
    const rules = nagFindings(bare).map((f) => f.rule);

    // Assess
    expect(rules).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'HIPAA.Security-S3BucketLoggingEnabled']),
    );
  });
});
