import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoLeaseStore } from '../../shared/lambda/dynamo-lease-store.js';

const dynamo = mockClient(DynamoDBClient);
const ARN = 'arn:aws:states:r:1:execution:m:rerun.2026-12-07';
const store = () =>
  new DynamoLeaseStore(new DynamoDBClient({}), 'Leases', () => Date.parse('2026-12-07T05:00:00Z'));

beforeEach(() => dynamo.reset());

describe('the DynamoDB lease store (issue 19)', () => {
  it('reads holder and stopping mark consistently', async () => {
    // Prepare
    dynamo.on(GetItemCommand).resolves({
      Item: {
        lease: { S: 'cliniko#main' },
        holder: { S: ARN },
        stoppingSince: { S: '2026-12-07T05:00:00.000Z' },
      },
    });

    // Act
    const lease = await store().leaseOf('cliniko#main');

    // Assess
    expect(lease).toEqual({ holder: ARN, stopping: true });
    expect(dynamo.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({ ConsistentRead: true });
  });

  it('marks a stopping lease only while the execution holds it, and shortens its expiry', async () => {
    // Prepare
    dynamo
      .on(UpdateItemCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    // Act
    const first = await store().markStopping('cliniko#main', ARN, 1_765_000_000);
    const second = await store().markStopping('cliniko#main', ARN, 1_765_000_000);

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'Leases',
      Key: { lease: { S: 'cliniko#main' } },
      UpdateExpression: 'SET #stopping = :since, #expiresAt = :expiresAt',
      ConditionExpression: '#holder = :holder',
      ExpressionAttributeNames: {
        '#holder': 'holder',
        '#stopping': 'stoppingSince',
        '#expiresAt': 'expiresAt',
      },
      ExpressionAttributeValues: {
        ':holder': { S: ARN },
        ':since': { S: '2026-12-07T05:00:00.000Z' },
        ':expiresAt': { N: '1765000000' },
      },
    });
  });

  it('releases only the holder’s lease', async () => {
    dynamo
      .on(DeleteItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    expect(await store().release('cliniko#main', ARN)).toBe(false);
  });
});
