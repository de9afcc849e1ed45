import { Stack } from 'aws-cdk-lib';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ColumnDeployment } from '../../shared/sources/deployment.js';
import { columnNameOf, HIVE_JSON, type InputKind, PARQUET } from './table-formats.js';

export interface CatalogProps {
  readonly bucket: IBucket;
  readonly databaseName: string;
  /** First day partition projection offers; earlier `dt` values are simply not queried. */
  readonly projectionStartDate: string;
}

/** A partition column with its projection settings (without the `projection.<name>.` prefix), if projected. */
export interface TablePartition {
  readonly name: string;
  readonly projection?: Record<string, string>;
}

export interface TableDefinition {
  readonly name: string;
  readonly description: string;
  /** S3 path below the bucket: the table root, or with projection a template with `projected(...)` placeholders. */
  readonly location: string;
  readonly partitions: readonly TablePartition[];
  readonly columns: readonly ColumnDeployment[];
  readonly compressed: boolean;
  readonly input: InputKind;
  /** NDJSON (Hive JSON SerDe, the default) or the current state's Parquet copy (read through its symlink file). */
  readonly format?: 'json' | 'parquet';
}

/** An Athena partition-projection placeholder, e.g. `${account}` in `storage.location.template`. */
export function projected(partition: string): string {
  return `\${${partition}}`;
}

/** A partition whose values are known at deploy time (Cliniko accounts, resources, webhook entities). */
export function enumPartition(name: string, values: readonly string[]): TablePartition {
  return { name, projection: { type: 'enum', values: values.join(',') } };
}

/** A partition the pipeline registers itself (a finished run's folder), never projected. */
export function registeredPartition(name: string): TablePartition {
  return { name };
}

/** The Glue database; tables are added per source (SourceTables) and for webhook output. */
export class Catalog extends Construct {
  readonly database: CfnDatabase;
  readonly tables: CfnTable[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: CatalogProps,
  ) {
    super(scope, id);
    this.database = new CfnDatabase(this, 'Database', {
      catalogId: Stack.of(this).account,
      databaseInput: {
        name: props.databaseName,
        description: 'clinic-pipe snapshots: current state, runs and deletions per resource (NDJSON, gzip)',
      },
    });
  }

  get databaseName(): string {
    return this.props.databaseName;
  }

  get bucketName(): string {
    return this.props.bucket.bucketName;
  }

  /** The `dt=YYYY-MM-DD` partition every time-foldered layout has. */
  get dayPartition(): TablePartition {
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

  addTable(def: TableDefinition): CfnTable {
    const bucket = this.props.bucket.bucketName;
    const projectedPartitions = def.partitions.filter((p) => p.projection);
    const parquet = def.format === 'parquet';
    const parameters: Record<string, string> = {
      classification: parquet ? 'parquet' : 'json',
      typeOfData: 'file',
      EXTERNAL: 'TRUE',
    };
    if (def.compressed && !parquet) parameters.compressionType = 'gzip';
    if (projectedPartitions.length > 0) {
      parameters['projection.enabled'] = 'true';
      parameters['storage.location.template'] = `s3://${bucket}/${def.location}/`;
      for (const partition of projectedPartitions) {
        for (const [key, value] of Object.entries(partition.projection ?? {})) {
          parameters[`projection.${partition.name}.${key}`] = value;
        }
      }
    }
    // The table root: the location up to its first placeholder (projection ignores it, Glue requires it).
    const cut = def.location.search(/\$\{/);
    const root = cut < 0 ? `${def.location}/` : def.location.slice(0, cut).replace(/[^/]*$/, '');
    const table = new CfnTable(this, `Table-${def.name}`, {
      catalogId: Stack.of(this).account,
      databaseName: this.props.databaseName,
      tableInput: {
        name: def.name,
        description: def.description,
        tableType: 'EXTERNAL_TABLE',
        parameters,
        partitionKeys: def.partitions.map((p) => ({ name: p.name, type: 'string' })),
        storageDescriptor: parquet
          ? {
              location: `s3://${bucket}/${root}`,
              inputFormat: PARQUET.inputFormat,
              outputFormat: PARQUET.outputFormat,
              compressed: false,
              columns: def.columns.map((c) => ({ name: c.name, type: c.type ?? 'string' })),
              serdeInfo: { serializationLibrary: PARQUET.serde },
            }
          : {
              location: `s3://${bucket}/${root}`,
              inputFormat: HIVE_JSON.inputFormat(def.input),
              outputFormat: HIVE_JSON.outputFormat,
              compressed: def.compressed,
              columns: def.columns.map((c) => ({ name: columnNameOf(c.name), type: c.type ?? 'string' })),
              serdeInfo: { serializationLibrary: HIVE_JSON.serde },
            },
      },
    });
    table.addResourceDependency(this.database);
    this.tables.push(table);
    return table;
  }
}
