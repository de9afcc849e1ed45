import { Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { WebhookDeployment } from '../../shared/sources/deployment.js';
import { grantKeyViaSqs, grantQueueSend } from './grants.js';
import { addSourceFunction, type SourceFunctionContext } from './source-function.js';

export interface WebhookProps {
  readonly context: SourceFunctionContext;
  readonly deployment: WebhookDeployment;
  /** Construct id prefix of the functions, e.g. `Welkin` (WelkinWebhook, WelkinWebhookWorker). */
  readonly name: string;
}

/**
 * Webhooks, ping and pull: a public Function URL authenticates the notice, stores it and queues it; a worker
 * pulls the changed records. The receiver holds only the webhook secret and its own prefix: a forged call is
 * rejected in memory (no I/O) before anything else, and its concurrency is its own, apart from the worker's
 * (the queue decouples them). Notices the worker keeps failing on land in the dead-letter queue (alarmed).
 */
export class Webhook extends Construct {
  readonly receiver: IFunction;
  readonly worker: IFunction;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebhookProps) {
    super(scope, id);
    const { context, deployment } = props;
    const { key } = context;
    const workerTimeout = Duration.seconds(deployment.worker.timeoutSeconds);

    this.deadLetterQueue = new Queue(this, 'EventsDlq', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the webhook events queue.',
    });
    this.queue = new Queue(this, 'Events', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      // Six times the worker timeout, as Lambda recommends for SQS event sources.
      visibilityTimeout: Duration.seconds(workerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    const receiver = addSourceFunction(context, `${props.name}Webhook`, deployment.receiver, {
      [deployment.queueUrlEnv]: this.queue.queueUrl,
    });
    grantQueueSend(receiver, this.queue, key);
    // Auth is checked by the handler (shared secret or signed token): the sender cannot sign SigV4.
    const url = receiver.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    this.url = url.url;
    Validations.of(receiver).acknowledge({
      id: 'HIPAA.Security-LambdaFunctionPublicAccessProhibited',
      reason:
        'The webhook URL must be reachable by the vendor, which cannot sign AWS requests; every call is authenticated in code before anything is stored, and rejected calls do no I/O.',
    });

    const worker = addSourceFunction(context, `${props.name}WebhookWorker`, deployment.worker);
    // A mapping without SqsEventSource's grants: those give kms:Decrypt on the data key for any use; here the
    // worker may decrypt only through SQS.
    worker.addEventSourceMapping('Events', {
      eventSourceArn: this.queue.queueArn,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(5),
      reportBatchItemFailures: true,
      // Two pollers at most: token endpoints block clients that ask too often.
      maxConcurrency: 2,
    });
    worker.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
        ],
        resources: [this.queue.queueArn],
      }),
    );
    grantKeyViaSqs(worker, key);
    this.receiver = receiver;
    this.worker = worker;
  }
}
