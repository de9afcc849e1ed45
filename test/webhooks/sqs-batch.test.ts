import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { processEachMessage } from '../../shared/webhooks/sqs-batch.js';

function records(n: number): SQSRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    messageId: `m${i}`,
    body: String(i),
    receiptHandle: 'r',
    attributes: {} as SQSRecord['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:r:1:q',
    awsRegion: 'r',
  }));
}

describe('webhook workers: Powertools batch processing (issue 19, item 9)', () => {
  it('reports only the failed messages, at most `concurrency` at once', async () => {
    // Prepare
    let running = 0;
    let most = 0;
    const failures: string[] = [];

    // Act
    const response = await processEachMessage({
      records: records(10),
      concurrency: 3,
      handle: async (record) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        if (Number(record.body) % 4 === 1) throw new Error('upstream 503');
      },
      describeFailure: () => 'pull failed',
      onFailure: (id, reason) => failures.push(`${id}: ${reason}`),
    });

    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m1', 'm5', 'm9']);
    expect(failures.sort()).toEqual(['m1: pull failed', 'm5: pull failed', 'm9: pull failed']);
    expect(most).toBe(3);
  });

  it('reports a batch where every message failed instead of throwing', async () => {
    const response = await processEachMessage({
      records: records(2),
      concurrency: 4,
      handle: async () => {
        throw new SyntaxError('not JSON');
      },
      describeFailure: () => 'message is not JSON',
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }]);
  });
});
