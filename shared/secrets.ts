import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AuthError } from './errors.js';

/** Secret values are read here and nowhere else; messages name the secret's ARN tail, never its value. */
export async function readSecretString(client: SecretsManagerClient, secretId: string): Promise<string> {
  try {
    const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (result.SecretString === undefined)
      throw new AuthError(`secret ${secretName(secretId)} has no string value`);
    return result.SecretString;
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError(`cannot read secret ${secretName(secretId)}: ${(error as Error).name}`, {
      cause: error,
    });
  }
}

export async function readSecretJson(client: SecretsManagerClient, secretId: string): Promise<unknown> {
  const text = await readSecretString(client, secretId);
  try {
    return JSON.parse(text);
  } catch {
    throw new AuthError(`secret ${secretName(secretId)} is not JSON`);
  }
}

export async function writeSecretString(
  client: SecretsManagerClient,
  secretId: string,
  value: string,
): Promise<void> {
  try {
    await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
  } catch (error) {
    throw new AuthError(`cannot write secret ${secretName(secretId)}: ${(error as Error).name}`, {
      cause: error,
    });
  }
}

/** The readable part of an ARN or name, for messages. */
export function secretName(secretId: string): string {
  return secretId.split(':secret:').pop() ?? secretId;
}
