import { describe, expect, it } from 'vitest';
import { MalformedResponseError } from '../../shared/errors.js';
import { parseLossless, scalarToString, toNdjsonLine } from '../../shared/json/lossless.js';

describe('lossless JSON', () => {
  it('keeps ids above 2^53 digit for digit', () => {
    // Prepare
    const text = '{"id":123456789012345678901,"patient_id":9007199254740993}';

    // Act
    const line = toNdjsonLine(parseLossless(text, 'test'));

    // Assess
    expect(line).toBe(text);
  });

  it('keeps money written as 12.50 and exponents as sent', () => {
    // Prepare
    const text = '{"price":12.50,"tax":0.10,"big":1.0e+30,"negative":-0.0}';

    // Act
    const line = toNdjsonLine(parseLossless(text, 'test'));

    // Assess
    expect(line).toBe(text);
  });

  it('escapes U+2028 and U+2029 so the record stays one line for every splitter', () => {
    // Prepare
    const value = parseLossless('{"note":"a\\u2028b\\u2029c"}', 'test');

    // Act
    const line = toNdjsonLine(value);

    // Assess
    expect(line).not.toMatch(/[\u2028\u2029]/);
    expect(line).toBe('{"note":"a\\u2028b\\u2029c"}');
    expect(JSON.parse(line)).toEqual({ note: 'a\u2028b\u2029c' });
  });

  it('writes a string holding newlines as one line', () => {
    // Prepare
    const value = { id: '1', note: 'line one\nline two\r\nline three' };

    // Act
    const line = toNdjsonLine(value);

    // Assess
    expect(line.split(/\r?\n/)).toHaveLength(1);
    expect(JSON.parse(line)).toEqual(value);
  });

  it('reports invalid JSON with where it came from and without the body', () => {
    // Prepare
    const body = '{"first_name":"Jane","last_name":"Doe",';

    // Act
    const act = () => parseLossless(body, 'Cliniko https://api.example.com/v1/patients');

    // Assess
    expect(act).toThrow(MalformedResponseError);
    expect(act).toThrow('Cliniko https://api.example.com/v1/patients: response is not valid JSON');
    try {
      act();
    } catch (error) {
      expect((error as Error).message).not.toContain('Jane');
      expect((error as Error).message).not.toContain('Doe');
      expect((error as Error).message.split('\n')).toHaveLength(1);
    }
  });

  it('turns string and lossless-number ids into exact strings', () => {
    // Prepare
    const value = parseLossless('{"a":123456789012345678901,"b":"x","c":{}}', 'test') as Record<
      string,
      unknown
    >;

    // Act
    const strings = [scalarToString(value.a), scalarToString(value.b), scalarToString(value.c)];

    // Assess
    expect(strings).toEqual(['123456789012345678901', 'x', undefined]);
  });
});
