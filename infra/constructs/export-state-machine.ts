import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  Fail,
  type IChainable,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  Pass,
  Result,
  StateMachine,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { FAILED_CAUSE_PREFIX } from '../../shared/lambda/stopped-execution.js';
import { NON_RETRYABLE_ERRORS } from '../../shared/non-retryable.js';
import { tableSafe } from '../../shared/sources/deployment.js';
import { acquireLease, releaseLease } from './execution-lease.js';
import { acknowledgeServiceRole } from './functions.js';
import { grantKeyViaDynamoDb } from './grants.js';
import { rateLimitWait } from './rate-limit-wait.js';
import { publishEachResult } from './snapshot-publish.js';

export { FAILED_CAUSE_PREFIX } from '../../shared/lambda/stopped-execution.js';
export { NON_RETRYABLE_ERRORS };

/** At most this much of each failed resource's error line goes into the execution's cause. */
const FAILURE_LINE_CHARS = 400;

export interface ExportStateMachineProps {
  readonly source: string;
  readonly exportFunction: IFunction;
  /** Resources exported when the execution input names none. */
  readonly defaultResources: readonly string[];
  /** Cliniko: account used when the input names none; Welkin has no accounts. */
  readonly defaultAccount?: string;
  /** Parallel resources per execution; keeps the Map inside the source's rate budget. */
  readonly maxConcurrency: number;
  readonly maxLoopIterations: number;
  readonly eventBus: IEventBus;
  readonly bucketName: string;
  /** Glue database of the `<source>_<resource>_runs` tables each finished run is registered in. */
  readonly databaseName: string;
  /** One execution at a time per source and account. */
  readonly leaseTable: Table;
  readonly key: IKey;
  readonly logRetention: RetentionDays;
}

/**
 * One execution exports a set of resources of one source. Input (every field optional):
 * `{account?, mode?: 'full'|'incremental', resources?: string[]}`. It first takes the source's (and account's)
 * lease, so a second start waits and is then refused instead of running alongside; the lease is released at a
 * successful end, and after a failure, timeout or abort by the clean-up function (see ExecutionCleanup).
 *
 * Per resource, the export Lambda is invoked with `{account, resources: [r], mode, checkpoint}` and
 * re-invoked with the checkpoint it returns while it answers `{done: false}`, so a resource may take
 * any number of 15-minute invocations. A retry after a failure re-sends the last checkpoint, so it
 * resumes instead of restarting. Each finished resource publishes `SnapshotCompleted`; a failed
 * resource has the parts of its unfinished run deleted (`{account, discard: checkpoint}`), is recorded,
 * and the execution fails after the others have finished.
 */
export class ExportStateMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: ExportStateMachineProps) {
    super(scope, id);
    const { source } = props;
    const lease = { table: props.leaseTable, source, perAccount: props.defaultAccount !== undefined };

    const defaults: Record<string, unknown> = { mode: 'incremental', resources: [...props.defaultResources] };
    if (props.defaultAccount !== undefined) defaults.account = props.defaultAccount;
    const setDefaults = new Pass(this, 'SetDefaults', {
      result: Result.fromObject(defaults),
      resultPath: '$.defaults',
    });
    // Shallow merge: whatever the execution input names wins over the defaults.
    const mergeInput = new Pass(this, 'MergeInput', {
      parameters: {
        input: JsonPath.jsonMerge(JsonPath.objectAt('$.defaults'), JsonPath.objectAt('$$.Execution.Input')),
      },
    });

    const request: Record<string, unknown> = {
      mode: JsonPath.stringAt('$.input.mode'),
      resources: JsonPath.array(JsonPath.stringAt('$$.Map.Item.Value')),
      // The invocation writes only while this execution holds the lease (a stop marks it at once).
      execution: JsonPath.stringAt('$$.Execution.Id'),
    };
    if (props.defaultAccount !== undefined) request.account = JsonPath.stringAt('$.input.account');

    const perResource = new MapState(this, 'ExportEachResource', {
      itemsPath: '$.input.resources',
      itemSelector: {
        resource: JsonPath.stringAt('$$.Map.Item.Value'),
        request,
        loop: { count: 0 },
      },
      maxConcurrency: props.maxConcurrency,
      resultPath: '$.outcomes',
    });
    perResource.itemProcessor(this.exportOneResource(props));

