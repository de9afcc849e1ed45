import { type AccessCheck, checkAccess } from '../../shared/export/check-access.js';
import type { Sink } from '../../shared/output/sink.js';
import type { Env, SourceModule } from '../../shared/sources/source-module.js';
import { printable } from './printable.js';

/** A check that takes longer than this is stuck: it is one request per resource. */
const CHECK_DEADLINE_MS = 10 * 60_000;

export interface CheckCliOptions {
  source: SourceModule;
  sink: Sink;
  env: Env;
  resources?: readonly string[];
  concurrency?: number;
  out: (line: string) => void;
}

/**
 * `<source> --check`: one line per resource and one for the output location on stdout, then a count; exit 0
 * only when every line is ok, 1 otherwise.
 */
export async function runCheckCli(options: CheckCliOptions): Promise<number> {
  const { source } = options;
  const connection = await source.connectLocal(options.env);
  const check = await checkAccess({
    catalog: connection.catalog,
    sink: options.sink,
    resources: options.resources,
    concurrency: options.concurrency ?? source.cliConcurrency,
    deadlineMs: CHECK_DEADLINE_MS,
  });
  for (const line of checkLines(check)) options.out(printable(line));
  return check.ok ? 0 : 1;
}

/** The check as lines: each resource, the output location, then the count. */
export function checkLines(check: AccessCheck): string[] {
  const ok = check.resources.filter((resource) => resource.status === 'ok').length;
  return [
    ...check.resources.map((resource) => `${check.source}/${resource.name}: ${resource.message}`),
    check.output.message,
    `${check.source} check: ${ok} of ${check.resources.length} resource(s) ok, output ${
      check.output.ok ? 'ok' : 'not usable'
    }${check.ok ? '' : ' — fix the lines above before the first run'}`,
  ];
}
