import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface MonitoringProps {
  readonly key: IKey;
  readonly alarmEmail?: string;
}

/** The alarms topic and the alarms that feed it; every alarm fires on the first occurrence. */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', {
      displayName: 'clinic-pipe alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
  }

  stateMachineFailures(id: string, stateMachine: IStateMachine): void {
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
    this.add(id, expression, 'An export state machine execution failed, timed out or was aborted');
  }

  functionErrors(id: string, fn: IFunction): void {
    this.add(
      id,
      fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      'A Lambda function threw',
    );
  }

  queueNotEmpty(id: string, queue: IQueue, what: string): void {
    this.add(
      id,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      `${what} holds messages`,
    );
  }

  private add(id: string, metric: IMetric, description: string): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `${description}. See the runbook in README.md.`,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
