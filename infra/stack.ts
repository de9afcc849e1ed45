import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { EXPORTER_NODE_OPTIONS } from '../shared/lambda/runtime-options.js';
import type { PipelineConfig } from './config.js';
import { Catalog, projected } from './constructs/catalog.js';
import { ExportStateMachine } from './constructs/export-state-machine.js';
import { Functions } from './constructs/functions.js';
import { grantPrefixes, grantSecretRead, grantSecretReadWrite } from './constructs/grants.js';
import { Monitoring } from './constructs/monitoring.js';
import { ReaderPolicy } from './constructs/reader-policy.js';
import { NightlySchedule } from './constructs/schedules.js';
import { Secrets } from './constructs/secrets.js';
import { Storage } from './constructs/storage.js';
import { Webhook } from './constructs/webhook.js';
import { addWebhookTables } from './constructs/webhook-tables.js';
import {
  CLINIKO_DEFAULT_COLUMNS,
  CLINIKO_RESOURCE_SPECS,
  WELKIN_DEFAULT_COLUMNS,
  WELKIN_RESOURCE_SPECS,
} from './resources.js';

export interface ClinicPipeStackProps extends StackProps {
  readonly config: PipelineConfig;
  /** Repository root (entries and lock file). */
  readonly projectRoot: string;
}

const EXPORT_TIMEOUT = Duration.minutes(15);
/** Bench peak is ~160 MB RSS; 512 MB leaves headroom and buys CPU for gzip. */
const EXPORT_MEMORY_MB = 512;
/** The flags `npm run bench` measured the bundled exporter with (peak RSS ~126 MB at 1M rows). */
const EXPORTER_ENV = { NODE_OPTIONS: `--enable-source-maps ${EXPORTER_NODE_OPTIONS}` };
const ATHENA_RESULTS_PREFIX = 'athena-results';

