import { Duration, Validations } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { failuresFolder } from '../../shared/layout/index.js';
import type { Functions } from './functions.js';
import { grantKeyViaDynamoDb, grantPrefixes, grantQueueSend } from './grants.js';
import type { Monitoring } from './monitoring.js';

/** Execution statuses after which a run may be left unfinished. */
export const STOPPED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'];
/** Added to the longest export function timeout: start-up and clock skew between Lambda and Step Functions. */
export const CLEANUP_WAIT_MARGIN = Duration.minutes(1);

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
  /** The export function's timeout: an invocation may run this long after its execution stopped. */
  readonly exportTimeout: Duration;
}

/**
 * Cleans up after export executions that did not succeed, including the ones that cannot clean up after
 * themselves (timed out, aborted), in two phases. An EventBridge rule per state machine invokes one function
 * that marks the execution's lease `stopping` at once (its invocations still running may no longer continue or
 * publish) and queues the second phase on its own queue, delayed until the longest export invocation started
 * before the stop has ended: Step Functions does not cancel a running Lambda. The second phase discards the
 * parts of the runs the execution left without a manifest, records the failure under `_failures/`, and releases
 * the lease. An alarm fires on every stopped execution, on the clean-up's errors and on its dead letters.
 */
export class ExecutionCleanup extends Construct {
  readonly function: NodejsFunction;
  /** The second phase's queue (delayed messages); its dead letters mean a clean-up that keeps failing. */
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  private readonly prefixes: string[];
  private waitSeconds = 0;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ExecutionCleanupProps,
  ) {
    super(scope, id);
    this.prefixes = [`${props.outputPrefix}/${failuresFolder()}`];
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
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.leaseTable.tableArn],
      }),
    );
    // The lease table is encrypted with the data key; DynamoDB uses it on the function's behalf.
    grantKeyViaDynamoDb(this.function, props.key);

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is itself the dead-letter queue of the clean-up's delay queue.",
    });
    this.queue = new Queue(this, 'Delay', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      // Six times the function timeout, as Lambda advises for SQS event sources.
      visibilityTimeout: Duration.minutes(30),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    // A mapping without SqsEventSource's grants (kms:Decrypt for any use): decrypting only through SQS.
    this.function.addEventSourceMapping('Delayed', { eventSourceArn: this.queue.queueArn, batchSize: 1 });
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        resources: [this.queue.queueArn],
      }),
    );
    grantQueueSend(this.function, this.queue, props.key);
    this.function.addEnvironment('CLEANUP_QUEUE_URL', this.queue.queueUrl);
    props.monitoring.queueNotEmpty(
      'CleanupDeadLettersNotEmpty',
      this.deadLetterQueue,
      'The execution clean-up dead-letter queue (a clean-up failed five times; its lease frees itself within 2 hours)',
    );
  }

  /** Cleans up after every stopped execution of this state machine. */
  watch(id: string, stateMachine: IStateMachine, source: WatchedSource): Rule {
    this.prefixes.push(...source.prefixes);
    this.waitSeconds = Math.max(
      this.waitSeconds,
      source.exportTimeout.toSeconds() + CLEANUP_WAIT_MARGIN.toSeconds(),
    );
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
    this.props.monitoring.ruleDeadLettersLost(`${id}DeadLettersLost`, rule.ruleName);
    return rule;
  }

  /** Grants the watched sources' prefixes and sets the wait; call once after the last `watch`. */
  grantWatchedPrefixes(): void {
    grantPrefixes(this.function, this.props.bucket, this.props.key, this.prefixes);
    this.function.addEnvironment('CLEANUP_WAIT_SECONDS', String(Math.max(60, this.waitSeconds)));
  }
}
