import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { isLosslessNumber, parse } from 'lossless-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletedRun } from '../../shared/current-state/pending-runs.js';
import { publishCurrentState } from '../../shared/current-state/publish-current-state.js';
import { type RecordSchema, recordSchemaSchema } from '../../shared/current-state/record-schema.js';
import { partitionOf } from '../../shared/current-state/spill-partitions.js';
import { parquetFieldsOf } from '../../shared/current-state/table-columns.js';
import { currentSchemaKey, manifestKey, runFolder } from '../../shared/layout/index.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import type { Manifest } from '../../shared/output/manifest.js';
import { NdjsonPartWriter } from '../../shared/output/ndjson-part-writer.js';
import { readCurrent } from './read-current.js';

const SOURCE = 'test';
const RESOURCE = 'things';

let root: string;
let sink: LocalSink;
let duck: DuckDBConnection;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'columnar-'));
  sink = new LocalSink(join(root, 'out'));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});

afterAll(async () => {
  duck?.closeSync();
  await rm(root, { recursive: true, force: true });
});

/** Stores a completed full run of `lines` as the exporter would, and publishes the current state from it. */
async function publishRun(runId: string, startedAt: string, lines: string[]) {
  const folder = runFolder(SOURCE, RESOURCE, startedAt, runId);
  const writer = new NdjsonPartWriter({ sink, folder, compress: true, maxPartBytes: 4096 });
  await writer.writeLines(lines);
  const files = await writer.close();
  const manifest: Manifest = {
    source: SOURCE,
    resource: RESOURCE,
    runId,
    mode: 'full',
    startedAt,
    finishedAt: startedAt,
    recordCount: lines.length,
    watermark: startedAt,
    files,
  };
  await sink.putText(manifestKey(folder), JSON.stringify(manifest));
  const completed: CompletedRun = { folder, manifest };
  const published = await publishCurrentState({
    sink,
    source: SOURCE,
    resource: RESOURCE,
    compress: true,
    maxPartBytes: 4096,
    tempDir: root,
    completed,
    now: () => new Date(Date.parse(startedAt) + 60_000),
  });
  if (!published) throw new Error('nothing published');
  return published;
}

/** Each Parquet column as text DuckDB renders exactly: ids as digits, timestamps as epoch microseconds. */
function selectList(schema: RecordSchema): string {
  return parquetFieldsOf(schema)
    .map((field) => {
      const column = `"${field.column}"`;
      if (field.columnType === 'timestamp') return `epoch_us(${column})::VARCHAR AS ${column}`;
      if (field.columnType === 'double' || field.columnType === 'boolean') return column;
      return `${column}::VARCHAR AS ${column}`;
    })
    .join(', ');
}

async function parquetRows(files: string[], schema: RecordSchema): Promise<Record<string, unknown>[]> {
  const list = files.map((file) => `'${join(sink.location, SOURCE, RESOURCE, 'current', file)}'`).join(', ');
  const reader = await duck.runAndReadAll(`SELECT ${selectList(schema)} FROM read_parquet([${list}])`);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** What a column must hold for one record, computed from its NDJSON text independently of the writer. */
function expected(line: string, schema: RecordSchema): Record<string, unknown> {
  const record = parse(line) as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const field of parquetFieldsOf(schema)) {
    const value = record[field.key];
    row[field.column] =
      value === null || value === undefined ? null : cell(line, field.key, field.columnType, value);
  }
  return row;
}

function cell(
  line: string,
  key: string,
  type: RecordSchema['fields'][number]['columnType'],
  value: unknown,
): unknown {
  if (type === 'timestamp') {
    const text = value as string;
    const fraction = /\.(\d+)/.exec(text)?.[1] ?? '';
    return (
      BigInt(Math.floor(Date.parse(text) / 1000)) * 1_000_000n +
      BigInt(fraction.padEnd(6, '0'))
    ).toString();
  }
  if (type === 'double') return Number(String(value));
  if (type === 'boolean') return value;
  if (typeof value === 'string') return value;
  if (isLosslessNumber(value) || typeof value === 'boolean') return String(value);
  return rawMember(line, key);
}

/** A nested member's JSON text exactly as the record holds it (the test records are compact). */
function rawMember(line: string, key: string): string {
  const start = line.indexOf(`${JSON.stringify(key)}:`) + JSON.stringify(key).length + 1;
  let depth = 0;
  for (let at = start; ; at += 1) {
    const c = line[at];
    if (c === '{' || c === '[') depth += 1;
    if (c === '}' || c === ']') depth -= 1;
    if (depth === 0) return line.slice(start, at + 1);
  }
}

function record(index: number): string {
  const id = (2n ** 62n + BigInt(index) * 7919n).toString(); // beyond 2^53: a float would change it
  const at = `2026-11-${String((index % 28) + 1).padStart(2, '0')}T0${index % 10}:15:30.${String(index).padStart(6, '0').slice(-6)}+10:00`;
  const note = index % 5 === 0 ? null : JSON.stringify(`note ${index} "quoted" \u00e9\u2603\n`);
  const missing = index % 3 === 0 ? '' : `,"archivedAt":${index % 2 ? '"2026-01-01T00:00:00Z"' : 'null'}`;
  return (
    `{"id":${id},"firstName":"Pat ${index}","createdAt":"${at}","born":"19${String((index % 90) + 10)}-0${(index % 9) + 1}-15",` +
    `"balance":${index % 4 ? `${index}.25` : index},"vip":${index % 2 === 0},"notes":${note},` +
    `"phones":[{"type":"Mobile","number":"0400 ${index}"}],"links":{"self":"https://x/${id}"},"deletedAt":null${missing}}`
  );
}

