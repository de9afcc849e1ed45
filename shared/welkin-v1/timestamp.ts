/**
 * Welkin v1 times carry microseconds. Rows say `2026-01-02T03:04:05.123456+00:00`; the reference's query
 * strings, next links and notices say `2018-05-14T23:34:05.647496` with no offset, and its realtime notification
 * example `2020-04-27 00:00:00.006785` (a space, no offset). A time without an offset is UTC. JavaScript dates
 * keep milliseconds only, so paging compares exact microseconds since the epoch as bigints.
 */
const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Microseconds since the epoch, or undefined when the text is not an ISO date-time. */
export function microsOf(text: string): bigint | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, date, hh, mm, ss, fraction = '', zone = 'Z'] = match;
  const wholeMs = Date.parse(`${date}T${hh}:${mm}:${ss}Z`);
  if (!Number.isFinite(wholeMs)) return undefined;
  const micros = BigInt(`${fraction}000000`.slice(0, 6));
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return (BigInt(wholeMs) - BigInt(offsetMinutes * 60_000)) * 1000n + micros;
}

/** UTC with microseconds and no offset, as the reference writes `page[from]`/`page[to]`: `…T03:04:05.123456`. */
export function formatMicros(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const rest = micros - ms * 1000n;
  const iso = new Date(Number(ms)).toISOString(); // ...SS.mmmZ
  return `${iso.slice(0, 23)}${String(rest).padStart(3, '0')}`;
}

/** A time as the API's query strings write it (from an engine time or a notice's time, offset or not). */
export function toApiTime(iso: string): string {
  const micros = microsOf(iso);
  if (micros === undefined) throw new RangeError('not an ISO time');
  return formatMicros(micros);
}
