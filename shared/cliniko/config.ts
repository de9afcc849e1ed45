import { z } from 'zod';
import { parseEnv } from '../config-error.js';
import { assertSafeBaseUrl } from '../http/safe-base-url.js';
import { baseUrlVar, type HttpSettings, timeoutMsVar } from '../sources/env-vars.js';
import { clinikoBaseUrl } from './shard.js';

/** Cliniko asks for `APP_VENDOR_NAME (APP_VENDOR_EMAIL)` and may block requests without a real contact. */
const USER_AGENT = /^\S.* \([^\s@()]+@[^\s@()]+\.[^\s@()]+\)$/;

/** The highest pace the CLI accepts: in effect unpaced (a simulator started with `--rpm 0` has no limit). */
export const CLINIKO_MAX_REQUESTS_PER_MINUTE = 10_000_000;

/** Every variable the Cliniko source reads; help, README checks and error messages come from here. */
export const clinikoEnvSchema = z.object({
  CLINIKO_API_KEY: z.string().meta({
    description: 'the Cliniko API key (its suffix, e.g. -au2, picks the shard)',
  }),
  CLINIKO_USER_AGENT: z.string().regex(USER_AGENT).meta({
    description: 'App name (contact@email), required by Cliniko',
    format: 'like "App Name (contact@example.com)"',
    remedy: 'set it to your app name and a contact address, e.g. "Acme Clinic Export (it@acme.example)"',
  }),
  CLINIKO_BASE_URL: baseUrlVar('https://api.{shard}.cliniko.com/v1'),
  CLINIKO_REQUESTS_PER_MINUTE: z.coerce
    .number()
    .positive()
    .max(CLINIKO_MAX_REQUESTS_PER_MINUTE)
    .default(200)
    .meta({
      description: 'the rate budget shared by every request with the key in the process',
    }),
  CLINIKO_TIMEOUT_MS: timeoutMsVar(),
  CLINIKO_MAX_RATE_LIMIT_WAIT_MINUTES: z.coerce.number().positive().default(15).meta({
    description:
      'the longest wait for a 429 (X-RateLimit-Reset) before the run fails; waits over a minute print a line',
  }),
});

export interface ClinikoConfig extends HttpSettings {
  apiKey: string;
  userAgent: string;
  /** The rate budget: Cliniko is always paced. */
  requestsPerMinute: number;
  /** A 429 whose reset is further away fails the run (default 15 minutes). */
  maxRateLimitWaitMs?: number;
}

export function clinikoConfigFrom(env: Record<string, string | undefined>): ClinikoConfig {
  const values = parseEnv(clinikoEnvSchema, env);
  const baseUrl = values.CLINIKO_BASE_URL
    ? assertSafeBaseUrl(values.CLINIKO_BASE_URL, 'CLINIKO_BASE_URL')
    : new URL(clinikoBaseUrl(values.CLINIKO_API_KEY));
  return {
    apiKey: values.CLINIKO_API_KEY,
    userAgent: values.CLINIKO_USER_AGENT,
    baseUrl,
    requestsPerMinute: values.CLINIKO_REQUESTS_PER_MINUTE,
    timeoutMs: values.CLINIKO_TIMEOUT_MS,
    maxRateLimitWaitMs: values.CLINIKO_MAX_RATE_LIMIT_WAIT_MINUTES * 60_000,
  };
}
