import { Stack, Validations } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { tableSafe } from '../../shared/sources/deployment.js';

/*
 * Hand-written grants instead of the L2 `grant*` helpers: those add wildcard actions (`s3:GetObject*`,
 * `s3:Abort*`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`); the brief allows none on S3 or Secrets Manager.
 */

/** Read, write and list exactly the given prefixes of the bucket (objects stay KMS-encrypted). */
export function grantPrefixes(
  grantee: IGrantable,
  bucket: IBucket,
  key: IKey,
  prefixes: readonly string[],
): void {
  const principal = grantee.grantPrincipal;
  principal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ObjectsUnderOwnPrefixes',
      // PutObjectTagging: run files are written with their retention tag (x-amz-tagging) in the same request.
      actions: [
        's3:GetObject',
        's3:PutObject',
        's3:PutObjectTagging',
        's3:AbortMultipartUpload',
        's3:DeleteObject',
      ],
      resources: prefixes.map((prefix) => bucket.arnForObjects(`${prefix}/*`)),
    }),
  );
  principal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ListOwnPrefixes',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      // Listing only under the function's own prefixes. S3 then answers a GET of a missing key with 403 rather
      // than 404; the sink tells the two apart by listing exactly that key (shared/output/s3-sink.ts).
      conditions: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}/*`) } },
    }),
  );
  principal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'SnapshotKeyViaS3',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(bucket).region}.amazonaws.com` } },
    }),
  );
  acknowledgePrefixWildcards(grantee, bucket, prefixes);
}

/** `<prefix>/*` is the narrowest S3 resource that still lets a function write new run folders. */
function acknowledgePrefixWildcards(grantee: IGrantable, bucket: IBucket, prefixes: readonly string[]): void {
  const principal = grantee.grantPrincipal as unknown;
  if (!isConstruct(principal)) return;
  const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket);
  for (const prefix of prefixes) {
    Validations.of(principal).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
      reason: `Object access is limited to this function's own prefix ${prefix}/; run folders are created per run, so their keys cannot be listed in advance.`,
    });
  }
}

function isConstruct(value: unknown): value is IConstruct {
  return typeof value === 'object' && value !== null && 'node' in value;
}

/** GetSecretValue on one secret, plus decrypting it through Secrets Manager only. */
export function grantSecretRead(grantee: IGrantable, secret: ISecret, key: IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [secret.secretArn],
    }),
  );
  grantKeyViaSecretsManager(grantee, key, ['kms:Decrypt']);
}

/** Read and replace one secret's value (the Welkin token cache). */
export function grantSecretReadWrite(grantee: IGrantable, secret: ISecret, key: IKey): void {
  grantSecretRead(grantee, secret, key);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
      resources: [secret.secretArn],
    }),
  );
  grantKeyViaSecretsManager(grantee, key, ['kms:Encrypt', 'kms:GenerateDataKey']);
}

function grantKeyViaSecretsManager(grantee: IGrantable, key: IKey, actions: string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions,
      resources: [key.keyArn],
      conditions: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(key).region}.amazonaws.com` },
      },
    }),
  );
}

/** SendMessage on one KMS-encrypted queue. */
export function grantQueueSend(grantee: IGrantable, queue: IQueue, key: IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
  );
  grantKeyViaSqs(grantee, key);
}

/**
 * The data key for sending to a KMS-encrypted queue. CDK grants only `sqs:SendMessage` when a queue is a
 * Lambda DLQ or a schedule's DLQ; without this the dead letter itself would fail to be written.
 */
export function grantKeyViaSqs(grantee: IGrantable, key: IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(key).region}.amazonaws.com` } },
    }),
  );
}

/**
 * The data key for a KMS-encrypted DynamoDB table (the lease table): callers of a customer-managed-key table need
 * it, and CDK's Step Functions DynamoDB tasks do not grant it.
 */
export function grantKeyViaDynamoDb(grantee: IGrantable, key: IKey): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(key).region}.amazonaws.com` } },
    }),
  );
}

/**
 * Reading and updating the columns of one source's own tables (`<source>_…` in the stack's database): what its
 * export function needs to keep them in step with the discovered schema. No create, delete or partition action.
 */
export function grantTableColumns(grantee: IGrantable, databaseName: string, source: string): void {
  const stack = Stack.of(grantee as unknown as IConstruct);
  const glue = (resource: string) => stack.formatArn({ service: 'glue', resource });
  const tables = `table/${databaseName}/${tableSafe(source)}_*`;
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'UpdateOwnTableColumns',
      actions: ['glue:GetTable', 'glue:UpdateTable'],
      resources: [glue('catalog'), glue(`database/${databaseName}`), glue(tables)],
    }),
  );
  const principal = grantee.grantPrincipal as unknown;
  if (!isConstruct(principal)) return;
  Validations.of(principal).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:${tables}]`,
    reason:
      "Updating the columns of this source's own `<source>_<resource>` and `_runs` tables after each publish (glue:GetTable, glue:UpdateTable only); resources are named per deployment.",
  });
}
