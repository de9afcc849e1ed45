import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { NoticeQueue, QueuedNotice } from '../welkin/webhooks/queued-notice.js';

/**
 * An SQS queue (standard or FIFO). On a FIFO queue the dedupe key doubles as MessageDeduplicationId and
 * changes of one record share a message group, so they are pulled in order; a standard queue may deliver
 * twice, which the worker tolerates (it rewrites the same change file).
 */
export class SqsNoticeQueue implements NoticeQueue {
  private readonly fifo: boolean;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {
    this.fifo = queueUrl.endsWith('.fifo');
  }

  async send(message: QueuedNotice): Promise<void> {
    const { notice } = message;
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        ...(this.fifo
          ? {
              MessageDeduplicationId: message.dedupeKey,
              MessageGroupId: createHash('sha256')
                .update(`${notice.eventEntity}\u0000${notice.sourceId}`)
                .digest('hex'),
            }
          : {}),
      }),
    );
  }
}
