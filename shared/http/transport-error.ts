import { HttpError } from '../errors.js';

/** Retries ran out before this host had answered anything in this process: it stops the whole run. */
export class HostUnreachableError extends HttpError {}

/** Failures that mean "no server here" rather than "the server hiccupped". */
export const NEVER_ANSWERS = new Set(['ENOTFOUND', 'ECONNREFUSED']);

/** The system error code (ECONNREFUSED, ENOTFOUND, ECONNRESET, ...) fetch wraps in its TypeError's cause. */
export function transportErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Object; depth += 1) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * One attempt got no usable answer: the connection failed (`code` when the system named it) or the attempt's
 * deadline passed, before the headers or during the body. Internal to the HTTP client: retried, and once the
 * retries are spent it becomes an HttpError or HostUnreachableError naming `reason`.
 */
export class AttemptFailed extends Error {
  constructor(
    readonly reason: string,
    readonly code: string | undefined,
    cause: unknown,
    /** The HTTP status when the attempt was answered but unusable (an HTML page served with 2xx). */
    readonly status?: number,
  ) {
    super(reason, { cause });
    this.name = 'AttemptFailed';
  }
}
