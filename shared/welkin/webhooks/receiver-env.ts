import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { AuthError, ConfigError } from '../../errors.js';
import { readSecretJson, readSecretString, secretName } from '../../secrets.js';
import { DEFAULT_MAX_BYTES, DEFAULT_SECRET_HEADER, type ReceiverConfig } from './receiver-config.js';

const HEADER = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

const envSchema = z.object({
  WELKIN_WEBHOOK_SECRET_ARN: z.string({ error: 'WELKIN_WEBHOOK_SECRET_ARN is required' }).min(1),
  WEBHOOK_SECRET_HEADER: z
    .string()
    .regex(HEADER, 'WEBHOOK_SECRET_HEADER is not a valid header name')
    .default(DEFAULT_SECRET_HEADER),
  WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive('WEBHOOK_MAX_BYTES must be a positive integer')
    .max(6 * 1024 * 1024)
    .default(DEFAULT_MAX_BYTES),
  WELKIN_TENANT: z.string().min(1).optional(),
  WELKIN_INSTANCE: z.string().min(1).optional(),
  WELKIN_CREDENTIALS_SECRET_ARN: z.string().min(1).optional(),
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

const credentialsSchema = z.looseObject({ tenant: z.string().min(1), instance: z.string().min(1) });

/**
 * The receiver's configuration from the Lambda environment and Secrets Manager. Tenant and instance come
 * from WELKIN_TENANT/WELKIN_INSTANCE when set (no need to read the API credentials), else from the
 * credentials secret the export uses.
 */
export async function loadReceiverConfig(
  secrets: SecretsManagerClient,
  env: Record<string, string | undefined>,
): Promise<ReceiverConfig> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const values = parsed.data;
  const secretArn = values.WELKIN_WEBHOOK_SECRET_ARN;
  const accepted = webhookSecretsFrom(await readSecretString(secrets, secretArn), secretName(secretArn));
  let tenant = values.WELKIN_TENANT;
  let instance = values.WELKIN_INSTANCE;
  if (!tenant || !instance) {
    const arn = values.WELKIN_CREDENTIALS_SECRET_ARN;
    if (!arn) {
      throw new ConfigError('set WELKIN_TENANT and WELKIN_INSTANCE, or WELKIN_CREDENTIALS_SECRET_ARN');
    }
    const credentials = credentialsSchema.safeParse(await readSecretJson(secrets, arn));
    if (!credentials.success) throw new AuthError(`secret ${secretName(arn)} lacks tenant or instance`);
    tenant ??= credentials.data.tenant;
    instance ??= credentials.data.instance;
  }
  return {
    secrets: accepted,
    secretHeader: values.WEBHOOK_SECRET_HEADER.toLowerCase(),
    maxBytes: values.WEBHOOK_MAX_BYTES,
    tenant,
    instance,
  };
}
