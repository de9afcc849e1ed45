import { describe, expect, it } from 'vitest';
import { idValueOf, rawIdOf } from '../../shared/current-state/record-id.js';
import { partitionOf } from '../../shared/current-state/spill-partitions.js';
import { MalformedResponseError } from '../../shared/errors.js';
import { IdHashSet } from '../../shared/export/id-hash-set.js';
import { pagedRecords } from '../../shared/export/paged-records.js';
import { scanPage } from '../../shared/json/page-scanner.js';

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

describe('idValueOf', () => {
  it.each([
    ['1200150000000022121', '"1200150000000022121"', true],
    ['1', '"1"', true],
    ['"a-b"', '"a\\u002db"', true],
    ['1', '"01"', false],
    ['1', '" 1"', false],
    ['1', '"1.0"', false],
    ['1', '1.0', false],
    ['1', '1e0', false],
    ['1.0', '"1.0"', true],
  ])('%s and %s are one id: %s', (a, b, same) => {
    // Prepare / Act
    const equal = idValueOf(a) === idValueOf(b);
    // Assess
    expect(equal).toBe(same);
  });

  it('reads the same value as the page scanner, so export dedupe and the current state agree', () => {
    // Prepare
    const page = '{"x":[{"id":12},{"id":"12"},{"id":"a\\"b"},{"id":"01"},{"id":-3.5}]}';

    // Act
    const { records } = scanPage(page, 'page', 'x', ['id']);

    // Assess
    for (const record of records ?? [])
      expect(record.fields.get('id')).toBe(idValueOf(rawIdOf(record.json) as string));
  });

  it('dedupes a record seen as 1 and again as "1" in one export, keeping each line as sent', () => {
    // Prepare
    const { records } = scanPage('{"x":[{"id":1,"v":"a"},{"id":"1","v":"b"},{"id":"01"}]}', 'page', 'x', [
      'id',
    ]);
    const seen = new IdHashSet();

    // Act
    const paged = pagedRecords(records ?? [], 'page');
    const kept = paged.filter((record) => seen.add(record.id)).map((record) => record.json);

    // Assess
    expect(kept).toEqual(['{"id":1,"v":"a"}', '{"id":"01"}']);
  });

  it('puts both spellings of one id in the same spill partition', () => {
    // Prepare / Act / Assess
    for (const id of ['1', '77', '1200150000000022121'])
      expect(partitionOf(idValueOf(id), 64)).toBe(partitionOf(idValueOf(`"${id}"`), 64));
  });
});
