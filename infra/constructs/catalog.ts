import { Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ColumnSpec, ResourceSpec } from '../resources.js';

export interface CatalogTableSet {
  readonly source: string;
  /** S3 prefix (no bucket, no trailing slash) above `<source>/<resource>/`; may contain `projected('account')`. */
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
  readonly athenaResultsPrefix: string;
  /** First day partition projection offers; earlier `dt` values are simply not queried. */
  readonly projectionStartDate: string;
}

/** A partition column with its projection settings (without the `projection.<name>.` prefix). */
export interface ProjectedPartition {
  readonly name: string;
  readonly projection: Record<string, string>;
}

export interface TableDefinition {
  readonly name: string;
  readonly description: string;
  /** s3 path below the bucket of the partition folders, with `projected(...)` placeholders. */
  readonly locationTemplate: string;
  readonly partitions: readonly ProjectedPartition[];
  readonly columns: readonly ColumnSpec[];
  readonly compressed: boolean;
}

/** An Athena partition-projection placeholder, e.g. `${account}` in `storage.location.template`. */
export function projected(partition: string): string {
  return `\${${partition}}`;
}

/** Glue/Athena-safe identifier: lowercase letters, digits and underscores. */
export function tableName(...parts: string[]): string {
  return parts
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
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

  constructor(
    scope: Construct,
    id: string,
    private readonly props: CatalogProps,
  ) {
    super(scope, id);
    const stack = Stack.of(this);

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: props.databaseName,
        description: 'Cliniko and Welkin snapshots (NDJSON, gzip) written by clinic-pipe',
      },
    });

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: props.databaseName,
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

  /** The `dt=YYYY-MM-DD` partition every layout has. */
  get dayPartition(): ProjectedPartition {
    return {
      name: 'dt',
      projection: {
        type: 'date',
        format: 'yyyy-MM-dd',
        range: `${this.props.projectionStartDate},NOW`,
        interval: '1',
        'interval.unit': 'DAYS',
      },
    };
  }

  /** One table per resource of a source, over `<prefix>/<source>/<resource>/dt=.../run=.../part-*.ndjson.gz`. */
  addSnapshotTables(set: CatalogTableSet): void {
    for (const resource of set.resources) {
      const partitions = [
        ...(set.accounts ? [enumPartition('account', set.accounts)] : []),
        this.dayPartition,
      ];
      this.addTable({
        name: tableName(set.source, resource.name),
        description: `${set.source} ${resource.name} snapshots; one row per record per run`,
        locationTemplate: `${set.prefixTemplate}/${set.source}/${resource.name}/dt=${projected('dt')}`,
        partitions,
        columns: resource.columns && resource.columns.length > 0 ? resource.columns : set.defaultColumns,
        compressed: true,
      });
    }
  }

  addTable(def: TableDefinition): CfnTable {
    const bucket = this.props.bucket.bucketName;
    const parameters: Record<string, string> = {
      classification: 'json',
      typeOfData: 'file',
      EXTERNAL: 'TRUE',
      'projection.enabled': 'true',
      'storage.location.template': `s3://${bucket}/${def.locationTemplate}/`,
    };
    if (def.compressed) parameters.compressionType = 'gzip';
    for (const partition of def.partitions) {
      for (const [key, value] of Object.entries(partition.projection)) {
        parameters[`projection.${partition.name}.${key}`] = value;
      }
    }
    // The table root: the template up to its first placeholder (projection ignores it, Glue requires it).
    const root = def.locationTemplate.slice(0, def.locationTemplate.search(/\$\{/)).replace(/[^/]*$/, '');
    const mappings = Object.fromEntries(
      def.columns.filter((c) => c.jsonKey).map((c) => [`mapping.${c.name}`, c.jsonKey as string]),
    );

    const table = new CfnTable(this, `Table-${def.name}`, {
      catalogId: Stack.of(this).account,
      databaseName: this.props.databaseName,
      tableInput: {
        name: def.name,
        description: def.description,
        tableType: 'EXTERNAL_TABLE',
        parameters,
        partitionKeys: def.partitions.map((p) => ({ name: p.name, type: 'string' })),
        storageDescriptor: {
          location: `s3://${bucket}/${root}`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: def.compressed,
          columns: def.columns.map((c) => ({ name: c.name, type: c.type ?? 'string' })),
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
    this.tables.push(table);
    return table;
  }
}

/** A partition whose values are known at deploy time (Cliniko accounts, webhook entities). */
export function enumPartition(name: string, values: readonly string[]): ProjectedPartition {
  return { name, projection: { type: 'enum', values: values.join(',') } };
}
