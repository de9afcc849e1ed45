import type { PullOutcome } from '../../shared/welkin/webhooks/pull-change.js';
import type { ReceiveOutcome } from '../../shared/welkin/webhooks/receive-webhook.js';
import { printable } from '../cli/printable.js';

/**
 * The log line of one delivery. Entity and subtype come from the notice body, which anyone holding the URL
 * can send: control characters are escaped so a notice cannot forge a line or drive the terminal.
 */
export function receiveLine(outcome: ReceiveOutcome): string {
  if (outcome.kind === 'rejected') return printable(`rejected: ${outcome.reason}`);
  if (outcome.kind === 'failed') return printable(`failed (${outcome.stage}): ${outcome.error}`);
  const flags = `${outcome.duplicate ? ' (duplicate)' : ''}${outcome.withoutInitiatedTime ? ' (no initiatedTime)' : ''}`;
  return printable(`accepted ${outcome.entity} ${outcome.subtype} ${outcome.dedupeKey}${flags}`);
}

/** The log line of one pull, escaped the same way. */
export function pullLine(outcome: PullOutcome): string {
  return printable(`${outcome.kind} ${outcome.entity} ${outcome.subtype} ${outcome.dedupeKey}`);
}

export function pullFailureLine(reason: string, attempt: number): string {
  return printable(`pull attempt ${attempt} failed: ${reason}`);
}
