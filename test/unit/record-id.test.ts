import { describe, expect, it } from 'vitest';
import { rawIdOf } from '../../shared/current-state/record-id.js';
import { MalformedResponseError } from '../../shared/errors.js';

describe('rawIdOf', () => {
  it.each([
    ['{"id":1200150000000022121,"name":"a"}', '1200150000000022121'],
    ['{"id":"4a6f-9","x":1}', '"4a6f-9"'],
    ['{"name":"has \\"id\\": 5","nested":{"id":7},"list":[{"id":8}],"id":"late"}', '"late"'],
    ['{ "a" : [1, {"b": "}"}] , "id" : 42 }', '42'],
    ['{"idx":1,"id":"\\"quoted\\""}', '"\\"quoted\\""'],
  ])('reads the top-level id of %s as its JSON text', (line, expected) => {
    // Prepare / Act
    const id = rawIdOf(line);
    // Assess
    expect(id).toBe(expected);
  });

  it('answers undefined for a record without a top-level id (single-record resources)', () => {
    // Prepare
    const line = '{"settings":{"id":3},"name":"x"}';
    // Act
    const id = rawIdOf(line);
    // Assess
    expect(id).toBeUndefined();
  });

  it.each(['[1,2]', '{"id":', '{"name":"open', '{"a" 1}'])(
    'fails on text that is not a JSON object: %s',
    (line) => {
      // Prepare / Act / Assess
      expect(() => rawIdOf(line, 'part-00000.ndjson.gz:7')).toThrow(MalformedResponseError);
      expect(() => rawIdOf(line, 'part-00000.ndjson.gz:7')).toThrow(/^part-00000\.ndjson\.gz:7: /);
    },
  );
});
