import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Lease, LeaseStore } from './lease.js';

/** Attribute names shared with the state machine's lease states (infra/constructs/execution-lease.ts). */
export const LEASE_ATTRIBUTES = {
  key: 'lease',
  holder: 'holder',
  expiresAt: 'expiresAt',
  stoppingSince: 'stoppingSince',
} as const;

/** The lease table the state machine writes with a conditional put. */
export class DynamoLeaseStore implements LeaseStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async leaseOf(key: string): Promise<Lease | undefined> {
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [LEASE_ATTRIBUTES.key]: { S: key } },
        ConsistentRead: true,
      }),
    );
    const holder = result.Item?.[LEASE_ATTRIBUTES.holder]?.S;
    if (holder === undefined) return undefined;
    return { holder, stopping: result.Item?.[LEASE_ATTRIBUTES.stoppingSince] !== undefined };
  }

  async markStopping(key: string, holder: string, expiresAt: number): Promise<boolean> {
    return this.conditional(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { [LEASE_ATTRIBUTES.key]: { S: key } },
        UpdateExpression: 'SET #stopping = :since, #expiresAt = :expiresAt',
        ConditionExpression: '#holder = :holder',
        ExpressionAttributeNames: {
          '#holder': LEASE_ATTRIBUTES.holder,
          '#stopping': LEASE_ATTRIBUTES.stoppingSince,
          '#expiresAt': LEASE_ATTRIBUTES.expiresAt,
        },
        ExpressionAttributeValues: {
          ':holder': { S: holder },
          ':since': { S: new Date(this.clock()).toISOString() },
          ':expiresAt': { N: String(expiresAt) },
        },
      }),
    );
  }

  async release(key: string, holder: string): Promise<boolean> {
    return this.conditional(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: { [LEASE_ATTRIBUTES.key]: { S: key } },
        ConditionExpression: '#holder = :holder',
        ExpressionAttributeNames: { '#holder': LEASE_ATTRIBUTES.holder },
        ExpressionAttributeValues: { ':holder': { S: holder } },
      }),
    );
  }

  /** True when the write happened; false when its condition (still the holder) did not hold. */
  private async conditional(command: UpdateItemCommand | DeleteItemCommand): Promise<boolean> {
    try {
      await this.client.send(command as DeleteItemCommand);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
