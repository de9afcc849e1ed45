/**
 * Reads the top-level `id` of one NDJSON record from its raw text, without parsing the record: the current
 * state is built at several times the export's speed, and the id must stay exactly as the API wrote it
 * (64-bit digits, or a quoted string). Returns the id's JSON text (`123`, `"a-b"`), undefined when the record
 * has no top-level id, and throws on a line that is not a JSON object.
 */
export function rawIdOf(line: string): string | undefined {
  // Records written by the exporter are compact JSON; the id is usually the first key.
  if (line.startsWith('{"id":')) return valueAt(line, 6).text;
  let at = skipSpace(line, 0);
  if (line[at] !== '{') throw new SyntaxError('record is not a JSON object');
  at = skipSpace(line, at + 1);
  while (at < line.length && line[at] !== '}') {
    if (line[at] !== '"') throw new SyntaxError(`expected a key at ${at}`);
    const keyEnd = stringEnd(line, at);
    const key = line.slice(at, keyEnd);
    at = skipSpace(line, keyEnd);
    if (line[at] !== ':') throw new SyntaxError(`expected ':' at ${at}`);
    const value = valueAt(line, skipSpace(line, at + 1));
    if (key === '"id"') return value.text;
    at = skipSpace(line, value.end);
    if (line[at] === ',') at = skipSpace(line, at + 1);
  }
  return undefined;
}

function skipSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\r')) at += 1;
  return at;
}

/** Index just past the closing quote of the string starting at `from`. */
function stringEnd(text: string, from: number): number {
  for (let at = from + 1; at < text.length; at += 1) {
    const ch = text.charCodeAt(at);
    if (ch === 92 /* \ */) at += 1;
    else if (ch === 34 /* " */) return at + 1;
  }
  throw new SyntaxError('unterminated string');
}

/** The JSON value starting at `from`: its text and the index just past it. */
function valueAt(text: string, from: number): { text: string; end: number } {
  const first = text[from];
  let end: number;
  if (first === '"') end = stringEnd(text, from);
  else if (first === '{' || first === '[') end = containerEnd(text, from);
  else {
    end = from;
    while (end < text.length && !',}] \t\r'.includes(text[end] as string)) end += 1;
    if (end === from) throw new SyntaxError(`expected a value at ${from}`);
  }
  return { text: text.slice(from, end), end };
}

function containerEnd(text: string, from: number): number {
  let depth = 0;
  for (let at = from; at < text.length; at += 1) {
    const ch = text[at];
    if (ch === '"') at = stringEnd(text, at) - 1;
    else if (ch === '{' || ch === '[') depth += 1;
    else if (ch === '}' || ch === ']') {
      depth -= 1;
      if (depth === 0) return at + 1;
    }
  }
  throw new SyntaxError('unterminated object or array');
}
