/**
 * The bucket's top level: the output prefix every key above lives under, and the folders beside it that the
 * stack itself names (Athena query results). Access logs go to a bucket of their own, under one prefix.
 */

/** The output prefix in AWS unless the deployer sets `outputPrefix` (the Lambdas' `OUTPUT_PREFIX` default too). */
export const DEFAULT_OUTPUT_PREFIX = 'snapshots';

/** `athena-results`: the readers' query results, expired by their own lifecycle rule. */
export const ATHENA_RESULTS_ROOT = 'athena-results';

/** `athena-results/<reader>`: one reader's query results; no other reader can read them. */
export function athenaResultsFolder(reader: string): string {
  return `${ATHENA_RESULTS_ROOT}/${reader}`;
}

/** The snapshot bucket's server access logs, in the access-log bucket (named after the bucket, not the prefix). */
export const ACCESS_LOGS_PREFIX = 'snapshots/';
