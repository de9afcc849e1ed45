import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { ZodError } from 'zod';
import type { Sink } from '../../output/sink.js';
import { safeReason } from '../../webhooks/safe-reason.js';
import { processEachMessage } from '../../webhooks/sqs-batch.js';
import type { WelkinV1Client } from '../client.js';
import { pullV1Notice, type V1PullOutcome } from './pull-window.js';
import { v1QueuedNoticeSchema } from './queued-notice.js';

export interface V1BatchOptions {
  records: SQSRecord[];
  client: WelkinV1Client;
  sink: Sink;
  concurrency?: number;
  onOutcome?: (outcome: V1PullOutcome) => void;
  onFailure?: (messageId: string, reason: string) => void;
}

function describeBatchFailure(error: unknown): string {
  if (error instanceof SyntaxError) return 'message is not JSON';
  if (error instanceof ZodError) return 'message is not a queued Welkin v1 notice';
  return safeReason(error);
}

/**
 * One SQS batch of v1 notices: each pulled on its own, failures reported per message so SQS retries only
 * those (and dead-letters them after maxReceiveCount). A message that does not parse fails too.
 */
export async function processV1NoticeBatch(options: V1BatchOptions): Promise<SQSBatchResponse> {
  return processEachMessage({
    records: options.records,
    concurrency: options.concurrency ?? 4,
    handle: async (record) => {
      const message = v1QueuedNoticeSchema.parse(JSON.parse(record.body));
      const outcomes = await pullV1Notice({ message, client: options.client, sink: options.sink });
      for (const outcome of outcomes) options.onOutcome?.(outcome);
    },
    describeFailure: describeBatchFailure,
    onFailure: options.onFailure,
  });
}
