import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { AuthError } from '../errors.js';
import { readSecretJson, secretName } from '../secrets.js';
import { WELKIN_V1_ENV as ENV } from './env.js';

const credentialsSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scope: z.string().min(1).optional(),
});

/**
 * The API client's credentials secret, JSON `{clientId, clientSecret, scope?}`, as the env-style view
 * `welkinV1ConfigFrom` reads, so Lambda and CLI share one validation.
 */
export async function readWelkinV1CredentialsEnv(
  client: SecretsManagerClient,
  secretId: string,
): Promise<Record<string, string>> {
  const parsed = credentialsSchema.safeParse(await readSecretJson(client, secretId));
  if (!parsed.success) {
    // Field names only: the values are credentials.
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
    throw new AuthError(
      `secret ${secretName(secretId)} must be JSON {clientId, clientSecret, scope?}; bad: ${fields}`,
    );
  }
  const { clientId, clientSecret, scope } = parsed.data;
  return {
    [ENV.clientId]: clientId,
    [ENV.clientSecret]: clientSecret,
    ...(scope ? { [ENV.scope]: scope } : {}),
  };
}
