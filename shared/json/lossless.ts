import { isLosslessNumber, parse, stringify } from 'lossless-json';
import { MalformedResponseError } from '../errors.js';

/**
 * JSON parsing that keeps every number exactly as sent (Cliniko ids exceed 2^53, money may be "12.50").
 * Numbers come back as LosslessNumber, which `toNdjsonLine` writes back digit for digit.
 */
export function parseLossless(text: string, where: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    throw new MalformedResponseError(`${where}: response is not valid JSON`, { cause: error });
  }
}

/**
 * One record as one NDJSON line. JSON.stringify already escapes \n; U+2028/U+2029 are legal raw in JSON but
 * some line splitters treat them as line breaks, so they are escaped too (same value, one line).
 */
export function toNdjsonLine(value: unknown): string {
  const text = stringify(value) ?? 'null';
  return text.replace(/[\u2028\u2029]/g, (ch) => (ch === '\u2028' ? '\\u2028' : '\\u2029'));
}

/** A scalar JSON value (string or lossless number) as a string: ids and cursors. */
export function scalarToString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (isLosslessNumber(value)) return value.toString();
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
