/**
 * Welkin v1 timestamps carry microseconds and an offset (`2026-01-02T03:04:05.123456+00:00`). JavaScript
 * dates keep milliseconds only, so paging compares exact microseconds since the epoch as bigints.
 */
const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;

/** Microseconds since the epoch, or undefined when the text is not an ISO time with an offset. */
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

/** The API's own format, in UTC: `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`. */
export function formatMicros(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const rest = micros - ms * 1000n;
  const iso = new Date(Number(ms)).toISOString(); // ...SS.mmmZ
  return `${iso.slice(0, 23)}${String(rest).padStart(3, '0')}+00:00`;
}

/** An engine time (ISO, milliseconds, `Z`) in the API's format. */
export function toApiTime(iso: string): string {
  const micros = microsOf(iso);
  if (micros === undefined) throw new RangeError('not an ISO time');
  return formatMicros(micros);
}
