import { Duration, Stack } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import {
  Choice,
  Condition,
  Errors,
  Fail,
  JsonPath,
  Map as MapState,
  Pass,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, EventBridgePutEvents } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { dayFolderName, MANIFEST_NAME } from '../../shared/layout/index.js';
import { tableSafe } from '../../shared/sources/deployment.js';

export const SNAPSHOT_EVENT_SOURCE = 'clinic-pipe';
export const SNAPSHOT_DETAIL_TYPE = 'SnapshotCompleted';

export interface SnapshotPublishProps {
  readonly source: string;
  readonly perAccount: boolean;
  readonly eventBus: IEventBus;
  readonly bucketName: string;
  readonly databaseName: string;
}

/** `s3://<bucket>/<key>` of an optional result field, or null when the result has none (JSONata). */
function urlOf(bucket: string, field: string): string {
  return `($exists($r.${field}) ? 's3://${bucket}/' & $r.${field} : null)`;
}

/**
 * The event and the run partition of one finished snapshot, computed in JSONata: optional result fields (the
 * current state's manifests) become null instead of failing the state as a missing JSONPath would.
 */
function describeExpression(props: SnapshotPublishProps): string {
  const bucket = props.bucketName;
  const account = props.perAccount ? '$states.input.account' : 'null';
  const values = props.perAccount ? '[$states.input.account, $dt, $r.runId]' : '[$dt, $r.runId]';
  return `{% (
    $r := $states.input.result;
    $dt := $substringBefore($substringAfter($r.manifestKey, '/${dayFolderName('')}'), '/');
    {
      "detail": {
        "source": $r.source, "resource": $r.resource, "account": ${account}, "runId": $r.runId,
        "recordCount": $r.recordCount, "bucket": "${bucket}", "manifestKey": $r.manifestKey,
        "manifestUrl": ${urlOf(bucket, 'manifestKey')},
        "copyManifestUrl": ${urlOf(bucket, 'copyManifestKey')},
        "currentManifestUrl": ${urlOf(bucket, 'currentManifestKey')},
        "currentCopyManifestUrl": ${urlOf(bucket, 'currentCopyManifestKey')},
        "currentRecordCount": $exists($r.currentRecordCount) ? $r.currentRecordCount : null,
        "deletedCount": $exists($r.deletedCount) ? $r.deletedCount : null,
        "currentSchemaUrl": ${urlOf(bucket, 'currentSchemaKey')},
        "currentParquetSymlinkUrl": ${urlOf(bucket, 'currentParquetSymlinkKey')},
        "schemaChanges": $exists($r.schemaChanges) ? $r.schemaChanges : null,
        "tablesUpdated": $exists($r.tablesUpdated) ? $r.tablesUpdated : null
      },
      "partition": {
        "table": '${tableSafe(props.source)}_' & $r.resource & '_runs',
        "values": ${values},
        "storage": { "Location": 's3://${bucket}/' & $substringBefore($r.manifestKey, '${MANIFEST_NAME}') }
      }
    }
  ) %}`;
}

/**
 * For each finished snapshot of a resource: register its run folder as a partition of `<source>_<resource>_runs`
 * (so that table lists completed runs only, with the run id as a column), then publish `SnapshotCompleted`.
 */
export function publishEachResult(scope: Construct, props: SnapshotPublishProps): MapState {
  const itemSelector: Record<string, unknown> = { result: JsonPath.objectAt('$$.Map.Item.Value') };
  if (props.perAccount) itemSelector.account = JsonPath.stringAt('$.request.account');
  const each = new MapState(scope, 'PublishEachResult', {
    itemsPath: '$.response.results',
    itemSelector,
    maxConcurrency: 1,
    resultPath: JsonPath.DISCARD,
  });

  const describe = Pass.jsonata(scope, 'DescribeSnapshot', { outputs: describeExpression(props) });
  const stack = Stack.of(scope);
  const glue = (resource: string) => stack.formatArn({ service: 'glue', resource });
  const tableResources = [
    glue('catalog'),
    glue(`database/${props.databaseName}`),
    glue(`table/${props.databaseName}/${tableSafe(props.source)}_*_runs`),
  ];
  // The partition takes the table's storage descriptor as it is now (columns, SerDe, formats, parameters), so
  // engines that read partition metadata (Spark, Glue ETL, Redshift Spectrum) see the table's columns.
  const readTable = CallAwsService.jsonPath(scope, 'ReadRunsTable', {
    service: 'glue',
    action: 'getTable',
    iamAction: 'glue:GetTable',
    iamResources: tableResources,
    parameters: { DatabaseName: props.databaseName, Name: JsonPath.stringAt('$.partition.table') },
    resultSelector: { storage: JsonPath.objectAt('$.Table.StorageDescriptor') },
    resultPath: '$.table',
  });
  readTable.addRetry({
    errors: ['Glue.InternalServiceException', 'Glue.ThrottlingException'],
    interval: Duration.seconds(2),
    maxAttempts: 4,
    backoffRate: 2,
  });
  const register = CallAwsService.jsonPath(scope, 'RegisterRunPartition', {
    service: 'glue',
    action: 'createPartition',
    iamAction: 'glue:CreatePartition',
    iamResources: tableResources,
    parameters: {
      DatabaseName: props.databaseName,
      TableName: JsonPath.stringAt('$.partition.table'),
      PartitionInput: {
        Values: JsonPath.listAt('$.partition.values'),
        StorageDescriptor: JsonPath.jsonMerge(
          JsonPath.objectAt('$.table.storage'),
          JsonPath.objectAt('$.partition.storage'),
        ),
      },
    },
    resultPath: JsonPath.DISCARD,
  });
  register.addRetry({
    errors: [
      'Glue.ConcurrentModificationException',
      'Glue.InternalServiceException',
      'Glue.ThrottlingException',
    ],
    interval: Duration.seconds(2),
    maxAttempts: 4,
    backoffRate: 2,
  });

  const publish = new EventBridgePutEvents(scope, 'PublishSnapshotCompleted', {
    entries: [
      {
        eventBus: props.eventBus,
        source: SNAPSHOT_EVENT_SOURCE,
        detailType: SNAPSHOT_DETAIL_TYPE,
        detail: TaskInput.fromJsonPathAt('$.detail'),
      },
    ],
    resultSelector: { failedEntryCount: JsonPath.numberAt('$.FailedEntryCount') },
  });
  publish.addRetry({
    errors: [Errors.TASKS_FAILED],
    interval: Duration.seconds(2),
    maxAttempts: 3,
    backoffRate: 2,
  });
  // A retried invocation may publish the same run twice: its partition already exists, which is fine.
  register.addCatch(publish, { errors: ['Glue.AlreadyExistsException'], resultPath: JsonPath.DISCARD });
  const published = new Choice(scope, 'Published')
    .when(
      Condition.numberGreaterThan('$.failedEntryCount', 0),
      new Fail(scope, 'PublishFailed', { error: 'PublishFailed', cause: 'EventBridge rejected the event' }),
    )
    .otherwise(new Succeed(scope, 'EventPublished'));
  each.itemProcessor(describe.next(readTable).next(register).next(publish).next(published));
  return each;
}
