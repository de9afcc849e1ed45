import { JsonScanner } from '../json/json-scanner.js';

/**
 * What a top-level value is, as far as a typed column cares. Numbers are split without converting them:
 * `int64` fits a signed 64-bit integer, `bigint` is an integer beyond it, `double` has a fraction or exponent.
 * Strings are `date` (YYYY-MM-DD), `timestamp` (ISO 8601 with a time zone and at most microseconds) or `string`.
 */
export type ValueKind =
  | 'null'
  | 'boolean'
  | 'int64'
  | 'bigint'
  | 'double'
  | 'string'
  | 'date'
  | 'timestamp'
  | 'object'
  | 'array';

/** One top-level member: its decoded key and where its value's JSON text lies in the line. */
export type FieldVisit = (key: string, kind: ValueKind, start: number, end: number, escaped: boolean) => void;

const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const INT64_DIGITS = 18;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Walks the top-level members of one NDJSON record without building it: keys are decoded, values only located
 * and classified (the JSON scanner validates them). Text that is not a JSON object fails naming `where`.
 */
export function visitFields(line: string, where: string, visit: FieldVisit): void {
  const scanner = new JsonScanner(line, where);
  scanner.skipSpace();
  scanner.expect(OPEN_BRACE, "'{'");
  scanner.skipSpace();
  if (scanner.code() === CLOSE_BRACE) return;
  for (;;) {
    const keyStart = scanner.pos;
    if (scanner.code() !== QUOTE) scanner.fail('expected a key');
    const keyEscaped = scanner.skipString();
    const key = keyEscaped
      ? (JSON.parse(line.slice(keyStart, scanner.pos)) as string)
      : line.slice(keyStart + 1, scanner.pos - 1);
    scanner.skipSpace();
    scanner.expect(0x3a, "':'");
    scanner.skipSpace();
    const start = scanner.pos;
    const first = scanner.code();
    let escaped = false;
    if (first === QUOTE) escaped = scanner.skipString();
    else scanner.skipValue();
    const end = scanner.pos;
    visit(key, kindOf(line, first, start, end, escaped), start, end, escaped);
    scanner.skipSpace();
    if (scanner.code() === CLOSE_BRACE) break;
    scanner.expect(0x2c, "',' or '}'");
    scanner.skipSpace();
  }
  scanner.pos += 1;
  scanner.expectEnd();
}

function kindOf(line: string, first: number, start: number, end: number, escaped: boolean): ValueKind {
  if (first === QUOTE) {
    if (escaped) return 'string';
    return timeKindOf(line, start + 1, end - 1) ?? 'string';
  }
  if (first === OPEN_BRACE) return 'object';
  if (first === 0x5b) return 'array';
  if (first === 0x74 || first === 0x66) return 'boolean';
  if (first === 0x6e) return 'null';
  return numberKindOf(line, start, end);
}

function numberKindOf(line: string, start: number, end: number): ValueKind {
  for (let at = start; at < end; at += 1) {
    const c = line.charCodeAt(at);
    if (c === 0x2e || c === 0x65 || c === 0x45) return 'double';
  }
  const digits = end - start - (line.charCodeAt(start) === 0x2d ? 1 : 0);
  if (digits <= INT64_DIGITS) return 'int64';
  const value = BigInt(line.slice(start, end));
  return value >= INT64_MIN && value <= INT64_MAX ? 'int64' : 'bigint';
}

/**
 * The value of the last string `visitFields` classified as `date` or `timestamp` (days, or microseconds): read
 * inside the visit that reports it, so a converter need not parse the text a second time.
 */
export const lastTime = { value: 0 };

function timeKindOf(line: string, from: number, to: number): ValueKind | undefined {
  const length = to - from;
  // Cheap test first: most strings are not dates.
  if (length < 10 || length > 35 || line.charCodeAt(from + 4) !== 0x2d) return undefined;
  const value = length === 10 ? dateDaysAt(line, from) : timestampMicrosAt(line, from, to);
  if (value === undefined) return undefined;
  lastTime.value = value;
  return length === 10 ? 'date' : 'timestamp';
}

/** Days since 1970-01-01 of a valid `YYYY-MM-DD`, else undefined. */
export function dateDays(text: string): number | undefined {
  return text.length === 10 ? dateDaysAt(text, 0) : undefined;
}

/**
 * Microseconds since the epoch (UTC) of a valid ISO 8601 timestamp with a zone (`Z`, `+10:00`, `+1000`) and at
 * most six fraction digits, else undefined. Exact below 2^53 µs (year 2255); a column is only a timestamp
 * when every value converts. Parsed by hand: a regex and a Date per value cost more than the rest of the walk.
 */
export function timestampMicros(text: string): number | undefined {
  return timestampMicrosAt(text, 0, text.length);
}

function dateDaysAt(text: string, at: number): number | undefined {
  const year = digitsAt(text, at, 4);
  const month = digitsAt(text, at + 5, 2);
  const day = digitsAt(text, at + 8, 2);
  if (text.charCodeAt(at + 4) !== 0x2d || text.charCodeAt(at + 7) !== 0x2d) return undefined;
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

function timestampMicrosAt(text: string, from: number, to: number): number | undefined {
  const days = dateDaysAt(text, from);
  const separator = text.charCodeAt(from + 10);
  if (days === undefined || (separator !== 0x54 && separator !== 0x20)) return undefined;
  const hours = digitsAt(text, from + 11, 2);
  const minutes = digitsAt(text, from + 14, 2);
  if (text.charCodeAt(from + 13) !== 0x3a || hours > 23 || minutes > 59 || minutes < 0 || hours < 0)
    return undefined;
  let at = from + 16;
  let seconds = 0;
  let micros = 0;
  if (text.charCodeAt(at) === 0x3a) {
    seconds = digitsAt(text, at + 1, 2);
    if (seconds < 0 || seconds > 59) return undefined;
    at += 3;
    if (text.charCodeAt(at) === 0x2e) {
      let count = 0;
      for (at += 1; isDigit(text.charCodeAt(at)); at += 1, count += 1)
        micros = micros * 10 + text.charCodeAt(at) - 0x30;
      if (count === 0 || count > 6) return undefined;
      micros *= 10 ** (6 - count);
    }
  }
  const offset = zoneMinutes(text, at, to);
  if (offset === undefined) return undefined;
  return ((days * 1440 + hours * 60 + minutes - offset) * 60 + seconds) * 1_000_000 + micros;
}

/** `Z`, `±HH:MM` or `±HHMM` running exactly to `to`, in minutes east of UTC. */
function zoneMinutes(text: string, at: number, to: number): number | undefined {
  const c = text.charCodeAt(at);
  if (c === 0x5a) return at + 1 === to ? 0 : undefined;
  if (c !== 0x2b && c !== 0x2d) return undefined;
  const colon = text.charCodeAt(at + 3) === 0x3a;
  if (at + (colon ? 6 : 5) !== to) return undefined;
  const hours = digitsAt(text, at + 1, 2);
  const minutes = digitsAt(text, at + (colon ? 4 : 3), 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
  return (c === 0x2d ? -1 : 1) * (hours * 60 + minutes);
}

/** The number `count` decimal digits at `at` spell, or -1. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i += 1) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return -1;
    value = value * 10 + c - 0x30;
  }
  return value;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
