import type { RecordValue } from './records.js';

// Node 20 has no JSON.rawJSON and JSON.stringify throws on bigint, so bigints travel through stringify as a
// marked string and the marker is then swapped for the bare digits. Generated strings never contain NUL,
// so the marker cannot collide with data.
const MARK = '\u0000big:';
const MARKED = /"\\u0000big:(-?\d+)"/g;

/**
 * JSON text of a record with bigint values written as bare digits (beyond 2^53, so a client that parses
 * into doubles loses them). Strings keep U+2028/U+2029 raw: legal JSON, and a trap for line-based readers.
 */
export function toJsonText(value: RecordValue): string {
  return JSON.stringify(value, (_key, item) =>
    typeof item === 'bigint' ? MARK + item.toString() : item,
  ).replace(MARKED, '$1');
}
