import { MalformedResponseError } from '../errors.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** A run of string characters that need no attention: not a quote, a backslash, a control or a line separator. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings; this stops at them.
const PLAIN = /[^"\\\u0000-\u001f\u2028\u2029]*/y;
const OBJECT = 0;
const ARRAY = 1;

/**
 * A validating walk over JSON text that builds nothing: it finds where values start and end, so a record can
 * be passed on as the very text the API sent. Strings are checked (escapes, no raw control characters) but not
 * decoded; numbers are checked against the JSON grammar but never converted, so no digit is lost.
 *
 * Counters let a caller tell whether a span needs rewriting before it becomes an NDJSON line: `spaces` counts
 * runs of whitespace outside strings (a pretty-printed record spans lines), `separators` counts raw U+2028 /
 * U+2029 inside strings (some line splitters break on them). Both are almost always zero, so spans are
 * normally used as they are.
 */
export class JsonScanner {
  pos = 0;
  spaces = 0;
  separators = 0;
  private readonly containers: number[] = [];

  constructor(
    readonly text: string,
    /** Names the response in errors; the text itself is never quoted (it may hold patient data). */
    readonly where: string,
  ) {}

  fail(what: string, at = this.pos): never {
    throw new MalformedResponseError(
      `${this.where}: response is not valid JSON (${what} at character ${at})`,
    );
  }

  code(): number {
    return this.text.charCodeAt(this.pos);
  }

  skipSpace(): void {
    const start = this.pos;
    const text = this.text;
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i += 1;
    }
    if (i !== start) {
      this.spaces += 1;
      this.pos = i;
    }
  }

  expect(code: number, what: string): void {
    if (this.code() !== code) this.fail(`expected ${what}`);
    this.pos += 1;
  }

  /** Skips a string starting at `pos` (on its quote); returns true when it holds a backslash escape. */
  skipString(): boolean {
    const text = this.text;
    let i = this.pos + 1;
    let escaped = false;
    for (;;) {
      // The native regex loop runs through plain characters several times faster than charCodeAt in JS.
      PLAIN.lastIndex = i;
      PLAIN.test(text);
      i = PLAIN.lastIndex;
      const c = text.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        i = this.skipEscape(i);
      } else if (c === 0x2028 || c === 0x2029) {
        this.separators += 1;
        i += 1;
      } else this.fail(Number.isNaN(c) ? 'unterminated string' : 'raw control character', i);
    }
    this.pos = i + 1;
    return escaped;
  }

  private skipEscape(at: number): number {
    const c = this.text.charCodeAt(at + 1);
    // " \ / b f n r t
    if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72)
      return at + 2;
    if (c === 0x74) return at + 2;
    if (c === 0x75 && /^[0-9a-fA-F]{4}$/.test(this.text.slice(at + 2, at + 6))) return at + 6;
    return this.fail('bad escape', at);
  }

  private skipNumber(): void {
    const text = this.text;
    let i = this.pos;
    if (text.charCodeAt(i) === 0x2d) i += 1;
    const first = text.charCodeAt(i);
    if (first === 0x30) i += 1;
    else if (first >= 0x31 && first <= 0x39) i = digitsFrom(text, i);
    else this.fail('bad number', i);
    if (text.charCodeAt(i) === 0x2e) {
      const after = digitsFrom(text, i + 1);
      if (after === i + 1) this.fail('bad number', i);
      i = after;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i += 1;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i += 1;
      const after = digitsFrom(text, i);
      if (after === i) this.fail('bad number', i);
      i = after;
    }
    this.pos = i;
  }

  private skipScalar(): void {
    const c = this.code();
    if (c === QUOTE) this.skipString();
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) this.skipNumber();
    else if (c === 0x74 && this.text.startsWith('true', this.pos)) this.pos += 4;
    else if (c === 0x66 && this.text.startsWith('false', this.pos)) this.pos += 5;
    else if (c === 0x6e && this.text.startsWith('null', this.pos)) this.pos += 4;
    else this.fail(Number.isNaN(c) ? 'unexpected end' : 'unexpected character');
  }

  /** Skips an object key and its colon; `pos` must be on the key's quote. */
  skipKey(): void {
    if (this.code() !== QUOTE) this.fail('expected a key');
    this.skipString();
    this.skipSpace();
    this.expect(0x3a, "':'");
    this.skipSpace();
  }

  /**
   * Skips one value of any depth starting at `pos` (no leading whitespace). Iterative, so a hostile nesting
   * depth cannot overflow the stack.
   */
  skipValue(): void {
    const stack = this.containers;
    const base = stack.length;
    for (;;) {
      // At the start of a value.
      const c = this.code();
      if (c === 0x7b || c === 0x5b) {
        this.pos += 1;
        this.skipSpace();
        const close = c === 0x7b ? 0x7d : 0x5d;
        if (this.code() === close) this.pos += 1;
        else {
          stack.push(c === 0x7b ? OBJECT : ARRAY);
          if (c === 0x7b) this.skipKey();
          continue;
        }
      } else this.skipScalar();
      // After a value: close containers until one continues with a comma, or the outer value ends.
      for (;;) {
        if (stack.length === base) return;
        this.skipSpace();
        const top = stack[stack.length - 1];
        const next = this.code();
        if (next === 0x2c) {
          this.pos += 1;
          this.skipSpace();
          if (top === OBJECT) this.skipKey();
          break;
        }
        if (next !== (top === OBJECT ? 0x7d : 0x5d)) this.fail("expected ',' or a closing bracket");
        this.pos += 1;
        stack.pop();
      }
    }
  }

  /** Fails unless only whitespace remains. */
  expectEnd(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('text after the end');
  }
}

function digitsFrom(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39 || Number.isNaN(c)) return i;
    i += 1;
  }
}