    const summarize = new Pass(this, 'CollectFailures', {
      parameters: {
        failed: JsonPath.listAt("$.outcomes[?(@.status == 'failed')].resource"),
        details: JsonPath.listAt("$.outcomes[?(@.status == 'failed')]"),
      },
      resultPath: '$.summary',
    });
    const count = new Pass(this, 'CountFailures', {
      parameters: { count: JsonPath.arrayLength(JsonPath.listAt('$.summary.failed')) },
      resultPath: '$.failures',
    });
    const anyFailed = new Choice(this, 'AnyResourceFailed')
      .when(
        Condition.numberGreaterThan('$.failures.count', 0),
        new Fail(this, 'ExportFailed', {
          error: 'ResourcesFailed',
          // Every failed resource with its error line; the clean-up copies the list into `_failures/`.
          causePath: JsonPath.format(
            `${FAILED_CAUSE_PREFIX}{}`,
            JsonPath.jsonToString(JsonPath.objectAt('$.summary.details')),
          ),
        }),
      )
      // A failed execution keeps its lease: the clean-up function releases it after discarding the runs.
      .otherwise(releaseLease(this, lease, new Succeed(this, 'AllResourcesExported')));

    // No fixed name: a failed first deploy leaves nothing behind that blocks the retry.
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      comment: `Exports ${source} resources to S3 snapshots, looping each resource until done`,
      definitionBody: DefinitionBody.fromChainable(
        setDefaults
          .next(mergeInput)
          .next(acquireLease(this, lease))
          .next(perResource)
          .next(summarize)
          .next(count)
          .next(anyFailed),
      ),
      timeout: Duration.hours(24),
      tracingEnabled: true,
      // ALL for a full audit trail of state transitions; execution data excluded so no PHI reaches the logs.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });

