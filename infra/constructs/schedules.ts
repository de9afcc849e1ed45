import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeServiceRole } from './functions.js';
import { grantKeyViaSqs } from './grants.js';

export interface NightlyScheduleProps {
  readonly stateMachine: IStateMachine;
  /** EventBridge Scheduler expression, e.g. `cron(0 3 * * ? *)`. */
  readonly expression: string;
  /** IANA time zone the cron is evaluated in (handles daylight saving). */
  readonly timezone: string;
  /** Execution input, e.g. `{account: 'main', mode: 'incremental'}`. */
  readonly input: Record<string, unknown>;
  readonly description: string;
  /** Receives start attempts Scheduler gave up on. */
  readonly deadLetterQueue: IQueue;
  /** The dead-letter queue's KMS key. */
  readonly key: IKey;
}

/** Starts a state machine on a cron in a time zone (EventBridge Scheduler). */
export class NightlySchedule extends Construct {
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: NightlyScheduleProps) {
    super(scope, id);
    // An own role per schedule (instead of the shared singleton) so its grants are reviewable in one place.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: props.description,
    });
    acknowledgeServiceRole(role);
    grantKeyViaSqs(role, props.key);
    this.schedule = new Schedule(this, 'Schedule', {
      description: props.description,
      schedule: ScheduleExpression.expression(props.expression, TimeZone.of(props.timezone)),
      target: new StepFunctionsStartExecution(props.stateMachine, {
        role,
        input: ScheduleTargetInput.fromObject(props.input),
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
      }),
    });
  }
}
