import { parseArgs } from 'node:util';
import { storedObjectUrl } from '../shared/current-state/object-url.js';
import { ConfigError, describeError } from '../shared/errors.js';
import { exportSettingsFrom } from '../shared/export/export-settings.js';
import { type ProgressEvent, runExport } from '../shared/export/run-export.js';
import { exitCleanlyOnSignals } from '../shared/output/interrupt-cleanup.js';
import { sinkFromLocation } from '../shared/output/sink-from-location.js';
import { SOURCES, sourceNamed } from '../shared/sources/registry.js';

const USAGE = `usage: npm run export -- <${SOURCES.map((source) => source.name).join('|')}> --out <dir | s3://bucket/prefix> [--resources a,b] [--full]`;

export interface CliIo {
  env: Record<string, string | undefined>;
  err: (line: string) => void;
  out: (line: string) => void;
}

/** The export CLI; returns the exit code. Progress and errors go to stderr, the summary to stdout. */
export async function runExportCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        resources: { type: 'string' },
        full: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const [sourceName, ...extra] = positionals;
    const source = sourceName ? sourceNamed(sourceName) : undefined;
    if (!source || extra.length > 0) throw new ConfigError(USAGE);
    if (!values.out) throw new ConfigError(`--out is required; ${USAGE}`);
    const connection = await source.connectLocal(io.env);
    const settings = exportSettingsFrom(io.env);
    const sink = sinkFromLocation(values.out, io.env);
    const startedAt = Date.now();
    const ratePerMinute = () => {
      const minutes = (Date.now() - startedAt) / 60_000;
      return minutes > 0 ? Math.round(connection.requestCount() / minutes) : 0;
    };
    const lastReport = new Map<string, number>();
    const onProgress = (event: ProgressEvent) => {
      if (event.kind === 'page') {
        const now = Date.now();
        if (now - (lastReport.get(event.resource) ?? 0) < 2_000) return;
        lastReport.set(event.resource, now);
        io.err(
          `${sourceName}/${event.resource}: ${event.records} rows, ${event.pages} pages, ${ratePerMinute()} req/min`,
        );
      } else if (event.kind === 'done') {
        io.err(
          `${sourceName}/${event.resource}: done, ${event.result.recordCount} rows (${event.result.mode})`,
        );
      } else if (event.kind === 'current') {
        io.err(
          `${sourceName}/${event.resource}: current state ${event.records} rows, ${event.deleted} deleted (${event.ms} ms)`,
        );
      } else if (event.kind === 'failed') {
        io.err(`error: ${event.message}`);
      }
    };
    const outcome = await runExport({
      catalog: connection.catalog,
      sink,
      settings,
      mode: values.full ? 'full' : 'incremental',
      resources: values.resources
        ?.split(',')
        .map((name) => name.trim())
        .filter(Boolean),
      concurrency: settings.concurrency ?? source.cliConcurrency,
      onProgress,
    });
    const results = outcome.done ? outcome.results : outcome.checkpoint.results;
    const rows = results.reduce((sum, result) => sum + result.recordCount, 0);
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    // Per resource, what loaders read: the run and the current state, each as manifest and COPY manifest.
    for (const result of results) {
      const url = (key: string | undefined) => (key ? storedObjectUrl(sink, key) : '-');
      io.out(
        `${sourceName}/${result.resource}: run ${url(result.manifestKey)} copy ${url(result.copyManifestKey)}; ` +
          `current ${url(result.currentManifestKey)} copy ${url(result.currentCopyManifestKey)}`,
      );
    }
    io.out(
      `${sourceName}: ${results.length} resource(s) exported, ${outcome.failures.length} failed, ${rows} rows, ` +
        `${connection.requestCount()} requests in ${seconds}s -> ${sink.location}`,
    );
    return outcome.failures.length === 0 && outcome.done ? 0 : 1;
  } catch (error) {
    io.err(`error: ${describeError(error)}`);
    return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  exitCleanlyOnSignals((line) => process.stderr.write(`${line}\n`));
  runExportCli(process.argv.slice(2), {
    env: process.env,
    err: (line) => process.stderr.write(`${line}\n`),
    out: (line) => process.stdout.write(`${line}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
