/**
 * The event's partition date: the change time Welkin reports when it parses, else the receive time. Using
 * the change time keeps a redelivery that arrives after midnight in the same partition, so it is still
 * recognised as a duplicate.
 */
export function eventDateOf(initiatedTime: string | null | undefined, receivedAt: Date): Date {
  if (initiatedTime) {
    const epoch = /^\d{10}$/.test(initiatedTime) ? Number(initiatedTime) * 1000 : undefined;
    const parsed = new Date(
      epoch ?? (/^\d{13}$/.test(initiatedTime) ? Number(initiatedTime) : initiatedTime),
    );
    const year = parsed.getUTCFullYear();
    if (!Number.isNaN(parsed.getTime()) && year >= 2000 && year < 10000) return parsed;
  }
  return receivedAt;
}
