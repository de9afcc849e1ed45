import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { failuresFolder } from '../../shared/layout/index.js';

export interface MonitoringProps {
  readonly key: IKey;
  readonly alarmEmail?: string;
  /** An existing SNS topic (e.g. the on-call pager's) every alarm notifies besides the stack's own topic. */
  readonly alarmTopicArn?: string;
}

/**
 * The alarms topic and the alarms that feed it; every alarm fires on the first occurrence. Deploys need a
 * subscriber (an email or an existing topic; see infra/deploy-settings.ts), so alarms never go nowhere.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  private readonly targets: ITopic[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', {
      displayName: 'clinic-pipe alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.targets = [this.topic];
    if (props.alarmTopicArn) this.targets.push(Topic.fromTopicArn(this, 'AlarmTarget', props.alarmTopicArn));
  }

  stateMachineFailures(id: string, stateMachine: IStateMachine, source = 'An export'): void {
    // Failed, timed out or aborted: any of them means last night's snapshot is missing.
    const expression = new MathExpression({
      expression: 'failed + timedOut + aborted',
      usingMetrics: {
        failed: stateMachine.metricFailed({ period: Duration.minutes(5) }),
        timedOut: stateMachine.metricTimedOut({ period: Duration.minutes(5) }),
        aborted: stateMachine.metricAborted({ period: Duration.minutes(5) }),
      },
      period: Duration.minutes(5),
      label: 'Executions not succeeded',
    });
    // Names the source and where to find the execution: an operator at 2 a.m. starts from the message.
    this.alarmOn(
      id,
      expression,
      `${source} export execution failed, timed out or was aborted. Find it: aws stepfunctions list-executions --state-machine-arn ${stateMachine.stateMachineArn} --status-filter FAILED (or TIMED_OUT, ABORTED); its clean-up record is under ${failuresFolder()}/`,
    );
  }

  functionErrors(id: string, fn: IFunction): void {
    // DeadLetterErrors: an async invocation failed and its dead letter could not be written either.
    const expression = new MathExpression({
      expression: 'errors + deadLetterErrors',
      usingMetrics: {
        errors: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        deadLetterErrors: fn.metric('DeadLetterErrors', { period: Duration.minutes(5), statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
      label: 'Errors and dead letters not written',
    });
    this.alarmOn(id, expression, 'A Lambda function threw, or could not write a dead letter');
  }

  /** An EventBridge rule whose target failed and whose dead letter could not be written: the event is lost. */
  ruleDeadLettersLost(id: string, ruleName: string): void {
    this.alarmOn(
      id,
      new Metric({
        namespace: 'AWS/Events',
        metricName: 'InvocationsFailedToBeSentToDlq',
        dimensionsMap: { RuleName: ruleName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      'An EventBridge rule could not deliver an event nor write its dead letter (check the key policy and the queue)',
    );
  }

  /** EventBridge Scheduler could not write a dead letter of a start it gave up on (the default group's). */
  scheduleDeadLettersLost(id: string): void {
    this.alarmOn(
      id,
      ScheduleGroup.fromDefaultScheduleGroup(this, `${id}Group`).metricFailedToBeSentToDLQ(undefined, {
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      'A scheduled export start failed and its dead letter could not be written',
    );
  }

  queueNotEmpty(id: string, queue: IQueue, what: string): void {
    this.alarmOn(
      id,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      `${what} holds messages`,
    );
  }

  /** An alarm when the metric is above zero in any 5-minute period. */
  alarmOn(id: string, metric: IMetric, description: string): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `${description}. See the runbook in README.md.`,
    });
    for (const topic of this.targets) {
      alarm.addAlarmAction(new SnsAction(topic));
      alarm.addOkAction(new SnsAction(topic));
    }
    this.alarms.push(alarm);
  }
}
