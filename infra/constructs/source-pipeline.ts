import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { accountFolder } from '../../shared/layout/index.js';
import type { SourceDeployment } from '../../shared/sources/deployment.js';
import type { SourceConfig } from '../config.js';
import { incrementalBesideFull } from '../schedule-days.js';
import type { Catalog } from './catalog.js';
import type { ExecutionCleanup } from './execution-cleanup.js';
import { ExportStateMachine } from './export-state-machine.js';
import type { Functions } from './functions.js';
import { grantKeyViaDynamoDb, grantTableColumns } from './grants.js';
import type { Monitoring } from './monitoring.js';
import { NightlySchedule, scheduleRole } from './schedules.js';
import { addSourceFunction, type SourceFunctionContext } from './source-function.js';
import { SourceSecrets } from './source-secrets.js';
import { addSourceTables, addWebhookTables } from './source-tables.js';
import { Webhook } from './webhook.js';

/**
 * The export function reads its execution's lease before a run continues or publishes (shared/lambda/lease.ts):
 * an invocation left running after a stop must not publish what the clean-up discards.
 */
function grantLeaseRead(fn: NodejsFunction, table: Table, key: IKey): void {
  fn.addEnvironment('LEASE_TABLE_NAME', table.tableName);
  fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [table.tableArn] }));
  grantKeyViaDynamoDb(fn, key);
}

/** What every source shares in the stack. */
export interface SharedInfrastructure {
  readonly functions: Functions;
  readonly bucket: IBucket;
  readonly key: IKey;
  readonly outputPrefix: string;
  readonly eventBus: IEventBus;
  readonly catalog: Catalog;
  readonly leaseTable: Table;
  readonly cleanup: ExecutionCleanup;
  readonly monitoring: Monitoring;
  readonly deadLetterQueue: IQueue;
  readonly logRetention: RetentionDays;
  readonly maxLoopIterations: number;
  readonly userAgent: string;
}

export interface SourcePipelineProps {
  readonly deployment: SourceDeployment;
  readonly config: SourceConfig;
  readonly shared: SharedInfrastructure;
}

/**
 * Everything one source needs, built from its deployment description: secrets, the export function, the
 * state machine with its lease, incremental and full schedules per account, the clean-up rule, its Glue tables,
 * and its webhook when it has one. The stack builds one per source of the module list.
 */
export class SourcePipeline extends Construct {
  readonly exportFunction: NodejsFunction;
  readonly flow: ExportStateMachine;
  readonly secrets: SourceSecrets;
  readonly webhook?: Webhook;

  constructor(scope: Construct, id: string, props: SourcePipelineProps) {
    super(scope, id);
    const { deployment, config, shared } = props;
    const accounts = config.schedules.flatMap((s) => (s.account === undefined ? [] : [s.account]));
    const accountFolders = accounts.map(accountFolder);
    this.secrets = new SourceSecrets(this, 'Secrets', {
      key: shared.key,
      secrets: deployment.secrets,
      accounts,
    });
    const context: SourceFunctionContext = {
      functions: shared.functions,
      bucket: shared.bucket,
      key: shared.key,
      outputPrefix: shared.outputPrefix,
      secrets: this.secrets,
      accountFolders,
      settings: config.settings,
    };
    const environment = deployment.exportEnvironment?.({
      mapConcurrency: config.mapConcurrency,
      userAgent: shared.userAgent,
      accountCount: Math.max(1, accounts.length),
      requestsPerMinute: config.requestsPerMinute,
      values: config.settings,
    });
    this.exportFunction = addSourceFunction(context, `${id}Export`, deployment.exportFunction, {
      ...environment,
      // Its publishes keep the source's tables' columns in step with the data (glue-tables.ts).
      GLUE_DATABASE: shared.catalog.databaseName,
    });
    grantTableColumns(this.exportFunction, shared.catalog.databaseName, deployment.source);
    grantLeaseRead(this.exportFunction, shared.leaseTable, shared.key);

    const resources = deployment.resources.map((r) => r.name);
    this.flow = new ExportStateMachine(this, 'ExportFlow', {
      source: deployment.source,
      exportFunction: this.exportFunction,
      defaultResources: resources,
      defaultAccount: deployment.perAccount ? accounts[0] : undefined,
      maxConcurrency: config.mapConcurrency,
      maxLoopIterations: shared.maxLoopIterations,
      eventBus: shared.eventBus,
      bucketName: shared.bucket.bucketName,
      databaseName: shared.catalog.databaseName,
      leaseTable: shared.leaseTable,
      key: shared.key,
      logRetention: shared.logRetention,
    });
    shared.monitoring.stateMachineFailures(`${id}ExportFailed`, this.flow.stateMachine, deployment.title);
    this.schedule(props);
    shared.cleanup.watch(`${id}Cleanup`, this.flow.stateMachine, {
      source: deployment.source,
      perAccount: deployment.perAccount,
      defaultAccount: deployment.perAccount ? accounts[0] : undefined,
      defaultResources: resources,
      prefixes: deployment.perAccount
        ? accountFolders.map((f) => `${shared.outputPrefix}/${f}/${deployment.source}`)
        : [`${shared.outputPrefix}/${deployment.source}`],
      exportTimeout: Duration.seconds(deployment.exportFunction.timeoutSeconds),
    });
    addSourceTables(shared.catalog, { deployment, outputPrefix: shared.outputPrefix, accounts });

    if (deployment.webhook && config.webhook) {
      this.webhook = new Webhook(this, 'Webhook', { context, deployment: deployment.webhook, name: id });
      shared.monitoring.queueNotEmpty(
        `${id}WebhookDlqNotEmpty`,
        this.webhook.deadLetterQueue,
        `The ${deployment.title} webhook dead-letter queue`,
      );
      addWebhookTables(shared.catalog, shared.outputPrefix, deployment.webhook.tables);
      new CfnOutput(this, 'WebhookUrl', {
        value: this.webhook.url,
        description: deployment.webhook.authentication,
      });
    }
    new CfnOutput(this, 'StateMachineArn', { value: this.flow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ExportFunctionName', { value: this.exportFunction.functionName });
    for (const secret of this.secrets.all) {
      new CfnOutput(this, `${secret.node.id}SecretName`, { value: secret.secretName });
    }
  }

  /** Nightly incrementals and, on their own (weekly by default) schedule, full runs: per account. */
  private schedule({ deployment, config, shared }: SourcePipelineProps): void {
    const role = scheduleRole(
      this,
      'ScheduleRole',
      `Starts ${deployment.title} exports on schedule`,
      shared.key,
    );
    for (const s of config.schedules) {
      const suffix = s.account === undefined ? '' : `-${s.account}`;
      const who = s.account === undefined ? deployment.title : `${deployment.title} account ${s.account}`;
      const account = s.account === undefined ? {} : { account: s.account };
      const where = `sources.${deployment.source}${suffix ? ` account ${s.account}` : ''}`;
      // On the full run's days the full run replaces the incremental: they never wait for each other's lease.
      for (const [mode, expression] of [
        ['incremental', incrementalBesideFull(s.incremental, s.full, where)],
        ['full', s.full],
      ] as const) {
        new NightlySchedule(this, `${mode === 'full' ? 'Full' : 'Incremental'}Schedule${suffix}`, {
          stateMachine: this.flow.stateMachine,
          expression,
          timezone: s.timezone,
          input: { ...account, mode },
          description: `${mode === 'full' ? 'Full' : 'Incremental'} export of ${who}`,
          deadLetterQueue: shared.deadLetterQueue,
          role,
        });
      }
    }
  }
}
