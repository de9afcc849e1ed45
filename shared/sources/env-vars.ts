import { z } from 'zod';

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
