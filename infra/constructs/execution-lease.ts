import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Fail, type IChainable, JitterType, JsonPath, type State } from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoAttributeValue, DynamoDeleteItem, DynamoPutItem } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { LEASE_ATTRIBUTES } from '../../shared/lambda/dynamo-lease-store.js';

/** A lease outlives the longest execution (24 h state machine timeout) by an hour, then anyone may take it. */
export const LEASE_SECONDS = 25 * 3600;
/** A second start waits this often for the lease, this many times (6 h: a weekly full run may still be going when the nightly incremental starts), then is refused. */
export const LEASE_WAIT = Duration.minutes(10);
export const LEASE_WAIT_ATTEMPTS = 36;
export const LEASE_REFUSED_ERROR = 'ExecutionAlreadyRunning';
const THROTTLES = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.RequestLimitExceeded',
  'DynamoDB.ThrottlingException',
  'DynamoDB.InternalServerErrorException',
];

/**
 * One item per running export (`<source>#<account>` or `<source>`): taken with a conditional put at the start of
 * an execution, deleted at its successful end, and, after a failure, timeout or abort, by the clean-up function
 * once the unfinished run's parts are gone. `expiresAt` (epoch seconds, also the DynamoDB TTL) frees a lease
 * whose clean-up never ran.
 */
export class LeaseTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: { key: IKey }) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: LEASE_ATTRIBUTES.key, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      timeToLiveAttribute: LEASE_ATTRIBUTES.expiresAt,
      // Locks only, re-created by the next execution: nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const id of [
      'AwsSolutions-DDB3',
      'HIPAA.Security-DynamoDBPITREnabled',
      'HIPAA.Security-DynamoDBInBackupPlan',
    ]) {
      Validations.of(this.table).acknowledge({
        id,
        reason: 'The table holds only short-lived execution locks (no data); a restored lock would be stale.',
      });
    }
  }
}

export interface LeaseStatesProps {
  readonly table: Table;
  readonly source: string;
  /** Cliniko: the lease is per account, read from `$.input.account` of the merged execution input. */
  readonly perAccount: boolean;
}

/** The lease key as a JSONata expression (acquire) and as a JSONPath value (release). */
function keyExpressions(props: LeaseStatesProps): { jsonata: string; jsonPath: string } {
  if (!props.perAccount) return { jsonata: props.source, jsonPath: props.source };
  return {
    jsonata: `{% '${props.source}#' & $states.input.input.account %}`,
    jsonPath: JsonPath.format(`${props.source}#{}`, JsonPath.stringAt('$.input.account')),
  };
}

/** Takes the lease or waits for it; after an hour of waiting the start is refused with a clear reason. */
export function acquireLease(scope: Construct, props: LeaseStatesProps): State {
  const { jsonata } = keyExpressions(props);
  // JSONata here: Step Functions' JSONPath has no clock arithmetic, and the TTL must be epoch seconds.
  const acquire = DynamoPutItem.jsonata(scope, 'AcquireLease', {
    comment: 'One execution at a time per source and account: a conditional put of the lease item',
    table: props.table,
    item: {
      [LEASE_ATTRIBUTES.key]: DynamoAttributeValue.fromString(jsonata),
      [LEASE_ATTRIBUTES.holder]: DynamoAttributeValue.fromString('{% $states.context.Execution.Id %}'),
      startedAt: DynamoAttributeValue.fromString('{% $states.context.Execution.StartTime %}'),
      [LEASE_ATTRIBUTES.expiresAt]: DynamoAttributeValue.numberFromString(
        `{% $string($floor($toMillis($states.context.Execution.StartTime) / 1000) + ${LEASE_SECONDS}) %}`,
      ),
    },
    conditionExpression: 'attribute_not_exists(#key) OR #expiresAt < :now',
    expressionAttributeNames: { '#key': LEASE_ATTRIBUTES.key, '#expiresAt': LEASE_ATTRIBUTES.expiresAt },
    expressionAttributeValues: {
      ':now': DynamoAttributeValue.numberFromString('{% $string($floor($millis() / 1000)) %}'),
    },
    outputs: '{% $states.input %}',
  });
  acquire.addRetry({
    errors: ['DynamoDB.ConditionalCheckFailedException'],
    interval: LEASE_WAIT,
    maxAttempts: LEASE_WAIT_ATTEMPTS,
    backoffRate: 1,
  });
  acquire.addRetry({
    errors: THROTTLES,
    interval: Duration.seconds(2),
    maxAttempts: 5,
    backoffRate: 2,
    jitterStrategy: JitterType.FULL,
  });
  const refused = new Fail(scope, 'LeaseRefused', {
    error: LEASE_REFUSED_ERROR,
    cause: `Another ${props.source} execution for this account holds the lease (one at a time); this start waited ${(LEASE_WAIT.toMinutes() * LEASE_WAIT_ATTEMPTS).toString()} minutes and was refused. See the runbook in README.md.`,
  });
  acquire.addCatch(refused, { errors: ['DynamoDB.ConditionalCheckFailedException'] });
  return acquire;
}

/** Deletes the lease if this execution still holds it; a lease taken over after expiry is left to its holder. */
export function releaseLease(scope: Construct, props: LeaseStatesProps, next: IChainable): State {
  const { jsonPath } = keyExpressions(props);
  const release = DynamoDeleteItem.jsonPath(scope, 'ReleaseLease', {
    table: props.table,
    key: { [LEASE_ATTRIBUTES.key]: DynamoAttributeValue.fromString(jsonPath) },
    conditionExpression: '#holder = :holder',
    expressionAttributeNames: { '#holder': LEASE_ATTRIBUTES.holder },
    expressionAttributeValues: {
      ':holder': DynamoAttributeValue.fromString(JsonPath.stringAt('$$.Execution.Id')),
    },
    resultPath: JsonPath.DISCARD,
  });
  release.addRetry({
    errors: THROTTLES,
    interval: Duration.seconds(2),
    maxAttempts: 5,
    backoffRate: 2,
    jitterStrategy: JitterType.FULL,
  });
  release.addCatch(next, {
    errors: ['DynamoDB.ConditionalCheckFailedException'],
    resultPath: JsonPath.DISCARD,
  });
  release.next(next);
  return release;
}
