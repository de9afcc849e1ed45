import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalSink } from '../../shared/output/local-sink.js';
import { NdjsonPartWriter } from '../../shared/output/ndjson-part-writer.js';
import type { Sink, Upload } from '../../shared/output/sink.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'part-writer-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function lines(count: number, size = 40): string[] {
  return Array.from({ length: count }, (_, index) =>
    JSON.stringify({ id: index + 1, text: randomBytes(size).toString('base64') }),
  );
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('NdjsonPartWriter', () => {
  it('rolls to a new part once a part reaches maxPartBytes and keeps every line in order', async () => {
    // Prepare
    const sink = new LocalSink(root);
    const writer = new NdjsonPartWriter({ sink, folder: 'run', compress: false, maxPartBytes: 1_000 });
    const all = lines(60);

    // Act
    for (let start = 0; start < all.length; start += 5) await writer.writeLines(all.slice(start, start + 5));
    const files = await writer.close();

    // Assess
    expect(files.length).toBeGreaterThan(3);
    expect(files.map((file) => file.path)).toEqual(
      files.map((_, index) => `part-${String(index).padStart(5, '0')}.ndjson`),
    );
    const stored = await Promise.all(files.map((file) => readFile(join(root, 'run', file.path))));
    for (const [index, file] of files.entries()) {
      const bytes = stored[index] as Buffer;
      expect(file.bytes).toBe(bytes.length);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(file.recordCount).toBe(bytes.toString('utf8').trimEnd().split('\n').length);
      // A part closes at the first page boundary at or past the limit, so only the last may be smaller.
      if (index < files.length - 1) expect(file.bytes).toBeGreaterThanOrEqual(1_000);
    }
    expect(Buffer.concat(stored).toString('utf8')).toBe(`${all.join('\n')}\n`);
    expect(files.reduce((sum, file) => sum + file.recordCount, 0)).toBe(60);
  });

  it('gzips parts that round-trip and whose hash covers the compressed bytes', async () => {
    // Prepare
    const sink = new LocalSink(root);
    const writer = new NdjsonPartWriter({ sink, folder: 'run', compress: true, maxPartBytes: 64 * 1024 });
    const all = lines(3_000, 120);

    // Act
    for (let start = 0; start < all.length; start += 100)
      await writer.writeLines(all.slice(start, start + 100));
    const files = await writer.close();

    // Assess
    expect(files.length).toBeGreaterThan(1);
    const texts: string[] = [];
    for (const file of files) {
      expect(file.path).toMatch(/^part-\d{5}\.ndjson\.gz$/);
      const bytes = await readFile(join(root, 'run', file.path));
      expect(file.bytes).toBe(bytes.length);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      const text = gunzipSync(bytes).toString('utf8');
      expect(text.trimEnd().split('\n')).toHaveLength(file.recordCount);
      texts.push(text);
    }
    expect(texts.join('')).toBe(`${all.join('\n')}\n`);
  });

  it('numbers parts from firstPartIndex so a continued run does not overwrite earlier parts', async () => {
    // Prepare
    const sink = new LocalSink(root);
    const writer = new NdjsonPartWriter({
      sink,
      folder: 'run',
      compress: false,
      maxPartBytes: 1_000_000,
      firstPartIndex: 3,
    });

    // Act
    await writer.writeLines(['{"id":1}']);
    const files = await writer.close();

    // Assess
    expect(files.map((file) => file.path)).toEqual(['part-00003.ndjson']);
    expect(writer.nextPartIndex).toBe(4);
  });

  it('writes nothing for no lines', async () => {
    // Prepare
    const writer = new NdjsonPartWriter({
      sink: new LocalSink(root),
      folder: 'run',
      compress: true,
      maxPartBytes: 100,
    });

    // Act
    await writer.writeLines([]);
    const files = await writer.close();

    // Assess
    expect(files).toEqual([]);
    expect(await allFiles(root)).toEqual([]);
  });

  it('leaves no file behind when the open part is aborted', async () => {
    // Prepare
    const writer = new NdjsonPartWriter({
      sink: new LocalSink(root),
      folder: 'run',
      compress: true,
      maxPartBytes: 1_000_000,
    });
    await writer.writeLines(lines(500, 200));

    // Act
    await writer.abort();

    // Assess
    expect(await allFiles(root)).toEqual([]);
  });

  it('surfaces a sink write failure instead of reporting a complete part', async () => {
    // Prepare
    const failing: Upload = {
      write: async () => {
        throw new Error('disk full');
      },
      finish: async () => undefined,
      abort: async () => undefined,
    };
    const sink = { openUpload: () => failing } as unknown as Sink;
    const plain = new NdjsonPartWriter({ sink, folder: 'run', compress: false, maxPartBytes: 10 });
    const gzip = new NdjsonPartWriter({ sink, folder: 'run', compress: true, maxPartBytes: 10 });

    // Act
    const plainWrite = plain.writeLines(['{"id":1}']);
    const gzipRun = (async () => {
      await gzip.writeLines(lines(2_000, 100));
      return gzip.close();
    })();

    // Assess
    await expect(plainWrite).rejects.toThrow('disk full');
    await expect(gzipRun).rejects.toThrow('disk full');
    expect(plain.files).toEqual([]);
    expect(gzip.files).toEqual([]);
  });
});
