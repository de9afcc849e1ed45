import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { ZodError } from 'zod';
import type { Sink } from '../../output/sink.js';
import { safeReason } from '../../webhooks/safe-reason.js';
import { processEachMessage } from '../../webhooks/sqs-batch.js';
import { type PullOutcome, pullChange } from './pull-change.js';
import type { WelkinApiLocation } from './pull-target.js';
import { queuedNoticeSchema } from './queued-notice.js';
import type { RecordFetcher } from './record-fetcher.js';

export interface BatchOptions {
  records: SQSRecord[];
  api: WelkinApiLocation;
  fetcher: RecordFetcher;
  sink: Sink;
  concurrency?: number;
  onOutcome?: (outcome: PullOutcome) => void;
  onFailure?: (messageId: string, reason: string) => void;
}

function describeBatchFailure(error: unknown): string {
  if (error instanceof SyntaxError) return 'message is not JSON';
  if (error instanceof ZodError) return 'message is not a queued Welkin notice';
  return safeReason(error);
}

/**
 * One SQS batch: each message pulled on its own, failures reported per message so SQS retries only those
 * (and moves them to the dead-letter queue after maxReceiveCount). A message that does not parse fails too:
 * it belongs in the DLQ where someone will look, not silently dropped.
 */
export async function processNoticeBatch(options: BatchOptions): Promise<SQSBatchResponse> {
  return processEachMessage({
    records: options.records,
    concurrency: options.concurrency ?? 4,
    handle: async (record) => {
      const message = queuedNoticeSchema.parse(JSON.parse(record.body));
      const outcome = await pullChange({
        message,
        api: options.api,
        fetcher: options.fetcher,
        sink: options.sink,
      });
      options.onOutcome?.(outcome);
    },
    describeFailure: describeBatchFailure,
    onFailure: options.onFailure,
  });
}
