import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
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
  /** The role Scheduler starts executions with (one per source: see `scheduleRole`). */
  readonly role: IRole;
}

/**
 * One role per source for all its schedules (every account, incremental and full): it may start only that
 * source's state machine and write the dead-letter queue. One role per schedule would add two resources per
 * account and schedule, and CloudFormation allows 500 per stack.
 */
export function scheduleRole(scope: Construct, id: string, description: string, key: IKey): Role {
  const role = new Role(scope, id, {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description,
  });
  acknowledgeServiceRole(role);
  grantKeyViaSqs(role, key);
  return role;
}

/** Starts a state machine on a cron in a time zone (EventBridge Scheduler). */
export class NightlySchedule extends Construct {
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: NightlyScheduleProps) {
    super(scope, id);
    const { role } = props;
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
