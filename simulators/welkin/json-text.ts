import type { RecordValue } from './records.js';

/**
 * JSON text of a record with bigint values written as bare digits. Node 20 has no JSON.rawJSON, and
 * JSON.stringify throws on bigint, so this walks the value itself (strings still go through JSON.stringify,
 * which leaves U+2028/U+2029 raw: legal JSON, and a trap for line-based readers that the clients must survive).
 */
export function toJsonText(value: RecordValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value)) parts.push(`${JSON.stringify(key)}:${toJsonText(item)}`);
  return `{${parts.join(',')}}`;
}