    // The lease table is encrypted with the data key; CDK's DynamoDB tasks grant the table, not the key.
    grantKeyViaDynamoDb(this.stateMachine, props.key);
    acknowledgeServiceRole(this.stateMachine.role);
    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'CloudWatch Logs delivery actions (logs:CreateLogDelivery and friends) and X-Ray writes support no resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${props.databaseName}/${tableSafe(source)}_*_runs]`,
        reason:
          "Registering finished runs as partitions of this source's own `<source>_<resource>_runs` tables (glue:CreatePartition only).",
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(props.exportFunction)}.Arn>:*]`,
        reason:
          'Invoking any published version of the export function; CDK grants the function ARN with its version suffix.',
      },
    );
  }

  private logicalIdOf(fn: IFunction): string {
    return Stack.of(this).getLogicalId(fn.node.defaultChild as never);
  }

  private exportOneResource(props: ExportStateMachineProps): IChainable {
    // The error name and the handler's one-line message (errorMessage of the Lambda's cause, up to an escaped
    // quote; messages name what failed and never carry a record body); the trace and the rest stay out.
    const recordFailure = Pass.jsonata(this, 'RecordFailure', {
      outputs: `{% (
        $cause := $states.input.error.Cause;
        $found := $type($cause) = "string" ? $match($cause, /"errorMessage":"([^"]*)"/, 1) : null;
        $line := $type($found.groups[0]) = "string" ? $found.groups[0] : null;
        {
          "resource": $states.input.resource,
          "status": "failed",
          "error": $exists($states.input.error.Error) ? $states.input.error.Error : "Error",
          "message": $type($line) = "string" ? $substring($line, 0, ${FAILURE_LINE_CHARS}) : null
        }
      ) %}`,
    });

    const invoke = new LambdaInvoke(this, 'ExportChunk', {
      lambdaFunction: props.exportFunction,
      // The request object is the whole event; the function's return value lands at $.response as is.
      inputPath: '$.request',
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.response',
      comment: 'One bounded Lambda run: returns {done:false, checkpoint} or {done:true, results}',
    });
    invoke.addRetry({
      errors: [
        'Lambda.ServiceException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException',
        'Lambda.ClientExecutionTimeoutException',
      ],
      interval: Duration.seconds(2),
      maxAttempts: 6,
      backoffRate: 2,
      jitterStrategy: JitterType.FULL,
    });
    // Errors that repeat identically on retry (shared/non-retryable.ts): fail the resource at once.
    invoke.addRetry({ errors: [...NON_RETRYABLE_ERRORS], maxAttempts: 0 });
    // Handler errors (rate budget exhausted, upstream 5xx, timeout): a few slow retries from the same checkpoint.
    invoke.addRetry({
      errors: [Errors.TASKS_FAILED, Errors.TIMEOUT],
      interval: Duration.seconds(30),
      maxAttempts: 2,
      backoffRate: 3,
      jitterStrategy: JitterType.FULL,
    });
    const discardAbandoned = this.discardAbandonedRun(props, recordFailure);
    // A rate limit reset far away: wait for it in a Wait state (no Lambda sleeping), then resume.
    invoke.addCatch(rateLimitWait(this, invoke, discardAbandoned), {
      errors: ['RateLimitError'],
      resultPath: '$.error',
    });
    invoke.addCatch(discardAbandoned, { errors: [Errors.ALL], resultPath: '$.error' });

    const carryCheckpoint = new Pass(this, 'CarryCheckpoint', {
      inputPath: '$.response.checkpoint',
      resultPath: '$.request.checkpoint',
    });
    const countIteration = new Pass(this, 'CountIteration', {
      parameters: { count: JsonPath.mathAdd(JsonPath.numberAt('$.loop.count'), 1) },
      resultPath: '$.loop',
    });
    const notFinished = new Pass(this, 'ExportDidNotFinish', {
      // Reached the iteration cap, or the function answered without a boolean `done`.
      result: Result.fromObject({ Error: 'ExportDidNotFinish' }),
      resultPath: '$.error',
    });

    const publishEach = publishEachResult(this, {
      source: props.source,
      perAccount: props.defaultAccount !== undefined,
      eventBus: props.eventBus,
      bucketName: props.bucketName,
      databaseName: props.databaseName,
    });
    publishEach.addCatch(recordFailure, { errors: [Errors.ALL], resultPath: '$.error' });

    const succeeded = new Pass(this, 'RecordSuccess', {
      parameters: {
        resource: JsonPath.stringAt('$.resource'),
        status: 'succeeded',
        results: JsonPath.listAt('$.response.results'),
      },
    });

    const done = new Choice(this, 'Done')
      .when(
        Condition.and(
          Condition.isPresent('$.response.done'),
          Condition.isBoolean('$.response.done'),
          Condition.booleanEquals('$.response.done', true),
        ),
        publishEach.next(succeeded),
      )
      .when(
        Condition.and(
          Condition.isPresent('$.response.done'),
          Condition.isBoolean('$.response.done'),
          Condition.booleanEquals('$.response.done', false),
          Condition.numberLessThan('$.loop.count', props.maxLoopIterations),
        ),
        carryCheckpoint.next(countIteration).next(invoke),
      )
      .otherwise(notFinished.next(discardAbandoned));

    return invoke.next(done);
  }

  /**
   * Giving up on a resource part-way leaves the parts of its earlier invocations without a manifest, and
   * tables that read whole `dt=` folders would show their rows. When the item holds a checkpoint, the export
   * function deletes that run's parts first; the failure is recorded either way, and a failed clean-up
   * never replaces the export's own error.
   */
  private discardAbandonedRun(props: ExportStateMachineProps, recordFailure: Pass): IChainable {
    const payload: Record<string, unknown> = { discard: JsonPath.objectAt('$.request.checkpoint') };
    if (props.defaultAccount !== undefined) payload.account = JsonPath.stringAt('$.request.account');
    const discard = new LambdaInvoke(this, 'DiscardAbandonedRun', {
      lambdaFunction: props.exportFunction,
      payload: TaskInput.fromObject(payload),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: JsonPath.DISCARD,
      comment: 'Deletes the parts of the run given up on; answers {done:true, discarded}',
    });
    discard.addRetry({
      errors: [
        'Lambda.ServiceException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException',
      ],
      interval: Duration.seconds(2),
      maxAttempts: 4,
      backoffRate: 2,
      jitterStrategy: JitterType.FULL,
    });
    discard.addRetry({ errors: [...NON_RETRYABLE_ERRORS], maxAttempts: 0 });
    // A throttled or failed S3 delete: one more try; deleting is idempotent.
    discard.addRetry({ errors: [Errors.TASKS_FAILED], interval: Duration.seconds(10), maxAttempts: 1 });
    discard.addCatch(recordFailure, { errors: [Errors.ALL], resultPath: '$.discardError' });
    discard.next(recordFailure);
    return new Choice(this, 'HoldsCheckpoint')
      .when(Condition.isPresent('$.request.checkpoint'), discard)
      .otherwise(recordFailure);
  }
}
