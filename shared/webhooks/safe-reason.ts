import { describeError, HttpError } from '../errors.js';

/**
 * Why something failed, for logs of the webhook path: an HTTP failure is reduced to its status because its
 * message names the record URL, whose path holds patient and record ids.
 */
export function safeReason(error: unknown): string {
  if (error instanceof HttpError) return `${error.name} (status ${error.status ?? 'none'})`;
  return describeError(error);
}
