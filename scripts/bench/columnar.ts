import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { publishCurrentState } from '../../shared/current-state/publish-current-state.js';
import { currentFolder } from '../../shared/layout/index.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { writeRun } from './current-state.js';

/**
 * The columnar benefit on one current state of `rows` Cliniko-sized patients: the bytes a one-column query
 * must read from the Parquet copy (that column's chunks, compressed, as DuckDB's `parquet_metadata` lists them,
 * plus each file's footer) against the NDJSON.gz files it must read whole for the same query (gzip cannot be
 * skipped into). DuckDB's profiler byte counter was tried and left out: it counts neither reader reliably (a
 * few KB for a Parquet column of 20k distinct values, 10 bytes for NDJSON). Target (issue 20): ratio <= 0.2.
 */
/** A Parquet file's footer (metadata, its length and the magic): what a reader fetches before any column. */
async function footerBytes(path: string): Promise<number> {
  const bytes = await readFile(path);
  return bytes.readUInt32LE(bytes.length - 8) + 8;
}

export async function benchColumnar(rows: number) {
  const root = await mkdtemp(join(tmpdir(), 'bench-columnar-'));
  try {
    const sink = new LocalSink(root);
    await writeRun(
      sink,
      'full',
      Array.from({ length: rows }, (_, index) => index),
      0,
      new Date(Date.now() - 60_000),
    );
    const published = await publishCurrentState({
      sink,
      source: 'cliniko',
      resource: 'patients',
      compress: true,
      maxPartBytes: 256 * 1024 * 1024,
      tempDir: root,
    });
    const manifest = published?.manifest;
    if (!manifest?.parquet) throw new Error('no Parquet copy published');
    const folder = join(root, currentFolder('cliniko', 'patients'));
    const list = (files: { path: string }[]) =>
      `[${files.map((f) => `'${join(folder, f.path)}'`).join(', ')}]`;
    const ndjsonBytes = (await Promise.all(manifest.files.map((f) => stat(join(folder, f.path))))).reduce(
      (sum, s) => sum + s.size,
      0,
    );
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const timed = async (sql: string) => {
      const started = performance.now();
      await duck.runAndReadAll(sql);
      return Math.round(performance.now() - started) / 1000;
    };
    const chunks = await duck.runAndReadAll(
      `SELECT sum(total_compressed_size)::BIGINT AS bytes FROM parquet_metadata(${list(manifest.parquet)}) ` +
        `WHERE path_in_schema = 'email'`,
    );
    const footers = await Promise.all(manifest.parquet.map((f) => footerBytes(join(folder, f.path))));
    const parquet = {
      bytesRead: Number(chunks.getRowObjectsJson()[0]?.bytes) + footers.reduce((sum, n) => sum + n, 0),
      seconds: await timed(`SELECT max(email) FROM read_parquet(${list(manifest.parquet)})`),
    };
    const ndjson = {
      seconds: await timed(`SELECT max(email) FROM read_ndjson_auto(${list(manifest.files)})`),
    };
    duck.closeSync();
    const ratio = Math.round((parquet.bytesRead / ndjsonBytes) * 1000) / 1000;
    return {
      rows,
      query: 'SELECT max(email)',
      parquet: { ...parquet, storedBytes: manifest.parquet.reduce((sum, f) => sum + f.bytes, 0) },
      ndjsonGz: { bytesRead: ndjsonBytes, seconds: ndjson.seconds },
      parquetVsNdjsonBytesRatio: ratio,
      target: 'bytes read over Parquet / over NDJSON.gz <= 0.2',
      met: ratio <= 0.2,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
