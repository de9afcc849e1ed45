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

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})$/;

function timeKindOf(line: string, from: number, to: number): ValueKind | undefined {
  const length = to - from;
  // Cheap test first: most strings are not dates.
  if (length < 10 || length > 35 || line.charCodeAt(from + 4) !== 0x2d) return undefined;
  const text = line.slice(from, to);
  if (length === 10) return dateDays(text) === undefined ? undefined : 'date';
  return timestampMicros(text) === undefined ? undefined : 'timestamp';
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a valid `YYYY-MM-DD`, else undefined. */
export function dateDays(text: string): number | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const ms = validUtc(match, 0, 0, 0);
  return ms === undefined ? undefined : ms / DAY_MS;
}

/**
 * Microseconds since the epoch (UTC) of a valid ISO 8601 timestamp with a zone (`Z`, `+10:00`, `+1000`) and at
 * most six fraction digits, else undefined. Exact below 2^53 µs (year 2255); a column is only a timestamp
 * when every value converts.
 */
export function timestampMicros(text: string): number | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const ms = validUtc(match, Number(match[4]), Number(match[5]), Number(match[6] ?? 0));
  if (ms === undefined) return undefined;
  const fraction = Number((match[7] ?? '').padEnd(6, '0'));
  return (ms - offsetMs(match[8] as string)) * 1000 + fraction;
}

function validUtc(match: RegExpExecArray, hours: number, minutes: number, seconds: number): number | undefined {
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hours, minutes, seconds);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over into March: a value that does not round-trip is not a date.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day)
    return undefined;
  return ms;
}

function offsetMs(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}
