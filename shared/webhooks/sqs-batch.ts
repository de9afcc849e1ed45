import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

export interface EachMessageOptions {
  records: SQSRecord[];
  /** Messages in flight at once: each may call the source's API (its own rate budget still applies). */
  concurrency: number;
  handle(record: SQSRecord): Promise<void>;
  /** A safe one-line reason (no ids, no bodies) for a message that failed. */
  describeFailure(error: unknown): string;
  onFailure?: (messageId: string, reason: string) => void;
}

/**
 * One SQS batch through Powertools' batch processing: each message handled on its own and every failed one
 * reported in `batchItemFailures`, so SQS retries only those (and dead-letters them after maxReceiveCount). A
 * batch where every message failed is reported the same way rather than thrown, so the queue's redrive counts
 * stay per message. At most `concurrency` handlers run at once.
 */
export async function processEachMessage(options: EachMessageOptions): Promise<SQSBatchResponse> {
  const slot = limiter(options.concurrency);
  const handler = async (record: SQSRecord): Promise<void> => {
    const release = await slot();
    try {
      await options.handle(record);
    } catch (error) {
      options.onFailure?.(record.messageId, options.describeFailure(error));
      throw error;
    } finally {
      release();
    }
  };
  return processPartialResponse({ Records: options.records }, handler, new BatchProcessor(EventType.SQS), {
    processInParallel: true,
    throwOnFullBatchFailure: false,
  });
}

/** A counting semaphore: resolves with a release function once one of `limit` slots is free. */
function limiter(limit: number): () => Promise<() => void> {
  let free = Math.max(1, limit);
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  return async () => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    return release;
  };
}
