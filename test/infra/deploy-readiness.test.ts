import { beforeAll, describe, expect, it } from 'vitest';
import { actions, DEPLOYABLE, envOf, type Json, props, type SynthTemplate, synth } from './synth.js';

let t: SynthTemplate;

beforeAll(() => {
  ({ template: t } = synth(DEPLOYABLE));
});

describe('a failed first deploy can be retried at once (issue 11)', () => {
  it('retains only the data: the key and the buckets', () => {
    // Prepare / Act: synthesized once in beforeAll.
    // Assess
    const retained = t
      .all()
      .filter(([, r]) => r.DeletionPolicy === 'Retain' || r.UpdateReplacePolicy === 'Retain')
      .map(([, r]) => r.Type);
    expect(retained.sort()).toEqual(['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::S3::Bucket']);
  });

  it('gives nothing that outlives a rollback a fixed name: no secret, log group or key alias names', () => {
    for (const [, secret] of t.resourcesOf('AWS::SecretsManager::Secret'))
      expect(props(secret).Name).toBeUndefined();
    for (const [, group] of t.resourcesOf('AWS::Logs::LogGroup'))
      expect(props(group).LogGroupName).toBeUndefined();
    expect(t.resourcesOf('AWS::KMS::Alias')).toEqual([]);
    for (const [, bucket] of t.resourcesOf('AWS::S3::Bucket'))
      expect(props(bucket).BucketName).toBeUndefined();
  });

  it('reserves no concurrency unless the deployer turns it on (new accounts have a quota of 10)', () => {
    // Prepare
    const reserved = synth({ ...DEPLOYABLE, reservedConcurrency: true }).template;

    // Act
    const byDefault = t
      .resourcesOf('AWS::Lambda::Function')
      .map(([, fn]) => props(fn).ReservedConcurrentExecutions);
    const [, receiver] = reserved.functionNamed('welkin-webhook');
    const [, worker] = reserved.functionNamed('welkin-webhook-worker');

    // Assess
    expect(byDefault.every((value) => value === undefined)).toBe(true);
    expect(props(receiver).ReservedConcurrentExecutions).toBe(20);
    expect(props(worker).ReservedConcurrentExecutions).toBe(2);
  });
});

describe('the webhook receiver (issue 11)', () => {
  it('gets tenant and instance from its environment and cannot read the API credentials', () => {
    // Prepare
    const [receiverId, receiver] = t.functionNamed('welkin-webhook');
    const credentials = t.logicalIdOf('AWS::SecretsManager::Secret', 'credentials');
    const role = (props(receiver).Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];

    // Act
    const env = envOf(receiver);
    const grants = JSON.stringify(t.statementsOf(role.replace(/[0-9A-F]{8}$/, '')));

    // Assess
    expect(receiverId).toContain('WelkinWebhook');
    expect(env).toMatchObject({ WELKIN_TENANT: 'acme', WELKIN_INSTANCE: 'prod' });
    expect(Object.keys(env)).not.toContain('WELKIN_CREDENTIALS_SECRET_ARN');
    expect(grants).toContain('secretsmanager:GetSecretValue');
    expect(grants).not.toContain(credentials);
  });
});

describe('the Welkin v1 webhook receiver', () => {
  it('holds only its signing secret and its own prefix, never the API credentials', () => {
    // Prepare
    const [, receiver] = t.functionNamed('welkin-v1-webhook');
    const credentials = t.logicalIdOf('AWS::SecretsManager::Secret', 'WelkinV1Secretscredentials');
    const role = (props(receiver).Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];

    // Act
    const env = envOf(receiver);
    const grants = JSON.stringify(t.statementsOf(role.replace(/[0-9A-F]{8}$/, '')));

    // Assess
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['WELKIN_V1_WEBHOOK_SECRET_ARN', 'WELKIN_V1_EVENTS_QUEUE_URL']),
    );
    expect(Object.keys(env)).not.toContain('WELKIN_V1_CREDENTIALS_SECRET_ARN');
    expect(grants).not.toContain(credentials);
    expect(grants).toContain('/snapshots/welkin-v1-events/*');
    expect(grants).not.toContain('welkin-v1-changes');
  });
});

