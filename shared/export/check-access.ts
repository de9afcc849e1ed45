import { AuthError, ConfigError, describeError, HttpError } from '../errors.js';
import { withinRun } from '../http/run-scope.js';
import { type OutputProbe, probeOutput } from '../output/output-probe.js';
import type { Sink } from '../output/sink.js';
import type { ResourcePager } from './pager.js';
import { type ResourceCatalog, selectResources } from './resource-catalog.js';
import { RunStop, stopsTheRun } from './run-stop.js';

/** What one resource's first request found. */
export type AccessStatus =
  | 'ok'
  | 'unauthorised'
  | 'forbidden'
  | 'not_found'
  | 'refused_parameter'
  | 'unreachable'
  | 'failed'
  | 'not_checked';

export interface ResourceAccess {
  name: string;
  status: AccessStatus;
  /** One line: what was found and what to do (never a credential or record data; URLs redacted). */
  message: string;
}

export interface AccessCheck {
  ok: boolean;
  source: string;
  resources: ResourceAccess[];
  output: OutputProbe;
}

export interface CheckAccessOptions {
  catalog: ResourceCatalog;
  sink: Sink;
  resources?: readonly string[];
  concurrency: number;
  /** The whole check stops after this long, like a run (its unfinished resources fail). */
  deadlineMs?: number;
}

/**
 * Proves access before the first night, for any source: each resource's real pager, built as a run builds it
 * for a full window, is asked for its first page only, so the one request it makes carries exactly the
 * parameters a run sends; and the output location is probed (put, read, list, delete). Nothing is exported
 * and no state moves. A failure no retry fixes (a refused credential, an unreachable host) stops the check as
 * it stops a run: the resources after it are `not_checked` rather than asked again in vain.
 */
export async function checkAccess(options: CheckAccessOptions): Promise<AccessCheck> {
  const { catalog } = options;
  const names = selectResources(catalog, options.resources);
  const output = await probeOutput(options.sink, catalog.source);
  const stop = new RunStop(options.deadlineMs);
  const found = new Map<string, ResourceAccess>();
  const queue = [...names];
  let stoppedBy: string | undefined;
  const worker = async (): Promise<void> => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      if (stop.reason) {
        found.set(name, notChecked(name, stoppedBy, stop.reason));
        continue;
      }
      try {
        const records = await withinRun({ signal: stop.signal }, () => firstPage(catalog.pagerFor(name)));
        found.set(name, { name, status: 'ok', message: `ok (first page: ${records} record(s))` });
      } catch (error) {
        if (stop.reason && !stopsTheRun(error)) {
          found.set(name, notChecked(name, stoppedBy, stop.reason));
          continue;
        }
        if (stopsTheRun(error) && !stop.reason) {
          stoppedBy = name;
          stop.stop(error as Error);
        }
        found.set(name, classify(name, error));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  } finally {
    stop.dispose();
  }
  const resources = names.map((name) => found.get(name) ?? notChecked(name, stoppedBy, stop.reason));
  return {
    ok: output.ok && resources.every((resource) => resource.status === 'ok'),
    source: catalog.source,
    resources,
    output,
  };
}

/** Pages until the first page arrives, then closes the pager: one request, as the run's first. */
async function firstPage(pager: ResourcePager): Promise<number> {
  const pages = pager.pages({ until: new Date().toISOString() })[Symbol.asyncIterator]();
  try {
    const first = await pages.next();
    return first.done ? 0 : first.value.records.length;
  } finally {
    await pages.return?.();
  }
}

/** What a run would do with the failure, and what to do about it beyond the source's own hint. */
const TODO: Record<Exclude<AccessStatus, 'ok' | 'not_checked'>, string> = {
  unauthorised: 'a run stops here: fix the credential first',
  forbidden: 'a run fails this resource alone and exports the others',
  not_found: 'check the base URL (shard, tenant, instance), or leave the resource out',
  refused_parameter:
    'the API refuses a parameter this exporter sends: report this line (the resource contract needs a fix), or leave the resource out',
  unreachable: 'check the base URL and the network',
  failed: 'a run fails this resource the same way',
};

const LABEL: Record<Exclude<AccessStatus, 'ok' | 'not_checked'>, string> = {
  unauthorised: 'unauthorised',
  forbidden: 'forbidden',
  not_found: 'not found',
  refused_parameter: 'refused parameter',
  unreachable: 'unreachable',
  failed: 'failed',
};

/** The failure's status by what the API answered; the message keeps the source's own explanation. */
function classify(name: string, error: unknown): ResourceAccess {
  const http = httpStatusOf(error);
  const status = statusOf(error, http);
  const label = http === undefined ? LABEL[status] : `${LABEL[status]} (${http})`;
  return { name, status, message: `${label}: ${describeError(error)} — ${TODO[status]}` };
}

/** The HTTP status behind a failure: its own, or the one it wraps (a token request's, for an AuthError). */
function httpStatusOf(error: unknown): number | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof HttpError && current.status !== undefined) return current.status;
  }
  return undefined;
}

function statusOf(error: unknown, http: number | undefined): Exclude<AccessStatus, 'ok' | 'not_checked'> {
  if (error instanceof AuthError || http === 401) return 'unauthorised';
  if (http === 403) return 'forbidden';
  if (http === 404) return 'not_found';
  if (http === 400 || http === 422) return 'refused_parameter';
  if (http !== undefined) return 'failed';
  if (error instanceof ConfigError || error instanceof HttpError) return 'unreachable';
  return 'failed';
}

function notChecked(name: string, stoppedBy: string | undefined, reason: Error | undefined): ResourceAccess {
  const why = stoppedBy
    ? `the check stopped at ${stoppedBy}'s failure, which every resource would meet`
    : describeError(reason);
  return { name, status: 'not_checked', message: `not checked: ${why}` };
}
