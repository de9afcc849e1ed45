import { HttpError } from '../../errors.js';

/**
 * Error codes that mean "this record does not exist". Only NOT_FOUND: TENANT_NOT_FOUND and INSTANCE_NOT_FOUND
 * say the URL is wrong, not that the record went away. Neither the V8 reference nor the recorded responses
 * show the code Welkin gives a missing record; NOT_FOUND is the simulator's, which also answers an unknown
 * route with NOT_FOUND (it differs only in componentType, which the client does not keep). So a path that
 * Welkin does not serve still reads as "record gone" here; see the unverified paths in pull-target.ts.
 */
const RECORD_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['NOT_FOUND']);

/** True only when Welkin said, by error code, that the record itself does not exist. */
export function isRecordNotFound(error: unknown): boolean {
  if (!(error instanceof HttpError) || (error.status !== 404 && error.status !== 410)) return false;
  const codes = error.codes;
  return codes.length > 0 && codes.every((code) => RECORD_NOT_FOUND_CODES.has(code));
}
