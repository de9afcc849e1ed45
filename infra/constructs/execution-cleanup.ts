import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Functions } from './functions.js';
import { grantKeyViaDynamoDb, grantPrefixes } from './grants.js';
import type { Monitoring } from './monitoring.js';

/** Execution statuses after which a run may be left unfinished. */
export const STOPPED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'];

export interface ExecutionCleanupProps {
  readonly functions: Functions;
  readonly bucket: IBucket;
  readonly key: IKey;
  readonly outputPrefix: string;
  readonly leaseTable: Table;
  readonly monitoring: Monitoring;
  readonly deadLetterQueue: IQueue;
}

export interface WatchedSource {
  readonly source: string;
  readonly perAccount: boolean;
  readonly defaultAccount?: string;
  readonly defaultResources: readonly string[];
  /** Bucket prefixes (below nothing) holding the source's run folders. */
  readonly prefixes: readonly string[];
}

/**
 * Cleans up after export executions that did not succeed, including the ones that cannot clean up after
 * themselves (timed out, aborted): an EventBridge rule per state machine invokes one function that discards the
 * parts of the runs the execution left without a manifest, records the failure under `_failures/`, and releases
 * the execution's lease. An alarm fires on every such event.
 */
export class ExecutionCleanup extends Construct {
  readonly function: NodejsFunction;
  private readonly prefixes: string[];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ExecutionCleanupProps,
  ) {
    super(scope, id);
    this.prefixes = [`${props.outputPrefix}/_failures`];
    this.function = props.functions.add('ExecutionCleanup', {
      entryDir: 'execution-cleanup',
      serviceName: 'execution-cleanup',
      description:
        'After a failed, timed-out or aborted export: discards unfinished runs, releases the lease',
      timeout: Duration.minutes(5),
      memorySize: 256,
      reservedConcurrentExecutions: 1,
      environment: { LEASE_TABLE_NAME: props.leaseTable.tableName },
    });
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem'],
        resources: [props.leaseTable.tableArn],
      }),
    );
    // The lease table is encrypted with the data key; DynamoDB uses it on the function's behalf.
    grantKeyViaDynamoDb(this.function, props.key);
  }

  /** Cleans up after every stopped execution of this state machine. */
  watch(id: string, stateMachine: IStateMachine, source: WatchedSource): Rule {
    this.prefixes.push(...source.prefixes);
    const rule = new Rule(this, id, {
      description: `Clean up after ${source.source} export executions that failed, timed out or were aborted`,
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: STOPPED_STATUSES, stateMachineArn: [stateMachine.stateMachineArn] },
      },
    });
    rule.addTarget(
      new LambdaFunction(this.function, {
        event: RuleTargetInput.fromObject({
          source: source.source,
          perAccount: source.perAccount,
          defaultAccount: source.defaultAccount,
          defaultResources: source.defaultResources,
          execution: EventField.fromPath('$.detail'),
        }),
        deadLetterQueue: this.props.deadLetterQueue,
        retryAttempts: 4,
        maxEventAge: Duration.hours(6),
      }),
    );
    this.props.monitoring.alarmOn(
      `${id}Stopped`,
      new Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: { RuleName: rule.ruleName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      `A ${source.source} export execution failed, timed out or was aborted; its unfinished runs are being discarded`,
    );
    return rule;
  }

  /** Grants the watched sources' prefixes; call once after the last `watch`. */
  grantWatchedPrefixes(): void {
    grantPrefixes(this.function, this.props.bucket, this.props.key, this.prefixes);
  }
}
