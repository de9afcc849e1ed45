/**
 * Response bodies are written by hand because Cliniko ids are 64-bit integers sent as bare JSON numbers:
 * going through JS numbers (JSON.stringify) would round them. `RawNumber` holds the digits as text.
 */
export class RawNumber {
  constructor(readonly digits: string) {}
}

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | RawNumber
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Serialises like JSON.stringify (no whitespace); U+2028/U+2029 stay raw, which is legal JSON. */
export function toJsonText(value: JsonValue): string {
  if (value === null) return 'null';
  if (value instanceof RawNumber) return value.digits;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  const parts: string[] = [];
  // Like JSON.stringify, keys whose value is undefined are left out.
  for (const [key, item] of Object.entries(value))
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${toJsonText(item)}`);
  return `{${parts.join(',')}}`;
}
