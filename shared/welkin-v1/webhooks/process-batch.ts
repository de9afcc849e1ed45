import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { ZodError } from 'zod';
import type { Sink } from '../../output/sink.js';
import { safeReason } from '../../webhooks/safe-reason.js';
import { processEachMessage } from '../../webhooks/sqs-batch.js';
import type { WelkinV1Client } from '../client.js';
import { realtimeQueuedSchema } from '../realtime/notification.js';
import { pullV1Record, type RealtimeOutcome } from '../realtime/pull-record.js';
import { pullV1Notice, type V1PullOutcome } from './pull-window.js';
import { type V1QueuedMessage, v1QueuedNoticeSchema } from './queued-notice.js';

export interface V1BatchOptions {
  records: SQSRecord[];
  client: WelkinV1Client;
  sink: Sink;
  concurrency?: number;
  onOutcome?: (outcome: V1PullOutcome | RealtimeOutcome) => void;
  onFailure?: (messageId: string, reason: string) => void;
}

function describeBatchFailure(error: unknown): string {
  if (error instanceof SyntaxError) return 'message is not JSON';
  if (error instanceof ZodError) return 'message is not a queued Welkin v1 notice';
  return safeReason(error);
}

/** One queued message: a legacy window (version 1) pulled through Find, or one realtime record (version 2). */
export async function processV1Message(
  body: unknown,
  client: WelkinV1Client,
  sink: Sink,
): Promise<(V1PullOutcome | RealtimeOutcome)[]> {
  const version = (body as Partial<V1QueuedMessage> | null)?.version;
  if (version === 2) return [await pullV1Record({ message: realtimeQueuedSchema.parse(body), client, sink })];
  return pullV1Notice({ message: v1QueuedNoticeSchema.parse(body), client, sink });
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
      const outcomes = await processV1Message(JSON.parse(record.body), options.client, options.sink);
      for (const outcome of outcomes) options.onOutcome?.(outcome);
    },
    describeFailure: describeBatchFailure,
    onFailure: options.onFailure,
  });
}
