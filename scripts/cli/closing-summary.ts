import { storedObjectUrl } from '../../shared/current-state/object-url.js';
import type { ResourceResult } from '../../shared/export/run-export.js';
import type { Sink } from '../../shared/output/sink.js';

const count = new Intl.NumberFormat('en-US');

/** One short line per resource: what was exported and what the current state holds now (no URLs). */
export function resourceLine(source: string, result: ResourceResult): string {
  const current =
    result.currentRecordCount === undefined
      ? ''
      : `; current ${count.format(result.currentRecordCount)}` +
        (result.deletedCount ? `, ${count.format(result.deletedCount)} deleted` : '');
  const changes = result.schemaChanges;
  const schema =
    changes && changes.since !== undefined && changes.added.length + changes.widened.length > 0
      ? `; new fields ${changes.added.length}, widened ${changes.widened.length}`
      : '';
  return `${source}/${result.resource}: ${count.format(result.recordCount)} rows (${result.mode})${current}${schema}`;
}

export interface ClosingSummary {
  source: string;
  out: string;
  rows: number;
  requests: number;
  requestsPerMinute: number;
  seconds: number;
  failures: { resource: string; message: string }[];
  notStarted: string[];
  interrupted: string[];
  results: ResourceResult[];
}

/**
 * `--json`: the whole run for an orchestrator, one JSON object on stdout — every result with its keys as the
 * storage names them and as URLs (`…Url`), failures, and the totals.
 */
export function jsonSummary(sink: Sink, summary: ClosingSummary): string {
  const url = (key: string | undefined) => (key ? storedObjectUrl(sink, key) : undefined);
  return JSON.stringify({
    ...summary,
    results: summary.results.map((result) => ({
      ...result,
      manifestUrl: url(result.manifestKey),
      copyManifestUrl: url(result.copyManifestKey),
      currentManifestUrl: url(result.currentManifestKey),
      currentCopyManifestUrl: url(result.currentCopyManifestKey),
      currentSchemaUrl: url(result.currentSchemaKey),
      currentParquetSymlinkUrl: url(result.currentParquetSymlinkKey),
    })),
  });
}

export function formatCount(value: number): string {
  return count.format(value);
}
