import { UsageError } from '../shared/config-error.js';
import { ConfigError, describeError } from '../shared/errors.js';
import { exportSettingsFrom } from '../shared/export/export-settings.js';
import { describeRequestRate } from '../shared/export/request-rate.js';
import { runExport } from '../shared/export/run-export.js';
import { exitCleanlyOnSignals } from '../shared/output/interrupt-cleanup.js';
import { assertOutputUsable } from '../shared/output/output-probe.js';
import { sinkFromLocation } from '../shared/output/sink-from-location.js';
import { SOURCES, sourceNamed } from '../shared/sources/registry.js';
import type { SourceModule } from '../shared/sources/source-module.js';
import { runCheckCli } from './cli/check.js';
import { formatCount, jsonSummary, resourceLine } from './cli/closing-summary.js';
import { exportHelp } from './cli/help.js';
import { HELP_HINT, parseExportArgs } from './cli/options.js';
import { printable } from './cli/printable.js';
import { progressReporter } from './cli/progress/progress-reporter.js';
import type { ProgressTarget } from './cli/progress/progress-target.js';
import { resourceList } from './cli/resource-list.js';

/** A CLI run that takes longer than this is stuck somewhere: stop it with one line rather than sit silent. */
const CLI_RUN_DEADLINE_MS = 6 * 60 * 60_000;

export interface CliIo {
  env: Record<string, string | undefined>;
  err: (line: string) => void;
  out: (line: string) => void;
  /** stderr itself, when it may be a terminal: a live progress display needs it. */
  errStream?: ProgressTarget['stream'];
}

/**
 * The export CLI; returns the exit code: 0 every resource completed, 1 one failed, 2 a usage or
 * configuration error (one line: `NAME: what is wrong — what to do`). Progress and errors go to stderr, the
 * summary to stdout. `--check` exports nothing (scripts/cli/check.ts): 0 only when every resource and the
 * output are ok.
 */
export async function runExportCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const args = parseExportArgs(argv);
    const [sourceName, ...extra] = args.positionals;
    if (args.help) {
      io.out(exportHelp(SOURCES, sourceName ? chooseSource(sourceName) : undefined));
      return 0;
    }
    const source = chooseSource(sourceName);
    if (extra[0] !== undefined) throw new UsageError(extra[0], 'unexpected argument', HELP_HINT);
    if (!args.out) throw new UsageError('--out', 'missing', 'give a folder or s3://bucket/prefix');
    const resources = resourceList(
      args.resources,
      source.name,
      [...source.resourceNames, ...(source.optionalResourceNames ?? [])],
      source.resourceAliases,
    );
    // Everything checkable without the network is checked before connecting.
    const sink = sinkFromLocation(args.out, io.env);
    const settings = exportSettingsFrom(io.env);
    if (args.check) {
      const concurrency = settings.concurrency ?? source.cliConcurrency;
      return await runCheckCli({ source, sink, env: io.env, resources, concurrency, out: io.out });
    }
    // One line naming a missing bucket or permission, before any resource starts (not one per resource).
    await assertOutputUsable(sink, source.name);
    const connection = await source.connectLocal(io.env);
    const progress = progressReporter({
      source: source.name,
      requestCount: () => connection.requestCount(),
      resourceCount: (resources ?? source.resourceNames).length,
      err: io.err,
      stream: io.errStream,
    });
    const outcome = await runExport({
      catalog: connection.catalog,
      sink,
      settings,
      mode: args.full ? 'full' : 'incremental',
      resources,
      concurrency: settings.concurrency ?? source.cliConcurrency,
      runDeadlineMs: settings.runDeadlineMs ?? CLI_RUN_DEADLINE_MS,
      onProgress: (event) => progress.onEvent(event),
    }).finally(() => progress.stop());
    const { stopped } = outcome;
    if (stopped && !outcome.failures.some((failure) => failure.message === stopped.message)) {
      io.err(`error: ${printable(stopped.message)}`);
    }
    if (stopped && stopped.interrupted.length > 0) {
      io.err(`${source.name}: interrupted (run stopped): ${stopped.interrupted.join(', ')}`);
    }
    if (stopped && stopped.notStarted.length > 0) {
      io.err(`${source.name}: not started (run stopped): ${stopped.notStarted.join(', ')}`);
    }
    const results = outcome.done ? outcome.results : outcome.checkpoint.results;
    const rows = results.reduce((sum, result) => sum + result.recordCount, 0);
    const seconds = (outcome.requests.ms / 1000).toFixed(1);
    if (args.json) {
      // stdout is the machine-readable summary only; progress and errors stay on stderr.
      io.out(
        jsonSummary(sink, {
          source: source.name,
          out: sink.location,
          rows,
          requests: outcome.requests.requests,
          requestsPerMinute: outcome.requests.perMinute,
          seconds: Number(seconds),
          failures: outcome.failures,
          notStarted: stopped?.notStarted ?? [],
          interrupted: stopped?.interrupted ?? [],
          results,
        }),
      );
      return outcome.failures.length === 0 && !stopped && outcome.done ? 0 : 1;
    }
    // One short line per resource; the keys and URLs loaders need are in --json.
    for (const result of results) io.out(resourceLine(source.name, result));
    io.out(
      `${source.name}: ${results.length} resource(s) exported, ${outcome.failures.length} failed, ` +
        `${stopped ? `${stopped.notStarted.length} not started, ${stopped.interrupted.length} interrupted, ` : ''}` +
        `${formatCount(rows)} rows, ${describeRequestRate(outcome.requests)} -> ${sink.location}`,
    );
    return outcome.failures.length === 0 && !stopped && outcome.done ? 0 : 1;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(printable(error.message));
      return 2;
    }
    io.err(`error: ${printable(describeError(error))}`);
    return 1;
  }
}

function chooseSource(name: string | undefined): SourceModule {
  const names = SOURCES.map((source) => source.name).join(', ');
  if (name === undefined) throw new UsageError('<source>', 'missing', `name one of: ${names} (${HELP_HINT})`);
  const source = sourceNamed(name);
  if (!source)
    throw new UsageError('<source>', `${JSON.stringify(name)} is not a source`, `use one of: ${names}`);
  return source;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  exitCleanlyOnSignals((line) => process.stderr.write(`${line}\n`));
  runExportCli(process.argv.slice(2), {
    env: process.env,
    err: (line) => process.stderr.write(`${line}\n`),
    out: (line) => process.stdout.write(`${line}\n`),
    errStream: process.stderr,
  }).then((code) => {
    process.exitCode = code;
  });
}