export class ClinicPipeStack extends Stack {
  constructor(scope: Construct, id: string, props: ClinicPipeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prefix = config.outputPrefix;
    const accounts = config.clinikoAccounts.map((a) => a.name);
    const accountPrefix = (account: string) => `${prefix}/account=${account}`;

    const runPrefixes = [
      ...accounts.map((a) => `${accountPrefix(a)}/cliniko`),
      ...(config.welkin.enabled ? [`${prefix}/welkin`] : []),
      ...(config.webhook.enabled ? [`${prefix}/welkin-events`, `${prefix}/welkin-changes`] : []),
    ];
    const storage = new Storage(this, 'Storage', {
      runPrefixes,
      retentionDays: config.retentionDays,
      noncurrentVersionDays: config.noncurrentVersionDays,
      athenaResultsPrefix: ATHENA_RESULTS_PREFIX,
    });
    const { key, bucket } = storage;
    const logRetention = toRetentionDays(config.logRetentionDays);

    const secrets = new Secrets(this, 'Secrets', {
      key,
      clinikoAccounts: accounts,
      welkin: config.welkin.enabled || config.webhook.enabled,
      webhook: config.webhook.enabled,
    });

    const monitoring = new Monitoring(this, 'Monitoring', { key, alarmEmail: config.alarmEmail });

    const asyncDlq = new Queue(this, 'AsyncInvokeDlq', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(asyncDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter target of asynchronous Lambda invocations and schedule starts.',
    });
    monitoring.queueNotEmpty('AsyncInvokeDlqNotEmpty', asyncDlq, 'The async-invocation dead-letter queue');

    const functions = new Functions(this, 'Functions', {
      projectRoot: props.projectRoot,
      key,
      logRetention,
      asyncDeadLetterQueue: asyncDlq,
      reservedConcurrency: config.reservedConcurrency,
      environment: { OUTPUT_BUCKET: bucket.bucketName, OUTPUT_PREFIX: prefix },
    });

    const eventBus = new EventBus(this, 'SnapshotEvents', {
      description: 'SnapshotCompleted events for warehouse loaders',
    });

    // Cliniko: one function and one state machine for all accounts; the account travels in the input.
    const clinikoExport = functions.add('ClinikoExport', {
      entryDir: 'cliniko-export',
      serviceName: 'cliniko-export',
      description: 'Exports Cliniko resources to NDJSON snapshots (resumable via checkpoint)',
      timeout: EXPORT_TIMEOUT,
      memorySize: EXPORT_MEMORY_MB,
      reservedConcurrentExecutions: config.clinikoMapConcurrency * accounts.length + 1,
      environment: {
        ...EXPORTER_ENV,
        CLINIKO_SECRET_ARNS: Stack.of(this).toJsonString(
          Object.fromEntries(accounts.map((a) => [a, secrets.cliniko.get(a)?.secretArn])),
        ),
        CLINIKO_USER_AGENT: config.clinikoUserAgent,
        // Cliniko's limit is per API user, shared by the Map's parallel invocations; keep 10% headroom.
        CLINIKO_REQUESTS_PER_MINUTE: String(
          Math.max(1, Math.floor((config.clinikoRateLimitPerMinute * 0.9) / config.clinikoMapConcurrency)),
        ),
      },
    });
    for (const account of accounts) {
      const secret = secrets.cliniko.get(account);
      if (secret) grantSecretRead(clinikoExport, secret, key);
    }
    grantPrefixes(clinikoExport, bucket, key, accounts.map(accountPrefix));

    const cliniko = new ExportStateMachine(this, 'ClinikoExportFlow', {
      source: 'cliniko',
      exportFunction: clinikoExport,
      defaultResources: CLINIKO_RESOURCE_SPECS.map((r) => r.name),
      defaultAccount: accounts[0],
      maxConcurrency: config.clinikoMapConcurrency,
      maxLoopIterations: config.maxLoopIterations,
      eventBus,
      bucketName: bucket.bucketName,
      key,
      logRetention,
    });
    monitoring.stateMachineFailures('ClinikoExportFailed', cliniko.stateMachine);
    for (const account of config.clinikoAccounts) {
      new NightlySchedule(this, `ClinikoSchedule-${account.name}`, {
        stateMachine: cliniko.stateMachine,
        expression: account.schedule,
        timezone: account.timezone,
        input: { account: account.name, mode: 'incremental' },
        description: `Nightly incremental Cliniko export of account ${account.name}`,
        deadLetterQueue: asyncDlq,
        key,
      });
    }
    new CfnOutput(this, 'ClinikoStateMachineArn', { value: cliniko.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ClinikoExportFunctionName', { value: clinikoExport.functionName });

    if (config.welkin.enabled && secrets.welkinCredentials && secrets.welkinToken) {
      const welkinExport = functions.add('WelkinExport', {
        entryDir: 'welkin-export',
        serviceName: 'welkin-export',
        description: 'Exports Welkin resources to NDJSON snapshots (resumable via checkpoint)',
        timeout: EXPORT_TIMEOUT,
        memorySize: EXPORT_MEMORY_MB,
        reservedConcurrentExecutions: config.welkinMapConcurrency + 1,
        environment: {
          ...EXPORTER_ENV,
          WELKIN_CREDENTIALS_SECRET_ARN: secrets.welkinCredentials.secretArn,
          WELKIN_TOKEN_SECRET_ARN: secrets.welkinToken.secretArn,
        },
      });
      grantSecretRead(welkinExport, secrets.welkinCredentials, key);
      grantSecretReadWrite(welkinExport, secrets.welkinToken, key);
      grantPrefixes(welkinExport, bucket, key, [`${prefix}/welkin`, `${prefix}/_state/welkin`]);

      const welkin = new ExportStateMachine(this, 'WelkinExportFlow', {
        source: 'welkin',
        exportFunction: welkinExport,
        defaultResources: WELKIN_RESOURCE_SPECS.map((r) => r.name),
        maxConcurrency: config.welkinMapConcurrency,
        maxLoopIterations: config.maxLoopIterations,
        eventBus,
        bucketName: bucket.bucketName,
        key,
        logRetention,
      });
      monitoring.stateMachineFailures('WelkinExportFailed', welkin.stateMachine);
      new NightlySchedule(this, 'WelkinSchedule', {
        stateMachine: welkin.stateMachine,
        expression: config.welkin.schedule,
        timezone: config.welkin.timezone,
        input: { mode: 'incremental' },
        description: 'Nightly incremental Welkin export',
        deadLetterQueue: asyncDlq,
        key,
      });
      new CfnOutput(this, 'WelkinStateMachineArn', { value: welkin.stateMachine.stateMachineArn });
      new CfnOutput(this, 'WelkinSecretNames', {
        value: `${secrets.welkinCredentials.secretName},${secrets.welkinToken.secretName}`,
      });
      new CfnOutput(this, 'WelkinExportFunctionName', { value: welkinExport.functionName });
    }

    if (config.webhook.enabled && secrets.webhookSecret && secrets.welkinCredentials && secrets.welkinToken) {
      const webhook = new Webhook(this, 'Webhook', {
        functions,
        bucket,
        key,
        outputPrefix: prefix,
        webhookSecret: secrets.webhookSecret,
        welkinCredentials: secrets.welkinCredentials,
        welkinToken: secrets.welkinToken,
        reservedConcurrency: { receiver: 20, worker: 2 },
      });
      monitoring.queueNotEmpty(
        'WebhookDlqNotEmpty',
        webhook.deadLetterQueue,
        'The webhook events dead-letter queue',
      );
      new CfnOutput(this, 'WelkinWebhookUrl', {
        value: webhook.url,
        description: 'Configure this URL in Welkin with the header X-Webhook-Secret',
      });
      new CfnOutput(this, 'WelkinWebhookSecretName', { value: secrets.webhookSecret.secretName });
    }

    for (const fn of functions.all) monitoring.functionErrors(`${fn.node.id}Errors`, fn as NodejsFunction);

    // Plain strings (not Refs): they name IAM resources and nag acknowledgments at synth time.
    const databaseName = this.stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const catalog = new Catalog(this, 'Catalog', {
      bucket,
      key,
      databaseName,
      athenaResultsPrefix: ATHENA_RESULTS_PREFIX,
      projectionStartDate: config.projectionStartDate,
    });
    catalog.addSnapshotTables({
      source: 'cliniko',
      prefixTemplate: `${prefix}/account=${projected('account')}`,
      accounts,
      resources: CLINIKO_RESOURCE_SPECS,
      defaultColumns: CLINIKO_DEFAULT_COLUMNS,
    });
    if (config.welkin.enabled) {
      catalog.addSnapshotTables({
        source: 'welkin',
        prefixTemplate: prefix,
        resources: WELKIN_RESOURCE_SPECS,
        defaultColumns: WELKIN_DEFAULT_COLUMNS,
      });
    }
    if (config.webhook.enabled) addWebhookTables(catalog, prefix);

    const reader = new ReaderPolicy(this, 'SnapshotReader', {
      bucket,
      key,
      outputPrefix: prefix,
      athenaResultsPrefix: ATHENA_RESULTS_PREFIX,
      databaseName,
      workGroupName: databaseName,
    });

    new CfnOutput(this, 'SnapshotReaderPolicyArn', {
      value: reader.policy.managedPolicyArn,
      description: 'Attach to the role of a BI tool or analyst to query the snapshots with Athena',
    });
    new CfnOutput(this, 'SnapshotBucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'SnapshotEventBusName', { value: eventBus.eventBusName });
    new CfnOutput(this, 'GlueDatabaseName', { value: catalog.database.ref });
    new CfnOutput(this, 'AthenaWorkGroup', { value: catalog.workGroup.ref });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.topic.topicArn });
    new CfnOutput(this, 'ClinikoSecretNames', {
      value: accounts.map((a) => secrets.cliniko.get(a)?.secretName ?? '').join(','),
    });
  }
}

function toRetentionDays(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
  const match = allowed.filter((d) => d >= days).sort((a, b) => a - b)[0];
  return (match ?? RetentionDays.TEN_YEARS) as RetentionDays;
}
