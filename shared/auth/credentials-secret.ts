import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AuthError } from '../errors.js';
import { readSecretJson, secretName } from '../secrets.js';

/** A credentials secret's JSON members, each with the variable it stands for (`optional`: may be absent). */
export type CredentialFields = Readonly<Record<string, { env: string; optional?: boolean }>>;

/**
 * An API client's credentials secret (JSON, one member per field) as the env-style view the source's config
 * reads, so Lambda and CLI share one validation. Every field is a non-empty string; an optional one may be
 * absent. A bad secret is named with its field names only: the values are credentials.
 */
export async function readCredentialsEnv(
  client: SecretsManagerClient,
  secretId: string,
  fields: CredentialFields,
): Promise<Record<string, string>> {
  const value = await readSecretJson(client, secretId);
  const json = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const env: Record<string, string> = {};
  const bad: string[] = [];
  for (const [field, { env: name, optional }] of Object.entries(fields)) {
    const member = json[field];
    if (typeof member === 'string' && member.length > 0) env[name] = member;
    else if (!(optional && member === undefined)) bad.push(field);
  }
  if (bad.length > 0) {
    const shape = Object.entries(fields).map(([field, { optional }]) => `${field}${optional ? '?' : ''}`);
    throw new AuthError(
      `secret ${secretName(secretId)} must be JSON {${shape.join(', ')}}; bad: ${bad.join(', ')}`,
    );
  }
  return env;
}
