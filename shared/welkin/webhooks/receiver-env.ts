import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { parseEnv } from '../../config-error.js';
import { AuthError } from '../../errors.js';
import { readSecretString, secretName } from '../../secrets.js';
import { DEFAULT_MAX_BYTES, DEFAULT_SECRET_HEADER, type ReceiverConfig } from './receiver-config.js';

const HEADER = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

/** The webhook receiver's variables (set by the stack); help, README checks and errors come from here. */
export const receiverEnvSchema = z.object({
  WELKIN_WEBHOOK_SECRET_ARN: z.string().meta({
    description: 'the secret holding the webhook secret, at least 16 characters (set by the stack)',
  }),
  WEBHOOK_SECRET_HEADER: z.string().regex(HEADER).default(DEFAULT_SECRET_HEADER).meta({
    description: 'the header carrying the webhook secret',
    format: 'a header name',
  }),
  WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(6 * 1024 * 1024)
    .default(DEFAULT_MAX_BYTES)
    .meta({ description: 'the largest notice body accepted, in bytes (larger: 413)' }),
  // From the environment only: the public receiver has no access to the Welkin API credentials.
  WELKIN_TENANT: z.string().min(1).meta({ description: 'the tenant notices must name (set by the stack)' }),
  WELKIN_INSTANCE: z
    .string()
    .min(1)
    .meta({ description: 'the instance notices must name (set by the stack)' }),
});

/** The webhook secret: a plain string, or JSON {secret, previousSecret?} so a rotation can overlap. */
export function webhookSecretsFrom(value: string, where: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new AuthError(`secret ${where} looks like JSON but does not parse`);
    }
    const parsed = z
      .object({ secret: z.string().min(16), previousSecret: z.string().min(16).optional() })
      .safeParse(json);
    if (!parsed.success) throw new AuthError(`secret ${where} needs a "secret" of at least 16 characters`);
    return [parsed.data.secret, ...(parsed.data.previousSecret ? [parsed.data.previousSecret] : [])];
  }
  if (trimmed.length < 16) throw new AuthError(`secret ${where} is shorter than 16 characters`);
  return [trimmed];
}

/**
 * The receiver's configuration from the Lambda environment and Secrets Manager (the webhook secret only).
 * Tenant and instance come from the environment: the public receiver never reads the API credentials.
 */
export async function loadReceiverConfig(
  secrets: SecretsManagerClient,
  env: Record<string, string | undefined>,
): Promise<ReceiverConfig> {
  const values = parseEnv(receiverEnvSchema, env);
  const secretArn = values.WELKIN_WEBHOOK_SECRET_ARN;
  const accepted = webhookSecretsFrom(await readSecretString(secrets, secretArn), secretName(secretArn));
  return {
    secrets: accepted,
    secretHeader: values.WEBHOOK_SECRET_HEADER.toLowerCase(),
    maxBytes: values.WEBHOOK_MAX_BYTES,
    tenant: values.WELKIN_TENANT,
    instance: values.WELKIN_INSTANCE,
  };
}
