export interface JsonReply<Outcome> {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** What happened, safe to log; never sent to the caller. */
  outcome: Outcome;
}

/** A JSON reply to a webhook delivery, with the outcome kept alongside for the log line. */
export function jsonReply<Outcome>(
  statusCode: number,
  body: object,
  outcome: Outcome,
  extraHeaders: Record<string, string> = {},
): JsonReply<Outcome> {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...extraHeaders },
    body: JSON.stringify(body),
    outcome,
  };
}
