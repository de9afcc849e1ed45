import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { LeaseStore } from './stopped-execution.js';

/** Attribute names shared with the state machine's lease states (infra/constructs/execution-lease.ts). */
export const LEASE_ATTRIBUTES = { key: 'lease', holder: 'holder', expiresAt: 'expiresAt' } as const;

/** The lease table the state machine writes with a conditional put. */
export class DynamoLeaseStore implements LeaseStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async holderOf(key: string): Promise<string | undefined> {
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [LEASE_ATTRIBUTES.key]: { S: key } },
        ConsistentRead: true,
      }),
    );
    return result.Item?.[LEASE_ATTRIBUTES.holder]?.S;
  }

  async release(key: string, holder: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { [LEASE_ATTRIBUTES.key]: { S: key } },
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': LEASE_ATTRIBUTES.holder },
          ExpressionAttributeValues: { ':holder': { S: holder } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
