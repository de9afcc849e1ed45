import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { RetryPolicy } from '../http/retry-policy.js';
import { assertSafeBaseUrl } from '../http/safe-base-url.js';

// Tenant, instance and client names become URL path segments: keep them to what Welkin issues.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const envSchema = z.object({
  WELKIN_TENANT: z
    .string({ error: 'WELKIN_TENANT is required' })
    .regex(NAME, 'WELKIN_TENANT is not a valid name'),
  WELKIN_INSTANCE: z
    .string({ error: 'WELKIN_INSTANCE is required' })
    .regex(NAME, 'WELKIN_INSTANCE is not a valid name'),
  WELKIN_CLIENT_NAME: z
    .string({ error: 'WELKIN_CLIENT_NAME is required' })
    .regex(NAME, 'WELKIN_CLIENT_NAME is not a valid name'),
  WELKIN_CLIENT_SECRET: z
    .string({ error: 'WELKIN_CLIENT_SECRET is required' })
    .min(1, 'WELKIN_CLIENT_SECRET is required'),
  WELKIN_ENV: z.enum(['live', 'sandbox'], { error: 'WELKIN_ENV must be live or sandbox' }).default('live'),
  WELKIN_BASE_URL: z.string().optional(),
  WELKIN_REQUESTS_PER_MINUTE: z.coerce.number().positive().max(10_000_000).optional(),
  WELKIN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
});

export interface WelkinConfig {
  tenant: string;
  instance: string;
  clientName: string;
  secret: string;
  env: 'live' | 'sandbox';
  /** Every URL hangs off it: `{base}/{tenant}/admin/...` and `{base}/{tenant}/{instance}/...`. */
  baseUrl: URL;
  /** Optional pacing; Welkin documents no data rate limit, only the token one. */
  requestsPerMinute?: number;
  timeoutMs: number;
  /** Data requests only (tests shorten it); the token endpoint keeps its own frugal policy. */
  retry?: RetryPolicy;
}

export function welkinConfigFrom(env: Record<string, string | undefined>): WelkinConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  const values = parsed.data;
  const baseUrl = assertSafeBaseUrl(
    values.WELKIN_BASE_URL || `https://api.${values.WELKIN_ENV}.welkincloud.io`,
    'WELKIN_BASE_URL',
  );
  return {
    tenant: values.WELKIN_TENANT,
    instance: values.WELKIN_INSTANCE,
    clientName: values.WELKIN_CLIENT_NAME,
    secret: values.WELKIN_CLIENT_SECRET,
    env: values.WELKIN_ENV,
    baseUrl,
    requestsPerMinute: values.WELKIN_REQUESTS_PER_MINUTE,
    timeoutMs: values.WELKIN_TIMEOUT_MS,
  };
}
