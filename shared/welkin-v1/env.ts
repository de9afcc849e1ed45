/**
 * The variables the stack sets for the welkin-v1 functions, in one place, so stack and handlers agree. The
 * settings the CLI and the functions both read are the keys of `welkinV1EnvSchema` (config.ts); in Lambdas the
 * credentials come from the secrets named by the *_SECRET_ARN ones.
 */
export const WELKIN_V1_ENV = {
  /** Lambdas: JSON `{clientId, clientSecret, scope?}`. */
  credentialsSecretArn: 'WELKIN_V1_CREDENTIALS_SECRET_ARN',
  /** Lambdas: the shared access-token cache (managed by the functions). */
  tokenSecretArn: 'WELKIN_V1_TOKEN_SECRET_ARN',
  /** Webhook receiver: the secret we gave Welkin for signing notifications (text, or {secret, previousSecret?}). */
  webhookSecretArn: 'WELKIN_V1_WEBHOOK_SECRET_ARN',
  /** Webhook receiver: the client id we gave Welkin with that secret (the JWT's `iss`). */
  webhookClientId: 'WELKIN_V1_WEBHOOK_CLIENT_ID',
  /** Webhook receiver: the notify URL (the JWT's `aud`); default: the URL the request arrived at. */
  notifyUrl: 'WELKIN_V1_NOTIFY_URL',
  /** Webhook receiver: largest accepted body in bytes. */
  webhookMaxBytes: 'WELKIN_V1_WEBHOOK_MAX_BYTES',
  /** Webhook receiver: the SNS topics whose realtime messages count (comma-separated ARNs); unset: any. */
  snsTopicArns: 'WELKIN_V1_SNS_TOPIC_ARNS',
  /** Webhook receiver: the SQS queue the worker reads. */
  eventsQueueUrl: 'WELKIN_V1_EVENTS_QUEUE_URL',
} as const;
