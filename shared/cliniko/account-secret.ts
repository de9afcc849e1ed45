import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { configProblem } from '../config-error.js';
import { AuthError } from '../errors.js';
import { readSecretJson, secretName } from '../secrets.js';

const secretArnsSchema = z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), z.string().min(1));
const secretValueSchema = z.object({ apiKey: z.string().min(1) });

/** Which secret holds which account's key: `CLINIKO_SECRET_ARNS` is a JSON map account -> secret ARN. */
export function resolveAccountSecret(
  env: Record<string, string | undefined>,
  account: string | undefined,
): { account: string; secretId: string } {
  let map: Record<string, string>;
  try {
    map = secretArnsSchema.parse(JSON.parse(env.CLINIKO_SECRET_ARNS ?? ''));
  } catch {
    throw configProblem(
      'CLINIKO_SECRET_ARNS',
      'not a JSON object of account names to secret ARNs',
      'set it as the stack does: {"<account>": "<secret ARN>"}',
    );
  }
  const names = Object.keys(map);
  const chosen = account ?? (names.length === 1 ? names[0] : 'main');
  // Own keys only: an account named e.g. "constructor" must not resolve to an inherited property.
  const secretId = chosen && Object.hasOwn(map, chosen) ? map[chosen] : undefined;
  if (!chosen || !secretId)
    throw configProblem(
      'account',
      `unknown Cliniko account "${account ?? ''}"`,
      `use one of: ${names.join(', ')}`,
    );
  return { account: chosen, secretId };
}

export async function readClinikoApiKey(client: SecretsManagerClient, secretId: string): Promise<string> {
  const parsed = secretValueSchema.safeParse(await readSecretJson(client, secretId));
  if (!parsed.success) throw new AuthError(`secret ${secretName(secretId)} must be JSON {"apiKey": "..."}`);
  return parsed.data.apiKey;
}
