import type { RecordValue } from './records.js';

// Records are generated with big integers as marked strings so the hot path is one plain JSON.stringify
// (a bigint replacer costs twice as much on 1M-row exports); the marker is then swapped for the bare digits.
// Generated strings never contain NUL, so the marker cannot collide with data.
const MARK = '\u0000big:';
const MARKED = /"\\u0000big:(-?\d+)"/g;

/** A big integer field value: served as bare digits, returned as bigint by toApiObject. */
export function bigDigits(value: bigint): string {
  return MARK + value.toString();
}

/**
 * JSON text of a record with big integers written as bare digits (beyond 2^53, so a client that parses into
 * doubles loses them). Strings keep U+2028/U+2029 raw: legal JSON, and a trap for line-based readers.
 */
export function toJsonText(value: RecordValue): string {
  return JSON.stringify(value).replace(MARKED, '$1');
}

/** The record as a client parsing losslessly would see it: big integers as bigint. */
export function toApiObject(value: RecordValue): unknown {
  if (typeof value === 'string') return value.startsWith(MARK) ? BigInt(value.slice(MARK.length)) : value;
  if (Array.isArray(value)) return value.map(toApiObject);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toApiObject(item)]));
  }
  return value;
}
