import { PipelineError } from '../../errors.js';
import type { PullTarget } from './pull-target.js';

/**
 * A 404 that cannot be read as a deletion: the notice fails (SQS retries, then dead-letters it) and nothing
 * is written, so nothing reaches the current state.
 */
export class UnconfirmedDeletionError extends PipelineError {}

/**
 * Whether a 404/410 with these error codes means the record is gone. What the product treats as "gone": the
 * documented single-record route of the record itself answering 404 with the code that route gives a
 * missing record (pull-target.ts lists them, from recorded deletions). Anything else fails the notice:
 * - a route no source documents (the notice's own `url`): Welkin answers an unknown route with 404 NOT_FOUND,
 *   which says nothing about the record;
 * - other codes (TENANT_NOT_FOUND, INSTANCE_NOT_FOUND say the URL is wrong), or a 404 without a Welkin body
 *   (a proxy's page).
 * Not unambiguous even then: the route names the patient, so a record moved to another patient, or a notice
 * pulled before the record can be read, would also read as gone on this route. No source describes either,
 * and a full export re-lists every live record, so such a marker is undone by the next full run.
 */
export function isRecordGone(target: PullTarget, codes: readonly string[]): boolean {
  const gone = target.route?.goneCodes;
  return gone !== undefined && codes.length > 0 && codes.every((code) => gone.includes(code));
}

/** The one line a failed notice leaves: entity, route (a template, or "the notice's url"), status and codes. */
export function unconfirmedDeletion(
  target: PullTarget,
  status: number,
  codes: readonly string[],
): UnconfirmedDeletionError {
  const entity = target.entity.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  const answer = `${status}${codes.length > 0 ? ` ${codes.join(', ')}` : ' without a Welkin error code'}`;
  const where = target.route
    ? `its documented route ${target.route.template}, which answers a missing record with ${target.route.goneCodes.join(' or ')}`
    : "the notice's url, a route no source documents";
  return new UnconfirmedDeletionError(
    `Welkin ${entity} notice: ${answer} from ${where}; not a deletion, nothing written`,
  );
}
