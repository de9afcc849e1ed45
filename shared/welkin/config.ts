import { z } from 'zod';
import { credentialKey } from '../auth/token-source.js';
import { parseEnv } from '../config-error.js';
import { assertSafeBaseUrl } from '../http/safe-base-url.js';
import { baseUrlVar, type HttpSettings, paceVar, timeoutMsVar } from '../sources/env-vars.js';

// Tenant, instance and client names become URL path segments: keep them to what Welkin issues.
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const nameOf = (what: string) =>
  z
    .string()
    .regex(NAME)
    .meta({
      description: `the API client's ${what}`,
      format: 'a Welkin name (letters, digits, . _ -)',
    });

/**
 * The default pace of data requests, per minute. Welkin documents no data rate limit (only 100 token requests
 * per 5 minutes) and its recorded responses carry no rate-limit headers, so there is no budget to size this
 * from; it is a pace chosen to be polite. 240/min (4 a second) is about what one busy person clicking through
 * the Welkin app makes, and still exports 120,000 rows a minute from the Export API (500-row pages): a
 * million-row resource in under ten minutes. Unpaced, a pager that misbehaves sends thousands of requests a
 * minute, which a real API answers with a block, not a slow run.
 */
export const WELKIN_DEFAULT_REQUESTS_PER_MINUTE = 240;

/** Every variable the Welkin source reads; help, README checks and error messages come from here. */
export const welkinEnvSchema = z.object({
  WELKIN_TENANT: nameOf('tenant'),
  WELKIN_INSTANCE: nameOf('instance'),
  WELKIN_CLIENT_NAME: nameOf('name'),
  WELKIN_CLIENT_SECRET: z.string().meta({ description: "the API client's secret" }),
  WELKIN_ENV: z.enum(['live', 'sandbox']).default('live').meta({ description: 'live or sandbox' }),
  WELKIN_BASE_URL: baseUrlVar('https://api.{env}.welkincloud.io'),
  WELKIN_REQUESTS_PER_MINUTE: paceVar(
    WELKIN_DEFAULT_REQUESTS_PER_MINUTE,
    'the pace of data requests per API client and process, per minute; 0 for unpaced',
  ),
  WELKIN_TIMEOUT_MS: timeoutMsVar(),
});

/** URLs: `{base}/{tenant}/admin/...` and `{base}/{tenant}/{instance}/...`. */
export interface WelkinConfig extends HttpSettings {
  tenant: string;
  instance: string;
  clientName: string;
  secret: string;
  env: 'live' | 'sandbox';
}

export function welkinConfigFrom(env: Record<string, string | undefined>): WelkinConfig {
  const values = parseEnv(welkinEnvSchema, env);
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
    // 0 asks for no pace (simulators, benches); the budget treats undefined as unpaced.
    requestsPerMinute: values.WELKIN_REQUESTS_PER_MINUTE > 0 ? values.WELKIN_REQUESTS_PER_MINUTE : undefined,
    timeoutMs: values.WELKIN_TIMEOUT_MS,
  };
}

/**
 * Names one API client (origin, tenant, client name) without revealing it: keys the process-wide pacing
 * budget and renewal cap, and the CLI's token file. Never derived from the secret.
 */
export const apiClientKey = (config: WelkinConfig) =>
  credentialKey(config.baseUrl.origin, config.tenant, config.clientName);
