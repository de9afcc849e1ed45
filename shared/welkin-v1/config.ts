import { z } from 'zod';
import { credentialKey } from '../auth/token-source.js';
import { parseEnv } from '../config-error.js';
import { assertSafeBaseUrl } from '../http/safe-base-url.js';
import { baseUrlVar, type HttpSettings, paceVar, timeoutMsVar } from '../sources/env-vars.js';

export const DEFAULT_BASE_URL = 'https://api.welkinhealth.com';
/** Rows per Find request; a larger group of rows sharing one updated_at needs the API's next links. */
export const DEFAULT_PAGE_SIZE = 100;
/**
 * The default pace of data requests. The v1 reference documents no rate limit; 200/min is the per-user limit
 * Cliniko documents for an API of the same kind, 3.3 requests/s: a full run of 100-row pages reads 20,000
 * rows a minute, while a looping pager or a retry storm can never hammer the API. 0 turns pacing off.
 */
export const DEFAULT_REQUESTS_PER_MINUTE = 200;

/** Every variable the welkin-v1 source reads; help, README checks and error messages come from here. */
export const welkinV1EnvSchema = z.object({
  WELKIN_V1_CLIENT_ID: z
    .string()
    .regex(/^[\x21-\x7e]{1,256}$/)
    .meta({ description: "the API client's id (the assertion's iss)", format: 'printable ASCII, no spaces' }),
  WELKIN_V1_CLIENT_SECRET: z.string().meta({ description: "the API client's secret (signs the assertion)" }),
  WELKIN_V1_BASE_URL: baseUrlVar(DEFAULT_BASE_URL),
  WELKIN_V1_SCOPE: z
    .string()
    .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/)
    .default('all')
    .meta({ description: "the assertion's scope", format: 'OAuth scope words separated by spaces' }),
  WELKIN_V1_REQUESTS_PER_MINUTE: paceVar(
    DEFAULT_REQUESTS_PER_MINUTE,
    'a pace for data requests, per minute, shared by the resources of one run; 0 = unpaced (the v1 reference documents no limit)',
  ),
  WELKIN_V1_TIMEOUT_MS: timeoutMsVar(),
  WELKIN_V1_AUDIT_LOG_EVENT_TYPES: z
    .string()
    .regex(/^\s*([A-Za-z0-9_.-]{1,64}\s*(,\s*[A-Za-z0-9_.-]{1,64}\s*)*)?$/)
    .optional()
    .meta({
      description:
        'event_type values to export audit_logs for, comma-separated (the reference lists none); audit_logs is off unless set',
      format: 'names separated by commas',
      fallback: 'audit_logs not exported',
    }),
  WELKIN_V1_PAGE_SIZE: z.coerce.number().int().min(2).max(1000).default(DEFAULT_PAGE_SIZE).meta({
    description: 'rows per Find request (page[size])',
  }),
});

/** URLs: `{base}/v1/...`. */
export interface WelkinV1Config extends HttpSettings {
  clientId: string;
  clientSecret: string;
  scope: string;
  /** `{base}/v1/token`: where the assertion is exchanged, and the assertion's `aud`. */
  tokenUrl: URL;
  pageSize: number;
  /** audit_logs `event_type` values to export; none: audit_logs is not exported. */
  auditLogEventTypes?: readonly string[];
}

export function welkinV1ConfigFrom(env: Record<string, string | undefined>): WelkinV1Config {
  const values = parseEnv(welkinV1EnvSchema, env);
  const baseUrl = assertSafeBaseUrl(values.WELKIN_V1_BASE_URL || DEFAULT_BASE_URL, 'WELKIN_V1_BASE_URL');
  return {
    clientId: values.WELKIN_V1_CLIENT_ID,
    clientSecret: values.WELKIN_V1_CLIENT_SECRET,
    scope: values.WELKIN_V1_SCOPE,
    baseUrl,
    tokenUrl: new URL(`${baseUrl.pathname.replace(/\/$/, '')}/v1/token`, baseUrl),
    requestsPerMinute: values.WELKIN_V1_REQUESTS_PER_MINUTE || Number.POSITIVE_INFINITY,
    timeoutMs: values.WELKIN_V1_TIMEOUT_MS,
    pageSize: values.WELKIN_V1_PAGE_SIZE,
    auditLogEventTypes: [
      ...new Set(
        (values.WELKIN_V1_AUDIT_LOG_EVENT_TYPES ?? '')
          .split(',')
          .map((value) => value.trim())
          .filter(Boolean),
      ),
    ],
  };
}

/** A hash naming this API client (never the secret): pacing budget, renewal cap, token file name. */
export const clientKey = (config: WelkinV1Config) =>
  credentialKey('welkin-v1', config.baseUrl.origin, config.clientId);
