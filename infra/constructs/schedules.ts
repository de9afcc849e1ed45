import { Duration, TimeZone } from 'aws-cdk-lib';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

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
}

/** Starts a state machine on a cron in a time zone (EventBridge Scheduler). */
export class NightlySchedule extends Construct {
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: NightlyScheduleProps) {
    super(scope, id);
    this.schedule = new Schedule(this, 'Schedule', {
      description: props.description,
      schedule: ScheduleExpression.expression(props.expression, TimeZone.of(props.timezone)),
      target: new StepFunctionsStartExecution(props.stateMachine, {
        input: ScheduleTargetInput.fromObject(props.input),
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
      }),
    });
  }
}
