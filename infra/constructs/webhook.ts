import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FunctionUrlAuthType, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Functions } from './functions.js';
import { grantPrefixes, grantQueueSend, grantSecretRead, grantSecretReadWrite } from './grants.js';

export interface WebhookProps {
  readonly functions: Functions;
  readonly bucket: IBucket;
  readonly key: IKey;
  readonly outputPrefix: string;
  readonly webhookSecret: ISecret;
  readonly welkinCredentials: ISecret;
  readonly welkinToken: ISecret;
  readonly reservedConcurrency: { readonly receiver: number; readonly worker: number };
}

const WORKER_TIMEOUT = Duration.seconds(60);

/**
 * Welkin webhooks, ping and pull: a public Function URL authenticates the notice (shared secret header),
 * stores it under `welkin-events/` and queues it; a worker pulls the current record into `welkin-changes/`.
 * Notices the worker keeps failing on land in the dead-letter queue (alarmed).
 */
export class Webhook extends Construct {
  readonly receiver: IFunction;
  readonly worker: IFunction;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebhookProps) {
    super(scope, id);
    const { functions, bucket, key, outputPrefix } = props;

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
      visibilityTimeout: Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    const receiver = functions.add('WelkinWebhook', {
      entryDir: 'welkin-webhook',
      serviceName: 'welkin-webhook',
      description: 'Receives Welkin webhook notices: authenticates, stores, queues',
      timeout: Duration.seconds(10),
      memorySize: 256,
      reservedConcurrentExecutions: props.reservedConcurrency.receiver,
      environment: {
        WELKIN_WEBHOOK_SECRET_ARN: props.webhookSecret.secretArn,
        WEBHOOK_SECRET_HEADER: 'x-webhook-secret',
        WEBHOOK_MAX_BYTES: String(256 * 1024),
        WELKIN_EVENTS_QUEUE_URL: this.queue.queueUrl,
        WELKIN_CREDENTIALS_SECRET_ARN: props.welkinCredentials.secretArn,
      },
    });
    grantSecretRead(receiver, props.webhookSecret, key);
    grantSecretRead(receiver, props.welkinCredentials, key);
    grantPrefixes(receiver, bucket, key, [`${outputPrefix}/welkin-events`]);
    grantQueueSend(receiver, this.queue, key);

    // Auth is the shared-secret header checked in constant time by the handler: Welkin cannot sign SigV4.
    const url = receiver.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    this.url = url.url;
    Validations.of(receiver).acknowledge({
      id: 'HIPAA.Security-LambdaFunctionPublicAccessProhibited',
      reason:
        'The webhook URL must be reachable by Welkin, which cannot sign AWS requests; every call is authenticated in code by the shared-secret header (constant-time compare) and rejected with 401 before anything is stored.',
    });

    const worker = functions.add('WelkinWebhookWorker', {
      entryDir: 'welkin-webhook-worker',
      serviceName: 'welkin-webhook-worker',
      description: 'Pulls the current Welkin record for each queued webhook notice',
      timeout: WORKER_TIMEOUT,
      memorySize: 512,
      reservedConcurrentExecutions: props.reservedConcurrency.worker,
      environment: {
        WELKIN_CREDENTIALS_SECRET_ARN: props.welkinCredentials.secretArn,
        WELKIN_TOKEN_SECRET_ARN: props.welkinToken.secretArn,
      },
    });
    grantSecretRead(worker, props.welkinCredentials, key);
    grantSecretReadWrite(worker, props.welkinToken, key);
    grantPrefixes(worker, bucket, key, [`${outputPrefix}/welkin-changes`]);
    worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        // Two pollers at most: the Welkin token endpoint blocks clients that ask too often.
        maxConcurrency: 2,
      }),
    );

    this.receiver = receiver;
    this.worker = worker;
  }
}
