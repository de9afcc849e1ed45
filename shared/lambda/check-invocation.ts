import type { Logger } from '@aws-lambda-powertools/logger';
import { PipelineError } from '../errors.js';
import { type AccessCheck, checkAccess } from '../export/check-access.js';
import type { ExportSettings } from '../export/export-settings.js';
import type { ResourceCatalog } from '../export/resource-catalog.js';
import type { Sink } from '../output/sink.js';
import type { CheckRequest } from './export-event.js';

/** A check found something to fix; the message lists every line that is not ok. */
export class CheckFailedError extends PipelineError {}

export interface CheckInvocationOptions {
  request: CheckRequest;
  catalog: ResourceCatalog;
  sink: Sink;
  settings: ExportSettings;
  remainingMs: () => number;
  logger: Logger;
}

/**
 * `{"check": true}`: the same check as the CLI's `--check`, with the function's own role, secrets and
 * output. Every line is logged. All ok: the structured result `{ok, source, resources, output}` is returned.
 * Anything not ok: the invocation fails (CheckFailedError) with the lines that are not ok in its message,
 * because a failed invocation is what an operator's `aws lambda invoke` shows as `FunctionError`, what a
 * deploy pipeline stops on, and what an alarm counts; a returned `ok: false` would pass as a success.
 */
export async function runCheckInvocation(options: CheckInvocationOptions): Promise<AccessCheck> {
  const { logger } = options;
  const check = await checkAccess({
    catalog: options.catalog,
    sink: options.sink,
    resources: options.request.resources,
    concurrency: options.settings.concurrency ?? 2,
    // Stopped 15 s before the Lambda timeout, so the failure is a clean line rather than a timeout.
    deadlineMs: Math.max(1_000, options.remainingMs() - 15_000),
  });
  for (const resource of check.resources) {
    const log = resource.status === 'ok' ? logger.info.bind(logger) : logger.error.bind(logger);
    log('check', { resource: resource.name, status: resource.status, message: resource.message });
  }
  (check.output.ok ? logger.info.bind(logger) : logger.error.bind(logger))('check output', {
    ...check.output,
  });
  if (check.ok) return check;
  const failing = check.resources
    .filter((resource) => resource.status !== 'ok')
    .map((resource) => `${check.source}/${resource.name}: ${resource.message}`);
  if (!check.output.ok) failing.push(check.output.message);
  const ok = check.resources.length - check.resources.filter((resource) => resource.status !== 'ok').length;
  throw new CheckFailedError(
    `${check.source} check: ${ok} of ${check.resources.length} resource(s) ok, output ${
      check.output.ok ? 'ok' : 'not usable'
    }: ${failing.join('; ')}`,
  );
}
