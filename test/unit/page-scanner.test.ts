import { describe, expect, it } from 'vitest';
import { MalformedResponseError } from '../../shared/errors.js';
import { scanObject, scanPage, scanValue } from '../../shared/json/page-scanner.js';

const WHERE = 'Cliniko https://api.example.com/v1/patients';

function jsonOf(text: string): string[] {
  return (scanPage(text, WHERE, 'patients', ['id']).records ?? []).map((record) => record.json);
}

function failureOf(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('page scanner: records pass through as sent', () => {
  it('keeps ids above 2^53, money and exponents digit for digit', () => {
    // Prepare
    const records = [
      '{"id":123456789012345678901,"patient_id":9007199254740993}',
      '{"id":2,"price":12.50,"tax":0.10,"big":1.0e+30,"negative":-0.0,"e":1E-7}',
    ];

    // Act
    const page = scanPage(`{"patients":[${records.join(',')}],"total_entries":2}`, WHERE, 'patients', ['id']);

    // Assess
    expect(page.records?.map((record) => record.json)).toEqual(records);
    expect(page.records?.map((record) => record.fields.get('id'))).toEqual(['123456789012345678901', '2']);
    expect(page.envelope).toEqual({ total_entries: 2 });
  });

  it('keeps escapes and unicode byte for byte', () => {
    // Prepare
    const record = String.raw`{"id":"7","note":"caf\u00e9 café \"q\" \/ \\ \n \ud83d\ude00 😀","k\u0065y":1}`;

    // Act
    const [json] = jsonOf(`{"patients":[${record}]}`);

    // Assess
    expect(json).toBe(record);
  });

  it('escapes raw U+2028 and U+2029 so the record stays one line for every splitter', () => {
    // Prepare
    const record = '{"id":1,"note":"a\u2028b\u2029c"}';

    // Act
    const [json] = jsonOf(`{"patients":[${record}]}`);

    // Assess
    expect(json).toBe('{"id":1,"note":"a\\u2028b\\u2029c"}');
    expect(JSON.parse(json as string)).toEqual({ id: 1, note: 'a\u2028b\u2029c' });
  });

  it('writes a pretty-printed record as one line, strings untouched', () => {
    // Prepare
    const text =
      '{\n  "patients": [\n    {\n      "id": 1,\n      "note": "two  spaces\\n",\n      "tags": [ "a", "b" ]\n    }\n  ]\n}\n';

    // Act
    const [json] = jsonOf(text);

    // Assess
    expect(json).toBe('{"id":1,"note":"two  spaces\\n","tags":["a","b"]}');
  });

  it('reads the asked members only at the top level of a record, decoding escaped strings', () => {
    // Prepare
    const text = String.raw`{"data":[{"nested":{"id":"inner","updatedAt":"x"},"i\u0064":"a\"1","updatedAt":"2026-01-01T00:00:00Z"},{"id":{"not":"scalar"}},7]}`;

    // Act
    const page = scanPage(text, WHERE, 'data', ['id', 'updatedAt']);

    // Assess
    expect(page.records?.map((record) => Object.fromEntries(record.fields))).toEqual([
      { id: 'a"1', updatedAt: '2026-01-01T00:00:00Z' },
      {},
      {},
    ]);
  });

  it('tells a missing list from an empty one and keeps the other members as the envelope', () => {
    // Prepare
    const missing = '{"links":{"next":"https://x/y?page=2"},"patients":{"id":1}}';
    const empty = '{"patients":[],"links":{}}';

    // Act
    const withoutList = scanPage(missing, WHERE, 'patients', ['id']);
    const emptyList = scanPage(empty, WHERE, 'patients', ['id']);

    // Assess
    expect(withoutList.records).toBeUndefined();
    expect(withoutList.envelope).toEqual({ links: { next: 'https://x/y?page=2' }, patients: { id: 1 } });
    expect(emptyList.records).toEqual([]);
    expect(emptyList.envelope).toEqual({ links: {} });
  });

  it('takes a whole object or any value as one line', () => {
    // Prepare
    const settings = ' {"country":"AU","id":123456789012345678901} ';

    // Act
    const object = scanObject(settings, WHERE);
    const array = scanValue('[1, 2]', WHERE);

    // Assess
    expect(object).toBe('{"country":"AU","id":123456789012345678901}');
    expect(array).toBe('[1,2]');
    expect(() => scanObject('[1]', WHERE)).toThrow('expected a JSON object');
  });

  it('walks a hostile nesting depth without overflowing the stack', () => {
    // Prepare
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;

    // Act
    const [json] = jsonOf(`{"patients":[{"id":1,"deep":${deep}}]}`);

    // Assess
    expect(json).toBe(`{"id":1,"deep":${deep}}`);
  });
});

describe('page scanner: what is not JSON fails in one line', () => {
  it.each([
    ['a truncated body', '{"patients":[{"id":1,"first_name":"Jane","last_name":"Doe",'],
    ['a raw control character in a string', '{"patients":[{"id":1,"note":"Jane\tDoe"}]}'],
    ['a raw newline in a string', '{"patients":[{"id":1,"note":"Jane\nDoe"}]}'],
    ['a bad escape', '{"patients":[{"id":1,"note":"Jane\\xDoe"}]}'],
    ['a short unicode escape', '{"patients":[{"id":1,"note":"Jane\\u12"}]}'],
    ['a trailing comma', '{"patients":[{"id":1,"note":"Jane Doe"},]}'],
    ['a leading zero', '{"patients":[{"id":01,"note":"Jane Doe"}]}'],
    ['a bare fraction dot', '{"patients":[{"id":1.,"note":"Jane Doe"}]}'],
    ['a lone minus', '{"patients":[{"id":-,"note":"Jane Doe"}]}'],
    ['an unquoted key', '{"patients":[{id:1,"note":"Jane Doe"}]}'],
    ['a misspelt literal', '{"patients":[{"id":1,"ok":tru,"note":"Jane Doe"}]}'],
    ['text after the end', '{"patients":[{"id":1,"note":"Jane Doe"}]} {"x":1}'],
    ['an HTML error page', '<html>Jane Doe</html>'],
    ['an empty body', ''],
  ])('%s', (_name, text) => {
    // Act
    const failure = failureOf(() => scanPage(text, WHERE, 'patients', ['id']));

    // Assess
    expect(failure).toBeInstanceOf(MalformedResponseError);
    expect(failure.message).toMatch(
      /^Cliniko https:\/\/api\.example\.com\/v1\/patients: response is not valid JSON \(.+ at character \d+\)$/,
    );
    expect(failure.message).not.toContain('Jane');
    expect(failure.message).not.toContain('Doe');
  });

  it('agrees with JSON.parse on which texts are JSON', () => {
    // Prepare: small random texts built from JSON's own characters.
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      'a',
      'u',
      '0',
      '1',
      '-',
      '.',
      'e',
      '+',
      ' ',
      't',
      'n',
    ];
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const disagreements: string[] = [];

    // Act
    for (let round = 0; round < 20_000; round += 1) {
      const inner = Array.from(
        { length: 1 + Math.floor(random() * 10) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
      const text = `{"patients":[{"id":1,"v":${inner}}]}`;
      let parsed = true;
      try {
        JSON.parse(text);
      } catch {
        parsed = false;
      }
      let scanned = true;
      try {
        scanPage(text, WHERE, 'patients', ['id']);
      } catch {
        scanned = false;
      }
      if (parsed !== scanned) disagreements.push(text);
    }

    // Assess
    expect(disagreements).toEqual([]);
  });
});
