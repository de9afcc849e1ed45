import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { parseEnv } from '../../config-error.js';
import { readSecretString, secretName } from '../../secrets.js';
import { webhookSecretsFrom } from '../../welkin/webhooks/receiver-env.js';
import { DEFAULT_NOTIFY_CLIENT_ID, DEFAULT_V1_MAX_BYTES, type V1ReceiverConfig } from './receiver-config.js';

/** The v1 webhook receiver's variables (set by the stack); help and errors come from here. */
export const v1ReceiverEnvSchema = z.object({
  WELKIN_V1_WEBHOOK_SECRET_ARN: z.string().meta({
    description: 'the secret signing notifications: at least 16 characters, or {secret, previousSecret?}',
  }),
  WELKIN_V1_WEBHOOK_CLIENT_ID: z.string().min(1).max(256).default(DEFAULT_NOTIFY_CLIENT_ID).meta({
    description: 'the client id given to Welkin with that secret (the JWT iss)',
  }),
  WELKIN_V1_NOTIFY_URL: z.url().optional().meta({
    description: 'the notify URL given to Welkin (the JWT aud)',
    fallback: 'the URL the request arrived at',
  }),
  WELKIN_V1_WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(6 * 1024 * 1024)
    .default(DEFAULT_V1_MAX_BYTES)
    .meta({ description: 'the largest notification body accepted, in bytes (larger: 413)' }),
  WELKIN_V1_SNS_TOPIC_ARNS: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[^,\s]+(,arn:aws[a-z-]*:sns:[^,\s]+)*$/)
    .optional()
    .meta({
      description: 'the SNS topic ARNs realtime notifications may come from, comma-separated (others: 403)',
      fallback: 'any topic',
    }),
});

/** The receiver's configuration from its environment and the signing secret. */
export function v1ReceiverConfigFrom(
  env: Record<string, string | undefined>,
  secretValue: string,
  where: string,
) {
  const values = parseEnv(v1ReceiverEnvSchema.omit({ WELKIN_V1_WEBHOOK_SECRET_ARN: true }), env);
  const config: V1ReceiverConfig = {
    credentials: webhookSecretsFrom(secretValue, where).map((secret) => ({
      clientId: values.WELKIN_V1_WEBHOOK_CLIENT_ID,
      secret,
    })),
    notifyUrl: values.WELKIN_V1_NOTIFY_URL,
    maxBytes: values.WELKIN_V1_WEBHOOK_MAX_BYTES,
    ...(values.WELKIN_V1_SNS_TOPIC_ARNS ? { snsTopicArns: values.WELKIN_V1_SNS_TOPIC_ARNS.split(',') } : {}),
  };
  return config;
}

/** Lambda: the signing secret from Secrets Manager, the rest from the environment. */
export async function loadV1ReceiverConfig(
  secrets: SecretsManagerClient,
  env: Record<string, string | undefined>,
): Promise<V1ReceiverConfig> {
  const { WELKIN_V1_WEBHOOK_SECRET_ARN: arn } = parseEnv(v1ReceiverEnvSchema, env);
  return v1ReceiverConfigFrom(env, await readSecretString(secrets, arn), secretName(arn));
}
