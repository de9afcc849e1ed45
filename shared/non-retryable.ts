import { UsageError } from './config-error.js';
import { CurrentStateError } from './current-state/publish-current-state.js';
import { UnkeyedRecordError } from './current-state/spill-inputs.js';
import { StoredFileMismatchError } from './current-state/stored-lines.js';
import {
  AuthError,
  ConfigError,
  ForbiddenError,
  MalformedResponseError,
  RunAbandonedError,
} from './errors.js';
import { NoProgressError } from './export/no-progress-error.js';
import { RateLimitError } from './http/rate-limit-wait.js';
import { InvalidEventError } from './lambda/export-event.js';

/**
 * The one list of error names a retry cannot fix: the same input gives the same error (configuration, a
 * credential, an event, a response or record of the wrong shape, stored data that no longer matches), a run
 * that may no longer write, or a wait longer than allowed (a rate limit is waited out in a Wait state instead;
 * see infra/constructs/rate-limit-wait.ts). Every state machine's retriers use it; names survive bundling
 * (keepNames), so the bundled functions throw exactly these.
 */
export const NON_RETRYABLE_ERRORS: readonly string[] = [
  ConfigError,
  UsageError,
  AuthError,
  InvalidEventError,
  RateLimitError,
  MalformedResponseError,
  UnkeyedRecordError,
  CurrentStateError,
  StoredFileMismatchError,
  RunAbandonedError,
  ForbiddenError,
  NoProgressError,
].map((errorClass) => errorClass.name);
