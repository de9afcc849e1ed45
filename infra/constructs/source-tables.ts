import { snakeCase } from '../../shared/current-state/column-names.js';
import {
  accountFolder,
  currentParquetSymlinkFolder,
  deletionsDayFolder,
  resourceFolder,
  webhookDayFolder,
} from '../../shared/layout/index.js';
import { joinKey } from '../../shared/output/sink.js';
import type {
  ColumnDeployment,
  SourceDeployment,
  WebhookTableDeployment,
} from '../../shared/sources/deployment.js';
import { tableSafe } from '../../shared/sources/deployment.js';
import { type Catalog, enumPartition, projected, registeredPartition } from './catalog.js';

const TOMBSTONE_COLUMNS = [{ name: 'id' }, { name: '_deleted_at' }, { name: '_run_id' }];

export interface SourceTablesProps {
  readonly deployment: SourceDeployment;
  readonly outputPrefix: string;
  /** Configured accounts of a per-account source (an `account` partition). */
  readonly accounts: readonly string[];
}

/**
 * Three views of each resource, all over the export's own layout:
 * - `<source>_<resource>`: the current state. The table reads the Parquet files
 *   `current/_symlink_parquet/symlink.txt` lists, which the current-state publisher swaps in one PUT after the
 *   new version is complete: every live record once, deletions applied, never a partial run, and never the
 *   superseded versions beside it. Its columns start as the deployment's (snake_case, typed as the Parquet
 *   copy types them); each publish adds the fields it discovers (`current/_schema.json`).
 * - `<source>_<resource>_runs`: every completed run, with `dt` and `run` (the run id) as partition columns. Its
 *   partitions are registered by the state machine once a run's manifest exists, so a run in progress or
 *   abandoned is never listed.
 * - `<source>_deletions`: the tombstones of every resource (`resource` and `dt` projected).
 */
export function addSourceTables(catalog: Catalog, props: SourceTablesProps): void {
  const { deployment, outputPrefix } = props;
  const source = deployment.source;
  const accountPartitions = deployment.perAccount ? [enumPartition('account', props.accounts)] : [];
  const base = deployment.perAccount
    ? `${outputPrefix}/${accountFolder(projected('account'))}`
    : outputPrefix;
  const name = (...parts: string[]) => [tableSafe(source), ...parts].join('_');
  for (const resource of deployment.resources) {
    const columns =
      resource.columns && resource.columns.length > 0 ? resource.columns : deployment.defaultColumns;
    catalog.addTable({
      name: name(resource.name),
      description: `${deployment.title} ${resource.name}: current state, one row per live record`,
      location: `${base}/${currentParquetSymlinkFolder(source, resource.name)}`,
      partitions: accountPartitions,
      columns: columns.map(parquetColumn),
      compressed: false,
      input: 'symlink',
      format: 'parquet',
    });
    catalog.addTable({
      name: name(resource.name, 'runs'),
      description: `${deployment.title} ${resource.name}: every completed run (run = run id), one row per record per run`,
      location: deployment.perAccount
        ? outputPrefix
        : `${outputPrefix}/${resourceFolder(source, resource.name)}`,
      partitions: [
        ...(deployment.perAccount ? [registeredPartition('account')] : []),
        registeredPartition('dt'),
        registeredPartition('run'),
      ],
      columns,
      compressed: true,
      input: 'folder',
    });
  }
  catalog.addTable({
    name: name('deletions'),
    description: `${deployment.title}: records found deleted by full runs (tombstones), per resource`,
    location: `${base}/${deletionsDayFolder(source, projected('resource'), projected('dt'))}`,
    partitions: [
      ...accountPartitions,
      enumPartition(
        'resource',
        deployment.resources.map((r) => r.name),
      ),
      catalog.dayPartition,
    ],
    columns: TOMBSTONE_COLUMNS,
    compressed: true,
    input: 'folder',
  });
}

/**
 * A deployment column as the Parquet copy names and types it: snake_case, `…_at` a timestamp unless the
 * deployment types it (the first publish corrects any column the data types otherwise).
 */
function parquetColumn(column: ColumnDeployment): ColumnDeployment {
  const name = snakeCase(column.name);
  return { name, type: column.type ?? (name.endsWith('_at') ? 'timestamp' : 'string') };
}

/** Tables over a webhook's own output: accepted notices, and the records pulled for them. */
export function addWebhookTables(
  catalog: Catalog,
  outputPrefix: string,
  tables: readonly WebhookTableDeployment[],
): void {
  for (const table of tables) {
    const folder = table.entities ? joinKey(table.folder, projected('entity')) : table.folder;
    catalog.addTable({
      name: table.name,
      description: table.description,
      location: `${outputPrefix}/${webhookDayFolder(folder, projected('dt'))}`,
      partitions: [
        ...(table.entities ? [enumPartition('entity', table.entities)] : []),
        catalog.dayPartition,
      ],
      columns: table.columns,
      compressed: table.compressed,
      input: 'folder',
    });
  }
}
