import {
  ConcurrentModificationException,
  GetTableCommand,
  GlueClient,
  type Table,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { PipelineError } from '../errors.js';
import { tableSafe } from '../sources/deployment.js';
import type { RecordSchema } from './record-schema.js';
import { jsonColumnsOf, parquetColumnsOf, type TableColumn, updatedColumns } from './table-columns.js';

export class TableSyncError extends PipelineError {}

/** What follows a publish in a catalog: the tables of the resource given the columns its schema found. */
export interface TableSync {
  /** The names of the tables whose columns changed. */
  afterPublish(source: string, resource: string, schema: RecordSchema): Promise<string[]>;
}

const ATTEMPTS = 3;

/** The stack names its Glue database in `GLUE_DATABASE`; without it (CLI, tests) no table is followed. */
export function tableSyncFromEnv(env: Record<string, string | undefined>): TableSync | undefined {
  const database = env.GLUE_DATABASE;
  return database ? new GlueTableSync(new GlueClient({}), database) : undefined;
}

/**
 * Keeps the Glue tables of a resource in step with its discovered schema: `<source>_<resource>` (the Parquet
 * current state) and `<source>_<resource>_runs` (NDJSON). Columns are compared at every publish, not only when
 * the schema reports a change, so a table the stack redeployed with its template's columns is restored by the
 * next publish. Only GetTable and UpdateTable on those tables are used (the stack grants no more).
 */
export class GlueTableSync implements TableSync {
  constructor(
    private readonly client: GlueClient,
    private readonly database: string,
  ) {}

  async afterPublish(source: string, resource: string, schema: RecordSchema): Promise<string[]> {
    const current = `${tableSafe(source)}_${resource}`;
    const updated: string[] = [];
    if (await this.sync(current, parquetColumnsOf(schema))) updated.push(current);
    if (await this.sync(`${current}_runs`, jsonColumnsOf(schema))) updated.push(`${current}_runs`);
    return updated;
  }

  /** One table: read, merge columns, update with the version read (a concurrent update is read again). */
  private async sync(name: string, wanted: readonly TableColumn[]): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      const table = await this.read(name);
      const partitions = new Set((table.PartitionKeys ?? []).map((key) => key.Name));
      const existing = (table.StorageDescriptor?.Columns ?? []).map((c) => ({
        name: c.Name ?? '',
        type: c.Type ?? 'string',
      }));
      const next = updatedColumns(
        existing,
        wanted.filter((column) => !partitions.has(column.name)),
      );
      if (!next) return false;
      try {
        await this.client.send(
          new UpdateTableCommand({
            DatabaseName: this.database,
            TableInput: inputOf(table, next),
            VersionId: table.VersionId,
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof ConcurrentModificationException) || attempt >= ATTEMPTS)
          throw new TableSyncError(`${this.database}.${name}: columns not updated: ${describe(error)}`, {
            cause: error,
          });
      }
    }
  }

  private async read(name: string): Promise<Table> {
    try {
      const { Table: table } = await this.client.send(
        new GetTableCommand({ DatabaseName: this.database, Name: name }),
      );
      if (!table?.StorageDescriptor) throw new Error('no storage descriptor');
      return table;
    } catch (error) {
      throw new TableSyncError(`${this.database}.${name}: table not read: ${describe(error)}`, {
        cause: error,
      });
    }
  }
}

/** The table as UpdateTable takes it: every setting it had, the columns replaced. */
function inputOf(table: Table, columns: readonly TableColumn[]): TableInput {
  return {
    Name: table.Name,
    Description: table.Description,
    Owner: table.Owner,
    Retention: table.Retention,
    TableType: table.TableType,
    Parameters: table.Parameters,
    PartitionKeys: table.PartitionKeys,
    StorageDescriptor: {
      ...table.StorageDescriptor,
      Columns: columns.map((column) => ({ Name: column.name, Type: column.type })),
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
}
