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

/** The readable part of an ARN or name, for messages. */
export function secretName(secretId: string): string {
  return secretId.split(':secret:').pop() ?? secretId;
}

/** A secret's current value and the version id that a compare-and-set write refers to. */
export interface SecretVersion {
  /** Undefined when the secret exists but was never given a value. */
  value: string | undefined;
  versionId: string | undefined;
}

export async function readSecretVersion(
  client: SecretsManagerClient,
  secretId: string,
): Promise<SecretVersion> {
  try {
    const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return { value: result.SecretString, versionId: result.VersionId };
  } catch (error) {
    // A secret created without a value answers ResourceNotFoundException for its AWSCURRENT stage; a wrong ARN
    // answers the same, and then the first write fails with a clear message.
    if ((error as Error).name === 'ResourceNotFoundException')
      return { value: undefined, versionId: undefined };
    throw new AuthError(`cannot read secret ${secretName(secretId)}: ${(error as Error).name}`, {
      cause: error,
    });
  }
}

/**
 * Writes a new current version whose id is `versionToken` (32-64 characters). Secrets Manager refuses a second
 * version with the same id and a different value, so writers that derive the id from the version they read
 * get compare-and-set: false means another writer got there first.
 */
export async function putSecretVersion(
  client: SecretsManagerClient,
  secretId: string,
  value: string,
  versionToken: string,
): Promise<boolean> {
  try {
    await client.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: value,
        ClientRequestToken: versionToken,
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceExistsException') return false;
    throw new AuthError(`cannot write secret ${secretName(secretId)}: ${(error as Error).name}`, {
      cause: error,
    });
  }
}
