import { AuthError, describeError, ExportError, HttpError, MalformedResponseError } from '../errors.js';

/** Errors whose message names a request URL (or wraps one that does). */
const CARRIES_URL = [HttpError, MalformedResponseError, AuthError, ExportError];

/**
 * Why something failed, for logs of the webhook path. A record URL's path holds patient and record ids, so
 * an error that may name one is reduced to its name (plus status and Welkin error codes for an HTTP
 * failure, which are safe); so is any other error whose message holds a URL.
 */
export function safeReason(error: unknown): string {
  if (error instanceof HttpError) {
    const codes = error.codes;
    return `${error.name} (status ${error.status ?? 'none'}${codes.length > 0 ? `, ${codes.join(', ')}` : ''})`;
  }
  if (error instanceof Error) {
    if (CARRIES_URL.some((type) => error instanceof type) || /[a-z][a-z0-9+.-]*:\/\//i.test(error.message)) {
      return error.name;
    }
  }
  return describeError(error);
}
