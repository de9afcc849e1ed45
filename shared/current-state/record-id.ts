import { JsonScanner } from '../json/json-scanner.js';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const FAST_PREFIX = '{"id":';

/**
 * Reads the top-level `id` (or the member named by `key`) of one NDJSON record from its raw text, without building the record: the current
 * state is built at several times the export's speed, and the id must stay exactly as the API wrote it
 * (64-bit digits, or a quoted string). Returns the id's JSON text (`123`, `"a-b"`), undefined when the record
 * has no top-level id; text that is not a JSON object fails naming `where`.
 */
export function rawIdOf(line: string, where = 'record', key = 'id'): string | undefined {
  const scanner = new JsonScanner(line, where);
  const keyText = JSON.stringify(key);
  // Records written by the exporter are compact JSON, and the id is usually the first member.
  if (key === 'id' && line.startsWith(FAST_PREFIX)) {
    scanner.pos = FAST_PREFIX.length;
    return valueText(scanner);
  }
  scanner.skipSpace();
  if (scanner.code() !== OPEN_BRACE) scanner.fail('expected a JSON object');
  scanner.pos += 1;
  scanner.skipSpace();
  if (scanner.code() === CLOSE_BRACE) return undefined;
  for (;;) {
    const keyStart = scanner.pos;
    if (scanner.code() !== QUOTE) scanner.fail('expected a key');
    scanner.skipString();
    const isId = line.slice(keyStart, scanner.pos) === keyText;
    scanner.skipSpace();
    scanner.expect(0x3a, "':'");
    scanner.skipSpace();
    const value = valueText(scanner);
    if (isId) return value;
    scanner.skipSpace();
    if (scanner.code() === CLOSE_BRACE) return undefined;
    scanner.expect(0x2c, "',' or '}'");
    scanner.skipSpace();
  }
}

function valueText(scanner: JsonScanner): string {
  const start = scanner.pos;
  scanner.skipValue();
  return scanner.text.slice(start, scanner.pos);
}
