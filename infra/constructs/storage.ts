import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccountRootPrincipal, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type LifecycleRule,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ACCESS_LOGS_PREFIX, RUN_EXPIRY_TAG } from '../../shared/layout/index.js';

export interface StorageProps {
  /**
   * Prefixes whose objects `retentionDays` expires besides the run folders: the webhook folders (a few per
   * stack). Run folders are expired by one rule on the tag every run file carries (`RUN_EXPIRY_TAG`), so the
   * number of rules does not grow with resources or accounts; never a resource's `current/` or `deletions/`.
   */
  readonly expiringPrefixes: readonly string[];
  readonly retentionDays: number | undefined;
  readonly noncurrentVersionDays: number;
  readonly athenaResultsPrefix: string;
}

/** The customer-managed key, the snapshot bucket and its access-log bucket. */
export class Storage extends Construct {
  readonly key: Key;
  readonly bucket: Bucket;
  readonly logBucket: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // One CMK for all PHI at rest (snapshots, secrets, queues, topic, logs): one key policy to audit.
    this.key = new Key(this, 'DataKey', {
      description: 'Encrypts clinic-pipe snapshots, secrets, queues, alarms topic and logs',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts log groups with the key only when the key policy names the service.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*`,
          },
        },
      }),
    );
    // CloudWatch alarms publish to the KMS-encrypted topic; the service needs the data key.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    // Services that write to the key's encrypted queues and topic themselves: EventBridge rule targets' dead
    // letters (the clean-up's), SNS deliveries to a queue. Without this their messages are lost, not queued.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com'), new ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.key.grant(new AccountRootPrincipal(), 'kms:DescribeKey');

    this.logBucket = new Bucket(this, 'AccessLogs', {
      // S3 server access log delivery supports SSE-S3 only, not SSE-KMS.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(this.logBucket).acknowledge(
      {
        id: 'AwsSolutions-S1',
        reason: 'This is the access-log bucket itself; logging it into itself would loop.',
      },
      {
        id: 'HIPAA.Security-S3BucketLoggingEnabled',
        reason: 'This is the access-log bucket itself; logging it into itself would loop.',
      },
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason: 'S3 server access log delivery only supports SSE-S3 on the target bucket.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason:
          'Access logs hold no PHI; cross-region replication is left to the account-level backup policy.',
      },
    );

    const days = props.retentionDays;
    const runRules: LifecycleRule[] =
      days === undefined
        ? []
        : [
            {
              id: 'expire-runs',
              tagFilters: { [RUN_EXPIRY_TAG.key]: RUN_EXPIRY_TAG.value },
              expiration: Duration.days(days),
            },
            ...props.expiringPrefixes.map((prefix, i) => ({
              id: `expire-webhook-${i}`,
              prefix,
              expiration: Duration.days(days),
            })),
          ];

    this.bucket = new Bucket(this, 'Snapshots', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: ACCESS_LOGS_PREFIX,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        ...runRules,
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays),
        },
        {
          id: 'expire-athena-results',
          prefix: `${props.athenaResultsPrefix}/`,
          expiration: Duration.days(30),
        },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'Snapshots are re-creatable from the source systems (a full export rebuilds them) and the bucket is versioned; cross-region replication is an opt-in per deployment, not a default.',
    });
  }
}