describe('the Parquet copy of the current state', () => {
  it('holds every NDJSON record, value for value, with typed columns', async () => {
    const lines = Array.from({ length: 300 }, (_, index) => record(index));
    const published = await publishRun('20261201T000000Z-000001', '2026-12-01T00:00:00.000Z', lines);
    const { manifest, records } = await readCurrent(sink, SOURCE, RESOURCE);
    const schema = recordSchemaSchema.parse(
      JSON.parse((await sink.getText(currentSchemaKey(SOURCE, RESOURCE))) ?? ''),
    );
    expect(schema).toEqual(published.schema);
    const types = Object.fromEntries(schema.fields.map((field) => [field.column, field.columnType]));
    expect(types).toEqual({
      id: 'bigint',
      first_name: 'string',
      created_at: 'timestamp',
      born: 'date',
      balance: 'double',
      vip: 'boolean',
      notes: 'string',
      phones: 'string',
      links: 'string',
      archived_at: 'timestamp',
      deleted_at: 'string',
    });
    // A field null in every record has no Parquet column (it reads as null; its type is unknown).
    expect(parquetFieldsOf(schema).map((field) => field.column)).not.toContain('deleted_at');
    expect(manifest.parquet?.length).toBeGreaterThan(0);
    const rows = await parquetRows(manifest.parquet?.map((file) => file.path) ?? [], schema);
    expect(rows).toHaveLength(records.size);
    const byId = new Map(rows.map((row) => [row.id as string, row]));
    for (const [id, line] of records) expect(byId.get(id), `id ${id}`).toEqual(expected(line, schema));
  });

  it('follows the data: a new field and a widened type show in _schema.json and the Parquet columns', async () => {
    const lines = Array.from({ length: 50 }, (_, index) =>
      record(index).replace(/"vip":(true|false)/, `"vip":"maybe","newField":${index}`),
    );
    const published = await publishRun('20261202T000000Z-000002', '2026-12-02T00:00:00.000Z', lines);
    expect(published.schema.changes).toMatchObject({
      since: '20261201T000000Z-000001',
      added: ['newField'],
      removed: [],
      widened: [{ key: 'vip', fromColumnType: 'boolean', toColumnType: 'string' }],
    });
    const { manifest, records } = await readCurrent(sink, SOURCE, RESOURCE);
    const rows = await parquetRows(manifest.parquet?.map((file) => file.path) ?? [], published.schema);
    const byId = new Map(rows.map((row) => [row.id as string, row]));
    for (const [id, line] of records) expect(byId.get(id)).toEqual(expected(line, published.schema));
    expect(byId.get([...records.keys()][0] as string)?.new_field).toMatch(/^\d+$/);
  });

  it('rewrites the Parquet copy when a record past the first partition does not fit the types seen so far', async () => {
    // 5,000 records spill into two partitions; the odd records lie in the second one, read after the types
    // were taken from the first.
    const ids = Array.from({ length: 5000 }, (_, index) => String(10n ** 18n + BigInt(index)));
    const late = ids.filter((id) => partitionOf(id, 2) === 1).slice(0, 2);
    const lines = ids.map((id) => {
      if (id === late[0]) return `{"id":${id},"score":"n/a","rare":{"x":[1,2]}}`;
      if (id === late[1]) return `{"id":${id},"score":2.5}`;
      return `{"id":${id},"score":${Number(id.slice(-3))}}`;
    });
    const published = await publishRun('20261203T000000Z-000003', '2026-12-03T00:00:00.000Z', lines);
    const byKey = new Map(published.schema.fields.map((field) => [field.key, field]));
    expect(byKey.get('score')?.columnType).toBe('string');
    expect(byKey.get('rare')).toMatchObject({ columnType: 'string', present: 1 });
    const { manifest, records } = await readCurrent(sink, SOURCE, RESOURCE);
    const rows = await parquetRows(manifest.parquet?.map((file) => file.path) ?? [], published.schema);
    expect(rows).toHaveLength(5000);
    const byId = new Map(rows.map((row) => [row.id as string, row]));
    for (const [id, line] of records) expect(byId.get(id)).toEqual(expected(line, published.schema));
    expect(byId.get(late[0] as string)).toMatchObject({ score: 'n/a', rare: '{"x":[1,2]}' });
    // Only the files the manifest lists are left in the version folder.
    const listed = await sink.list(`${SOURCE}/${RESOURCE}/current/v=20261203T000000Z-000003`);
    expect(listed.filter((key) => key.endsWith('.parquet')).map((key) => `v=${key.split('/v=')[1]}`)).toEqual(
      manifest.parquet?.map((file) => file.path),
    );
  });
});