describe('alarms and User-Agent are deploy settings (issue 11)', () => {
  it('refuses to build a deployable stack without them, in one line naming each', () => {
    // Prepare / Act
    const attempt = () => synth({ sources: { welkin: { webhook: true } }, userAgent: 'x (ops@example.com)' });

    // Assess
    expect(attempt).toThrow(
      /^not deployable: set context alarmEmail or alarmTopicArn .*; userAgent .*; sources\.welkin\.settings\.tenant/,
    );
  });

  it('synthesizes offline without them, into a template CloudFormation refuses to deploy', () => {
    // Prepare / Act
    const offline = synth({}, { synthOnly: true }).template.template.toJSON();

    // Assess
    const rule = offline.Rules?.DeploySettingsRequired;
    expect(rule.Assertions[0]).toMatchObject({
      Assert: { 'Fn::Equals': ['settings', 'missing'] },
      AssertDescription: expect.stringMatching(/^not deployable: set context alarmEmail/),
    });
    expect(t.template.toJSON().Rules?.DeploySettingsRequired).toBeUndefined();
  });

  it('sends alarms to an existing topic when given one', () => {
    // Prepare
    const topicArn = 'arn:aws:sns:ap-southeast-2:123456789012:oncall';
    const withTopic = synth({ ...DEPLOYABLE, alarmEmail: undefined, alarmTopicArn: topicArn }).template;

    // Act
    const alarms = withTopic.resourcesOf('AWS::CloudWatch::Alarm');

    // Assess
    expect(alarms.length).toBeGreaterThan(5);
    for (const [, alarm] of alarms) expect(props(alarm).AlarmActions).toContainEqual(topicArn);
    expect(withTopic.resourcesOf('AWS::SNS::Subscription')).toEqual([]);
    t.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@clinic.test',
    });
  });
});

describe('least privilege (issue 11)', () => {
  it('lists the bucket only under a prefix, with no IfExists escape', () => {
    const lists = [...t.statementsOf(''), ...t.managedStatements()].filter((s) =>
      actions(s).includes('s3:ListBucket'),
    );
    expect(lists.length).toBeGreaterThan(5);
    for (const statement of lists) {
      expect(Object.keys(statement.Condition ?? {})).toEqual(['StringLike']);
      const prefixes = ((statement.Condition as Json).StringLike as Json)['s3:prefix'] as string[];
      for (const prefix of [prefixes].flat()) expect(prefix).toMatch(/^[a-z_-][^*]*\/\*$/);
    }
  });

  it('lets every role use the data key only through a named service', () => {
    const kms = t.statementsOf('').filter((s) => actions(s).some((a) => a.startsWith('kms:')));
    expect(kms.length).toBeGreaterThan(10);
    for (const statement of kms) {
      expect(JSON.stringify(statement.Condition ?? {})).toContain('kms:ViaService');
    }
    const worker = t
      .statementsOf('WelkinWebhookWorkerRole')
      .filter((s) => actions(s).includes('kms:Decrypt'));
    expect(worker.length).toBeGreaterThan(0);
    for (const statement of worker) expect(JSON.stringify(statement.Condition)).toContain('kms:ViaService');
  });

  it('gives each Athena reader its own workgroup and results prefix', () => {
    // Prepare
    const two = synth({ ...DEPLOYABLE, readerRoles: ['bi', 'analyst'] }).template;

    // Act
    const groups = two.resourcesOf('AWS::Athena::WorkGroup').map(([, g]) => props(g));
    const outputs = groups.map((g) => JSON.stringify((g.WorkGroupConfiguration as Json).ResultConfiguration));
    const policies = two.resourcesOf('AWS::IAM::ManagedPolicy').map(([, p]) => JSON.stringify(props(p)));

    // Assess
    expect(groups.map((g) => g.Name)).toEqual(['testpipe-bi', 'testpipe-analyst']);
    expect(outputs[0]).toContain('/athena-results/bi/');
    expect(outputs[1]).toContain('/athena-results/analyst/');
    expect(policies[0]).toContain('athena-results/bi/*');
    expect(policies[0]).not.toContain('athena-results/analyst');
    expect(policies[1]).not.toContain('athena-results/bi');
  });
});
