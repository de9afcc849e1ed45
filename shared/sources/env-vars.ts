import { z } from 'zod';
import type { RetryPolicy } from '../http/retry-policy.js';

/**
 * The variables every HTTP source reads under its own prefix (`<SOURCE>_BASE_URL`, `_TIMEOUT_MS`,
 * `_REQUESTS_PER_MINUTE`), as schema members, so each source's env schema names them without restating them.
 */

/** `<SOURCE>_BASE_URL`: the simulator override; `fallback` is the real API's base in words. */
export const baseUrlVar = (fallback: string) =>
  z.string().optional().meta({
    description: 'the API base URL override (simulators); https only, plain http only to loopback',
    fallback,
  });

/** `<SOURCE>_TIMEOUT_MS`: the deadline of one request. */
export const timeoutMsVar = () =>
  z.coerce.number().int().positive().default(30_000).meta({
    description: 'the deadline of one request, headers and body, in milliseconds',
  });

/** `<SOURCE>_REQUESTS_PER_MINUTE` for a source whose pace may be 0 (unpaced: simulators, benches). */
export const paceVar = (defaultPerMinute: number, description: string) =>
  z.coerce.number().min(0).max(10_000_000).default(defaultPerMinute).meta({ description });

/** What every HTTP source's config carries besides its credentials, read from the variables above. */
export interface HttpSettings {
  /** Every URL hangs off it. */
  baseUrl: URL;
  /** Pace of data requests per minute; undefined or Infinity: unpaced. */
  requestsPerMinute?: number;
  timeoutMs: number;
  /** Data requests only (tests shorten it); a token endpoint keeps its own frugal policy. */
  retry?: RetryPolicy;
}
