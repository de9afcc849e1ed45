import { Stack, Validations } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ReaderPolicyProps {
  readonly bucket: IBucket;
  readonly key: IKey;
  readonly outputPrefix: string;
  /** Where this reader's query results go (`athena-results/<reader>`); no other reader can read them. */
  readonly athenaResultsPrefix: string;
  readonly databaseName: string;
  /** This reader's own workgroup (it enforces the results location). */
  readonly workGroupName: string;
}

/**
 * What one BI tool or analyst role needs to query the snapshots through Athena, and nothing more: its own
 * workgroup, whose enforced results location is its own prefix, and a managed policy to attach to that role (the
 * stack attaches it to nothing). Query results hold PHI: readers never share a results prefix.
 */
export class ReaderPolicy extends Construct {
  readonly policy: ManagedPolicy;
  readonly workGroup: CfnWorkGroup;

  constructor(scope: Construct, id: string, props: ReaderPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { bucket, key, outputPrefix, athenaResultsPrefix } = props;
    const glue = (resource: string) => stack.formatArn({ service: 'glue', resource });
    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      description: 'Queries over clinic-pipe snapshots; results are KMS-encrypted and expire after 30 days',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${bucket.bucketName}/${athenaResultsPrefix}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: key.keyArn },
        },
      },
    });

    this.policy = new ManagedPolicy(this, 'Policy', {
      description: 'Query clinic-pipe snapshots with Athena (read snapshots, write own query results)',
      statements: [
        new PolicyStatement({
          sid: 'ReadSnapshots',
          actions: ['s3:GetObject'],
          resources: [bucket.arnForObjects(`${outputPrefix}/*`)],
        }),
        new PolicyStatement({
          sid: 'QueryResults',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
          resources: [bucket.arnForObjects(`${athenaResultsPrefix}/*`)],
        }),
        new PolicyStatement({
          sid: 'ListSnapshotsAndResults',
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${outputPrefix}/*`, `${athenaResultsPrefix}/*`] } },
        }),
        new PolicyStatement({
          sid: 'BucketLocation',
          actions: ['s3:GetBucketLocation'],
          resources: [bucket.bucketArn],
        }),
        new PolicyStatement({
          sid: 'DecryptViaS3',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
        new PolicyStatement({
          sid: 'Catalog',
          actions: [
            'glue:GetDatabase',
            'glue:GetTable',
            'glue:GetTables',
            'glue:GetPartition',
            'glue:GetPartitions',
          ],
          resources: [
            glue('catalog'),
            glue(`database/${props.databaseName}`),
            glue(`table/${props.databaseName}/*`),
          ],
        }),
        new PolicyStatement({
          sid: 'WorkGroup',
          actions: [
            'athena:StartQueryExecution',
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:StopQueryExecution',
            'athena:GetWorkGroup',
          ],
          resources: [
            stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: props.workGroupName }),
          ],
        }),
      ],
    });

    const bucketId = stack.getLogicalId(bucket.node.defaultChild as CfnBucket);
    const wildcards: Array<[string, string]> = [
      [`<${bucketId}.Arn>/${outputPrefix}/*`, 'read access to every snapshot is the purpose of this policy'],
      [`<${bucketId}.Arn>/${athenaResultsPrefix}/*`, 'Athena writes each query result under a new key'],
      [
        `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${props.databaseName}/*`,
        'every table of this one database; tables are added with resources',
      ],
    ];
    for (const [resource, why] of wildcards) {
      Validations.of(this.policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason: `Scoped to ${why}.`,
      });
    }
  }
}
