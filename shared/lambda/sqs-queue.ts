import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * An SQS queue (standard or FIFO) of webhook messages. On a FIFO queue the dedupe key doubles as
 * MessageDeduplicationId and `groupOf` orders related messages; a standard queue may deliver twice, which
 * the workers tolerate (they rewrite the same change files).
 */
export class SqsMessageQueue<M extends { dedupeKey: string }> {
  private readonly fifo: boolean;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly groupOf: (message: M) => string,
  ) {
    this.fifo = queueUrl.endsWith('.fifo');
  }

  async send(message: M): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        ...(this.fifo
          ? {
              MessageDeduplicationId: message.dedupeKey,
              MessageGroupId: createHash('sha256').update(this.groupOf(message)).digest('hex'),
            }
          : {}),
      }),
    );
  }
}
