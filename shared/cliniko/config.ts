import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { RetryPolicy } from '../http/retry-policy.js';
import { assertSafeBaseUrl } from '../http/safe-base-url.js';
import { clinikoBaseUrl } from './shard.js';

/** Cliniko asks for `APP_VENDOR_NAME (APP_VENDOR_EMAIL)` and may block requests without a real contact. */
const USER_AGENT = /^\S.* \([^\s@()]+@[^\s@()]+\.[^\s@()]+\)$/;

const envSchema = z.object({
  CLINIKO_API_KEY: z.string().min(1, 'CLINIKO_API_KEY is required'),
  CLINIKO_USER_AGENT: z
    .string({ error: 'CLINIKO_USER_AGENT is required, e.g. "Acme Clinic Export (it@acme.example)"' })
    .regex(USER_AGENT, 'CLINIKO_USER_AGENT must look like "App Name (contact@example.com)"'),
  CLINIKO_BASE_URL: z.string().optional(),
  CLINIKO_REQUESTS_PER_MINUTE: z.coerce.number().positive().max(10_000_000).default(200),
  CLINIKO_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
});

export interface ClinikoConfig {
  apiKey: string;
  userAgent: string;
  baseUrl: URL;
  requestsPerMinute: number;
  timeoutMs: number;
  /** Tests shorten the backoff; production uses the default policy. */
  retry?: RetryPolicy;
}

export function clinikoConfigFrom(env: Record<string, string | undefined>): ClinikoConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // zod's own messages ("expected number, received NaN") do not say which variable was wrong.
    const describe = (issue: { path: PropertyKey[]; message: string }) => {
      const variable = issue.path.map(String).join('.');
      return issue.message.includes(variable) ? issue.message : `${variable}: ${issue.message}`;
    };
    throw new ConfigError(parsed.error.issues.map(describe).join('; '));
  }
  const values = parsed.data;
  const baseUrl = values.CLINIKO_BASE_URL
    ? assertSafeBaseUrl(values.CLINIKO_BASE_URL, 'CLINIKO_BASE_URL')
    : new URL(clinikoBaseUrl(values.CLINIKO_API_KEY));
  return {
    apiKey: values.CLINIKO_API_KEY,
    userAgent: values.CLINIKO_USER_AGENT,
    baseUrl,
    requestsPerMinute: values.CLINIKO_REQUESTS_PER_MINUTE,
    timeoutMs: values.CLINIKO_TIMEOUT_MS,
  };
}
