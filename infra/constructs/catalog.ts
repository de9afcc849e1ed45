import { Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ColumnSpec, ResourceSpec } from '../resources.js';

export interface CatalogTableSet {
  readonly source: string;
  /** S3 prefix (no bucket, no trailing slash) above `<source>/<resource>/`; may contain `${account}`. */
  readonly prefixTemplate: string;
  readonly resources: readonly ResourceSpec[];
  readonly defaultColumns: readonly ColumnSpec[];
  /** Cliniko: the configured account names, projected as an enum partition. */
  readonly accounts?: readonly string[];
}

export interface CatalogProps {
  readonly bucket: IBucket;
  readonly key: IKey;
  readonly databaseName: string;
  readonly tableSets: readonly CatalogTableSet[];
  readonly athenaResultsPrefix: string;
  /** First day partition projection offers; earlier `dt` values are simply not queried. */
  readonly projectionStartDate: string;
}

/** An Athena partition-projection placeholder, e.g. `${account}` in `storage.location.template`. */
export function projected(partition: string): string {
  return `\${${partition}}`;
}

/** Glue/Athena-safe identifier: lowercase letters, digits and underscores. */
export function tableName(source: string, resource: string): string {
  return `${source}_${resource}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/**
 * A Glue database with one table per resource over the snapshot layout, queryable by Athena with no crawler:
 * partition projection computes the partitions (`dt`, and `account` for Cliniko) from the layout.
 *
 * `run=<runId>` is deliberately not a partition: run ids are unpredictable (projection would need
 * `injected`, forcing every query to name a run), and Athena reads the run folders below a `dt=` folder
 * anyway. The run id is available as `regexp_extract("$path", 'run=([^/]+)/', 1)`. `_manifest.json`
 * is skipped because Athena ignores files starting with `_`.
 */
export class Catalog extends Construct {
  readonly database: CfnDatabase;
  readonly tables: CfnTable[] = [];
  readonly workGroup: CfnWorkGroup;

  constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: props.databaseName,
        description: 'Cliniko and Welkin snapshots (NDJSON, gzip) written by clinic-pipe',
      },
    });

    for (const set of props.tableSets) {
      for (const resource of set.resources) {
        this.tables.push(this.table(props, set, resource));
      }
    }

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `${props.databaseName}`,
      description: 'Queries over clinic-pipe snapshots; results are KMS-encrypted and expire after 30 days',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.bucket.bucketName}/${props.athenaResultsPrefix}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });
  }

  private table(props: CatalogProps, set: CatalogTableSet, resource: ResourceSpec): CfnTable {
    const name = tableName(set.source, resource.name);
    const columns = resource.columns && resource.columns.length > 0 ? resource.columns : set.defaultColumns;
    const bucket = props.bucket.bucketName;
    const prefix = `${set.prefixTemplate}/${set.source}/${resource.name}`;
    const partitionKeys = [
      ...(set.accounts ? [{ name: 'account', type: 'string' }] : []),
      { name: 'dt', type: 'string' },
    ];
    const projection: Record<string, string> = {
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': `${props.projectionStartDate},NOW`,
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': `s3://${bucket}/${prefix}/dt=${projected('dt')}/`,
    };
    if (set.accounts) {
      projection['projection.account.type'] = 'enum';
      projection['projection.account.values'] = set.accounts.join(',');
    }
    const mappings = Object.fromEntries(
      columns.filter((c) => c.jsonKey).map((c) => [`mapping.${c.name}`, c.jsonKey as string]),
    );

    const table = new CfnTable(this, `Table-${name}`, {
      catalogId: Stack.of(this).account,
      databaseName: props.databaseName,
      tableInput: {
        name,
        description: `${set.source} ${resource.name} snapshots; one row per record per run`,
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          typeOfData: 'file',
          EXTERNAL: 'TRUE',
          ...projection,
        },
        partitionKeys,
        storageDescriptor: {
          // Root of the resource; projection's location template points at the dt folders below it.
          location: `s3://${bucket}/${prefix.replace(projected('account'), set.accounts?.[0] ?? '')}/`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: true,
          columns: columns.map((c) => ({ name: c.name, type: c.type ?? 'string' })),
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: {
              'ignore.malformed.json': 'false',
              'case.insensitive': 'true',
              ...mappings,
            },
          },
        },
      },
    });
    table.addResourceDependency(this.database);
    return table;
  }
}
