import { describe, expect, it } from 'vitest';
import { nameNewKeys, snakeCase } from '../../shared/current-state/column-names.js';
import {
  dateDays,
  timestampMicros,
  type ValueKind,
  visitFields,
} from '../../shared/current-state/record-fields.js';
import { resolveSchema, SchemaCollector } from '../../shared/current-state/schema-collector.js';

const OF = { source: 'test', resource: 'things', runId: 'r1', recordCount: 0 };

function schemaOf(lines: string[], previous?: ReturnType<typeof resolveSchema>, runId = 'r1') {
  const collector = new SchemaCollector();
  for (const line of lines) collector.add(line, 'test');
  return resolveSchema({ ...OF, runId, recordCount: collector.records }, collector.observed(), previous);
}

describe('top-level fields', () => {
  it('classifies every value without building the record', () => {
    const seen: [string, ValueKind, string][] = [];
    const line =
      '{"id":9007199254740993,"big":99999999999999999999,"n":-1.5e3,"ok":true,"no":null,"s":"a\\"b",' +
      '"d":"2026-02-28","t":"2026-12-01T10:00:00.123456+10:00","bad":"2026-02-30","o":{"a":[1]},"a":[]}';
    visitFields(line, 'test', (key, kind, start, end) => seen.push([key, kind, line.slice(start, end)]));
    expect(seen.map(([key, kind]) => `${key}:${kind}`)).toEqual([
      'id:int64',
      'big:bigint',
      'n:double',
      'ok:boolean',
      'no:null',
      's:string',
      'd:date',
      't:timestamp',
      'bad:string',
      'o:object',
      'a:array',
    ]);
    expect(seen[0]?.[2]).toBe('9007199254740993');
  });

  it('fails on text that is not one JSON object, naming where', () => {
    expect(() => visitFields('[1]', 'file.ndjson:3', () => undefined)).toThrow(/file\.ndjson:3/);
    expect(() => visitFields('{"a":1} x', 'here', () => undefined)).toThrow(/here/);
  });

  it('converts ISO timestamps to UTC microseconds and dates to days', () => {
    expect(timestampMicros('1970-01-01T00:00:00Z')).toBe(0);
    expect(timestampMicros('2026-12-01T10:00:00.000001+10:00')).toBe(Date.UTC(2026, 11, 1, 0) * 1000 + 1);
    expect(timestampMicros('2026-12-01T10:00Z')).toBe(Date.UTC(2026, 11, 1, 10) * 1000);
    expect(timestampMicros('2026-12-01T10:00:00')).toBeUndefined(); // no zone: stays text
    expect(timestampMicros('2026-12-01T10:00:00.1234567Z')).toBeUndefined(); // beyond microseconds
    expect(dateDays('1970-01-02')).toBe(1);
    expect(dateDays('2026-13-01')).toBeUndefined();
  });
});

describe('column names', () => {
  it('are snake_case as dlt names them', () => {
    expect(snakeCase('updatedAt')).toBe('updated_at');
    expect(snakeCase('HTTPCode')).toBe('http_code');
    expect(snakeCase('_pulledAt')).toBe('_pulled_at');
    expect(snakeCase('2fa enabled')).toBe('_2fa_enabled');
    expect(snakeCase('weird-key!')).toBe('weird_keyx');
  });

  it('resolve collisions deterministically and never take a partition name', () => {
    const named = [
      { key: 'dt', column: 'dt_2', wanted: 'dt' },
      { key: 'first_name', column: 'first_name' },
      { key: 'firstName', column: 'first_name_2', wanted: 'first_name' },
    ];
    expect(nameNewKeys(['firstName', 'first_name', 'dt'], [])).toEqual(named);
    expect(nameNewKeys(['dt', 'first_name', 'firstName'], [])).toEqual(named);
    // Names taken by earlier versions stay theirs.
    expect(nameNewKeys(['firstName'], ['first_name'])).toEqual([named[2]]);
  });
});

describe('schema discovery', () => {
  it('records every field, its JSON types, formats and column type', () => {
    const schema = schemaOf([
      '{"id":1,"firstName":"A","createdAt":"2026-01-01T00:00:00Z","born":"1990-05-01","score":1,"tags":["x"]}',
      '{"id":2,"firstName":null,"createdAt":"2026-01-02T00:00:00.5Z","score":2.5,"meta":{"a":1},"vip":false}',
    ]);
    const byKey = new Map(schema.fields.map((field) => [field.key, field]));
    expect(byKey.get('id')).toMatchObject({
      column: 'id',
      types: ['integer'],
      columnType: 'bigint',
      present: 2,
    });
    expect(byKey.get('firstName')).toMatchObject({
      column: 'first_name',
      types: ['null', 'string'],
      nulls: 1,
    });
    expect(byKey.get('createdAt')).toMatchObject({
      column: 'created_at',
      format: 'date-time',
      columnType: 'timestamp',
    });
    expect(byKey.get('born')).toMatchObject({ format: 'date', columnType: 'date', present: 1 });
    expect(byKey.get('score')).toMatchObject({ types: ['integer', 'number'], columnType: 'double' });
    expect(byKey.get('tags')).toMatchObject({ types: ['array'], columnType: 'string' });
    expect(byKey.get('meta')).toMatchObject({ types: ['object'], columnType: 'string' });
    expect(byKey.get('vip')).toMatchObject({ types: ['boolean'], columnType: 'boolean' });
    expect(schema.changes).toEqual({ added: [...byKey.keys()], removed: [], widened: [] });
  });

  it('reports drift: a field added, a type widened, a field removed; names and types stay stable', () => {
    const first = schemaOf(['{"id":1,"count":3,"gone":"x","at":"2026-01-01T00:00:00Z"}']);
    const second = schemaOf(['{"id":1,"count":3.5,"at":"soon","extra":true,"Count":1}'], first, 'r2');
    expect(second.changes).toEqual({
      since: 'r1',
      added: ['extra', 'Count'],
      removed: ['gone'],
      widened: [
        {
          key: 'count',
          column: 'count',
          fromTypes: ['integer'],
          toTypes: ['number'],
          fromColumnType: 'bigint',
          toColumnType: 'double',
        },
        {
          key: 'at',
          column: 'at',
          fromTypes: ['string'],
          toTypes: ['string'],
          fromColumnType: 'timestamp',
          toColumnType: 'string',
        },
      ],
    });
    expect(second.retired.map((field) => field.key)).toEqual(['gone']);
    expect(second.collisions).toEqual([{ key: 'Count', column: 'count_2', wanted: 'count' }]);
    // A later version with only integers keeps the column a double: tables never narrow.
    const third = schemaOf(['{"id":1,"count":4,"extra":false,"Count":2,"gone":"back"}'], second, 'r3');
    expect(third.fields.find((field) => field.key === 'count')?.columnType).toBe('double');
    expect(third.fields.find((field) => field.key === 'gone')?.column).toBe('gone');
    expect(third.changes).toMatchObject({ added: ['gone'], removed: ['at'], widened: [] });
  });
});
