import {
  Choice,
  Condition,
  type IChainable,
  Pass,
  type State,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** A rate-limit wait is taken only when it ends this long before the execution's 24-hour timeout. */
export const RATE_LIMIT_WAIT_LATEST_MS = 22 * 3600_000;
/** At most this many rate-limit waits per resource and execution; then the resource fails as before. */
export const RATE_LIMIT_WAITS = 3;

/**
 * What a `RateLimitError` (the API asked for a wait longer than a Lambda may sleep) leads to: the state machine
 * reads the reset time from the error (`retry after <ISO>`, see shared/http/rate-limit-wait.ts), waits until
 * then in a Wait state (no Lambda running, no cost) and invokes again from the same checkpoint. When the reset
 * is missing, too late for the execution, or the resource has waited often enough, `giveUp` follows.
 */
export function rateLimitWait(scope: Construct, retry: State, giveUp: IChainable): State {
  const read = Pass.jsonata(scope, 'ReadRateLimitReset', {
    comment: 'Reads `retry after <ISO>` from the RateLimitError and whether the wait fits the execution',
    outputs: `{% (
      $until := $match($states.input.error.Cause, /retry after (\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?Z)/)[0].groups[0];
      $waits := $exists($states.input.rateLimitWaits) ? $states.input.rateLimitWaits : 0;
      $latest := $toMillis($states.context.Execution.StartTime) + ${RATE_LIMIT_WAIT_LATEST_MS};
      $merge([$states.input, {
        "rateLimitWaits": $waits + 1,
        "retryAt": $exists($until) ? $until : null,
        "waitFits": $exists($until) and $toMillis($until) < $latest and $waits < ${RATE_LIMIT_WAITS}
      }])
    ) %}`,
  });
  const wait = Wait.jsonata(scope, 'WaitForRateLimitReset', {
    comment: 'Waits until the API lets requests through again; then the same checkpoint is tried',
    time: WaitTime.timestamp('{% $states.input.retryAt %}'),
  });
  const fits = Choice.jsonata(scope, 'RateLimitWaitFits')
    .when(Condition.jsonata('{% $states.input.waitFits = true %}'), wait.next(retry))
    .otherwise(giveUp);
  read.next(fits);
  return read;
}
