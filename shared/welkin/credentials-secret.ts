import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { AuthError } from '../errors.js';
import { readSecretJson, secretName } from '../secrets.js';

const credentialsSchema = z.object({
  tenant: z.string().min(1),
  instance: z.string().min(1),
  clientName: z.string().min(1),
  secret: z.string().min(1),
  env: z.enum(['live', 'sandbox']).default('live'),
});

export type WelkinCredentials = z.infer<typeof credentialsSchema>;

/** The API client's credentials secret: JSON `{tenant, instance, clientName, secret, env}`. */
export async function readWelkinCredentials(
  client: SecretsManagerClient,
  secretId: string,
): Promise<WelkinCredentials> {
  const parsed = credentialsSchema.safeParse(await readSecretJson(client, secretId));
  if (!parsed.success) {
    // Field names only: the values are credentials.
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
    throw new AuthError(
      `secret ${secretName(secretId)} must be JSON {tenant, instance, clientName, secret, env}; bad: ${fields}`,
    );
  }
  return parsed.data;
}

/** The env-style view `welkinConfigFrom` reads, so Lambda and CLI share one validation. */
export function credentialsEnv(credentials: WelkinCredentials): Record<string, string> {
  return {
    WELKIN_TENANT: credentials.tenant,
    WELKIN_INSTANCE: credentials.instance,
    WELKIN_CLIENT_NAME: credentials.clientName,
    WELKIN_CLIENT_SECRET: credentials.secret,
    WELKIN_ENV: credentials.env,
  };
}
