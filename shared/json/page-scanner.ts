import { JsonScanner } from './json-scanner.js';

/** One record of a page: its text as sent, ready to be one NDJSON line, and the few members read from it. */
export interface ScannedRecord {
  /** The record's JSON text (whitespace outside strings removed only when there was any; U+2028/9 escaped). */
  json: string;
  /** Top-level members asked for, when they are strings (decoded) or numbers (digits as sent). */
  fields: Map<string, string>;
}

export interface ScannedPage {
  /** Every top-level member except the list, parsed: the small envelope (links, totals, cursors, flags). */
  envelope: Record<string, unknown>;
  /** The list's records in order; undefined when the page has no array under that key. */
  records: ScannedRecord[] | undefined;
}

/**
 * Reads a page `{..., "<list>": [records...], ...}` without building the records: each record stays the text
 * the API sent (a slice of the page, so the page is held once), and only `fields` are read from it. The whole
 * text is validated; anything that is not JSON fails with one line naming `where`.
 */
export function scanPage(text: string, where: string, list: string, fields: readonly string[]): ScannedPage {
  const scanner = new JsonScanner(text, where);
  const envelope: Record<string, unknown> = {};
  let records: ScannedRecord[] | undefined;
  scanner.skipSpace();
  if (scanner.code() !== 0x7b) scanner.fail('expected a JSON object');
  forEachMember(scanner, (keyStart, keyEnd, escaped) => {
    const key = stringAt(text, keyStart, keyEnd, escaped);
    if (key === list && scanner.code() === 0x5b) {
      records = scanRecords(scanner, fields);
      return;
    }
    const start = scanner.pos;
    scanner.skipValue();
    envelope[key] = JSON.parse(text.slice(start, scanner.pos));
  });
  scanner.expectEnd();
  return { envelope, records };
}

/** A page that is a bare JSON array of records (Welkin's program definitions), read as `scanPage` reads a list. */
export function scanArray(text: string, where: string, fields: readonly string[]): ScannedRecord[] {
  const scanner = new JsonScanner(text, where);
  scanner.skipSpace();
  if (scanner.code() !== 0x5b) scanner.fail('expected a JSON array');
  const records = scanRecords(scanner, fields);
  scanner.expectEnd();
  return records;
}

/** A whole response that is one JSON object (a settings object, a single record), as one NDJSON line. */
export function scanObject(text: string, where: string): string {
  return scanValue(text, where, true);
}

/** A whole response holding one JSON value of any kind, as one NDJSON line of the text sent. */
export function scanValue(text: string, where: string, objectOnly = false): string {
  const scanner = new JsonScanner(text, where);
  scanner.skipSpace();
  if (objectOnly && scanner.code() !== 0x7b) scanner.fail('expected a JSON object');
  const json = scanSpan(scanner, () => scanner.skipValue());
  scanner.expectEnd();
  return json;
}

function scanRecords(scanner: JsonScanner, fields: readonly string[]): ScannedRecord[] {
  const records: ScannedRecord[] = [];
  scanner.pos += 1;
  scanner.skipSpace();
  if (scanner.code() === 0x5d) {
    scanner.pos += 1;
    return records;
  }
  for (;;) {
    const picked = new Map<string, string>();
    const json = scanSpan(scanner, () => {
      if (scanner.code() !== 0x7b || fields.length === 0) return scanner.skipValue();
      forEachMember(scanner, (keyStart, keyEnd, escaped) => {
        const field = fieldAt(scanner.text, keyStart, keyEnd, escaped, fields);
        if (field === undefined) return scanner.skipValue();
        const value = readScalar(scanner);
        if (value !== undefined) picked.set(field, value);
      });
    });
    records.push({ json, fields: picked });
    scanner.skipSpace();
    if (scanner.code() === 0x5d) break;
    scanner.expect(0x2c, "',' or ']'");
    scanner.skipSpace();
  }
  scanner.pos += 1;
  return records;
}

/** Runs `skip` over one value and returns the value's text as an NDJSON line. */
function scanSpan(scanner: JsonScanner, skip: () => void): string {
  const start = scanner.pos;
  const spaces = scanner.spaces;
  const separators = scanner.separators;
  skip();
  let json = scanner.text.slice(start, scanner.pos);
  if (scanner.spaces !== spaces) json = withoutSpaces(json);
  if (scanner.separators !== separators) json = json.replace(/[\u2028\u2029]/g, escapeSeparator);
  return json;
}

/**
 * Calls `visit` with where each member's quoted key is, `pos` on the member's value; `visit` must move past
 * the value. `pos` starts on the object's `{` and ends after its `}`. Keys are not copied unless asked for.
 */
function forEachMember(
  scanner: JsonScanner,
  visit: (keyStart: number, keyEnd: number, escaped: boolean) => void,
): void {
  scanner.pos += 1;
  scanner.skipSpace();
  if (scanner.code() === 0x7d) {
    scanner.pos += 1;
    return;
  }
  for (;;) {
    const keyStart = scanner.pos;
    if (scanner.code() !== 0x22) scanner.fail('expected a key');
    const escaped = scanner.skipString();
    const keyEnd = scanner.pos;
    scanner.skipSpace();
    scanner.expect(0x3a, "':'");
    scanner.skipSpace();
    visit(keyStart, keyEnd, escaped);
    scanner.skipSpace();
    if (scanner.code() === 0x7d) break;
    scanner.expect(0x2c, "',' or '}'");
    scanner.skipSpace();
  }
  scanner.pos += 1;
}

/** A string value decoded, a number as its digits; anything else is skipped and reads as undefined. */
function readScalar(scanner: JsonScanner): string | undefined {
  const start = scanner.pos;
  const c = scanner.code();
  if (c === 0x22) {
    const escaped = scanner.skipString();
    return stringAt(scanner.text, start, scanner.pos, escaped);
  }
  scanner.skipValue();
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return scanner.text.slice(start, scanner.pos);
  return undefined;
}

/** The string whose quoted text is text[start, end): a plain slice unless it holds escapes. */
function stringAt(text: string, start: number, end: number, escaped: boolean): string {
  const quoted = text.slice(start, end);
  return escaped ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
}

/** Which of `fields` the quoted key at text[start, end) is, compared in place (no copy of the key). */
function fieldAt(
  text: string,
  start: number,
  end: number,
  escaped: boolean,
  fields: readonly string[],
): string | undefined {
  const key = escaped ? stringAt(text, start, end, true) : undefined;
  for (const name of fields) {
    if (
      key !== undefined ? key === name : end - start - 2 === name.length && text.startsWith(name, start + 1)
    )
      return name;
  }
  return undefined;
}

/** Drops whitespace outside strings (only pretty-printed records have any), so a record is one line. */
function withoutSpaces(json: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < json.length; i += 1) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      out += json.slice(from, i);
      from = i + 1;
    }
  }
  return out + json.slice(from);
}

function escapeSeparator(ch: string): string {
  return ch === '\u2028' ? '\\u2028' : '\\u2029';
}
