import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ATHENA_RESULTS_ROOT, athenaResultsFolder } from '../shared/layout/index.js';
import type { SourceDeployment } from '../shared/sources/deployment.js';
import type { PipelineConfig } from './config.js';
import { Catalog } from './constructs/catalog.js';
import { ExecutionCleanup } from './constructs/execution-cleanup.js';
import { LeaseTable } from './constructs/execution-lease.js';
import { Functions } from './constructs/functions.js';
import { Monitoring } from './constructs/monitoring.js';
import { ReaderPolicy } from './constructs/reader-policy.js';
import { type SharedInfrastructure, SourcePipeline } from './constructs/source-pipeline.js';
import { Storage } from './constructs/storage.js';
import { enforceDeploySettings } from './deploy-settings.js';
import { SOURCE_DEPLOYMENTS } from './source-deployments.js';

export interface ClinicPipeStackProps extends StackProps {
  readonly config: PipelineConfig;
  /** Repository root (entries and lock file). */
  readonly projectRoot: string;
  /** The sources to deploy; the module list by default. */
  readonly deployments?: readonly SourceDeployment[];
  /** Offline checks (`npm run synth`, tests): missing deploy settings make the template undeployable instead. */
  readonly synthOnly?: boolean;
}

/** Used only in synth-only templates, which the deploy-settings rule keeps from ever deploying. */
const SYNTH_ONLY_USER_AGENT = 'clinic-pipe exporter (synth only, not deployable)';

export class ClinicPipeStack extends Stack {
  constructor(scope: Construct, id: string, props: ClinicPipeStackProps) {
    super(scope, id, props);
    const { config } = props;
    const deployments = props.deployments ?? SOURCE_DEPLOYMENTS;
    enforceDeploySettings(this, config, deployments, props.synthOnly ?? false);
    const prefix = config.outputPrefix;
    const enabled = deployments.flatMap((deployment) => {
      const source = config.sources.get(deployment.source);
      return source?.enabled ? [{ deployment, source }] : [];
    });

    const storage = new Storage(this, 'Storage', {
      expiringPrefixes: enabled.flatMap(({ deployment, source }) =>
        expiringPrefixes(prefix, deployment, source),
      ),
      retentionDays: config.retentionDays,
      noncurrentVersionDays: config.noncurrentVersionDays,
      athenaResultsPrefix: ATHENA_RESULTS_ROOT,
    });
    const { key, bucket } = storage;
    const logRetention = toRetentionDays(config.logRetentionDays);
    const monitoring = new Monitoring(this, 'Monitoring', {
      key,
      alarmEmail: config.alarmEmail,
      alarmTopicArn: config.alarmTopicArn,
    });

    const asyncDlq = new Queue(this, 'AsyncInvokeDlq', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(asyncDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter target of asynchronous Lambda invocations, schedule starts and clean-up events.',
    });
    monitoring.queueNotEmpty('AsyncInvokeDlqNotEmpty', asyncDlq, 'The async-invocation dead-letter queue');
    monitoring.scheduleDeadLettersLost('ScheduleDeadLettersLost');

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
    // Plain strings (not Refs): they name IAM resources and nag acknowledgments at synth time.
    const databaseName = this.stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    const catalog = new Catalog(this, 'Catalog', {
      bucket,
      databaseName,
      projectionStartDate: config.projectionStartDate,
    });
    const leases = new LeaseTable(this, 'Leases', { key });
    const cleanup = new ExecutionCleanup(this, 'Cleanup', {
      functions,
      bucket,
      key,
      outputPrefix: prefix,
      leaseTable: leases.table,
      monitoring,
      deadLetterQueue: asyncDlq,
    });
    const shared: SharedInfrastructure = {
      functions,
      bucket,
      key,
      outputPrefix: prefix,
      eventBus,
      catalog,
      leaseTable: leases.table,
      cleanup,
      monitoring,
      deadLetterQueue: asyncDlq,
      logRetention,
      maxLoopIterations: config.maxLoopIterations,
      userAgent: config.userAgent ?? SYNTH_ONLY_USER_AGENT,
    };
    for (const { deployment, source } of enabled) {
      new SourcePipeline(this, pascal(deployment.source), { deployment, config: source, shared });
    }
    cleanup.grantWatchedPrefixes();
    for (const fn of functions.all) monitoring.functionErrors(`${fn.node.id}Errors`, fn);

    for (const reader of config.readerRoles) {
      const policy = new ReaderPolicy(this, `Reader-${reader}`, {
        bucket,
        key,
        outputPrefix: prefix,
        athenaResultsPrefix: athenaResultsFolder(reader),
        databaseName,
        workGroupName: `${databaseName}-${reader}`,
      });
      new CfnOutput(this, `ReaderPolicyArn-${reader}`, {
        value: policy.policy.managedPolicyArn,
        description: `Attach to the ${reader} role to query with Athena in workgroup ${databaseName}-${reader}`,
      });
    }
    new CfnOutput(this, 'SnapshotBucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'SnapshotEventBusName', { value: eventBus.eventBusName });
    new CfnOutput(this, 'GlueDatabaseName', { value: catalog.database.ref });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.topic.topicArn });
    new CfnOutput(this, 'LeaseTableName', { value: leases.table.tableName });
  }
}

/**
 * What retention expires by prefix: webhook output. Run folders (`dt=`) expire by their tag, in one rule for
 * every resource and account; current state never expires.
 */
function expiringPrefixes(
  prefix: string,
  deployment: SourceDeployment,
  source: { webhook: boolean },
): string[] {
  const hook = source.webhook ? deployment.webhook : undefined;
  const webhook = hook
    ? [...hook.receiver.prefixes, ...hook.worker.prefixes].map((p) => `${prefix}/${p}/`)
    : [];
  return webhook;
}

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function toRetentionDays(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
  const match = allowed.filter((d) => d >= days).sort((a, b) => a - b)[0];
  return (match ?? RetentionDays.TEN_YEARS) as RetentionDays;
}
