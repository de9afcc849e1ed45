import type { Logger } from '@aws-lambda-powertools/logger';
import { discardRun } from '../export/discard-run.js';
import type { Sink } from '../output/sink.js';
import type { DiscardRequest } from './export-event.js';

export type DiscardResponse = { done: true; discarded: number };

export interface DiscardInvocationOptions {
  request: DiscardRequest;
  /** The function's own source: a checkpoint of another source is refused. */
  source: string;
  sink: Sink;
  logger: Logger;
}

/** The state machine's clean-up after giving up on a resource: the run's parts go, its manifest never existed. */
export async function runDiscardInvocation(options: DiscardInvocationOptions): Promise<DiscardResponse> {
  const { request, logger } = options;
  const { discarded } = await discardRun(options.sink, request.discard, options.source);
  const runs = request.discard.pending.flatMap((item) =>
    item.checkpoint ? [{ resource: item.resource, runId: item.checkpoint.runId }] : [],
  );
  logger.info('abandoned run discarded', { runs, discarded });
  return { done: true, discarded };
}
