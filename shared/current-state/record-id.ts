import { JsonScanner } from '../json/json-scanner.js';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const FAST_PREFIX = '{"id":';
const BACKSLASH = '\\';

/**
 * The VALUE of an id, from its JSON text (`rawIdOf`): what current state, tombstones, deletion markers and
 * dedupe compare, so one record is one id however the API spells it between runs. The rule: an id's value is
 * its text, i.e. a JSON string's characters (escapes decoded) or a JSON number exactly as written. So `1` and
 * `"1"` are one id (Cliniko's seeds show numbers, its current OpenAPI description int64 strings), while
 * `"01"`, `" 1"`, `"1.0"`, `1.0` and `1e0` are each a different id from `1`: no numeric normalisation, which
 * could merge ids an API keeps apart. (A number and a string with the same text are one id: `1.0` and `"1.0"`.)
 * Other JSON kinds (never seen as ids) compare by their JSON text. The page scanner reads ids to the same value
 * (shared/json/page-scanner.ts: strings decoded, numbers as sent), so the export's dedupe and checkpoints agree.
 * The record itself is always written exactly as the API sent it.
 */
export function idValueOf(rawId: string): string {
  if (rawId.charCodeAt(0) !== QUOTE) return rawId;
  return rawId.includes(BACKSLASH) ? (JSON.parse(rawId) as string) : rawId.slice(1, -1);
}

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
