import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalS3, startLocalS3 } from '../../scripts/local/local-s3.js';
import { SinkError } from '../../shared/errors.js';
import { exportResource } from '../../shared/export/export-resource.js';
import type { Page, ResourcePager } from '../../shared/export/pager.js';
import { manifestSchema } from '../../shared/output/manifest.js';
import { NdjsonPartWriter } from '../../shared/output/ndjson-part-writer.js';
import { S3Sink } from '../../shared/output/s3-sink.js';

const BUCKET = 'test-bucket';
const MIB = 1024 * 1024;

let s3: LocalS3;
let client: S3Client;
/** S3 calls made through `client` whose answer (success or error) has arrived, in order of arrival. */
let sent: Array<{ command: string; ok: boolean }> = [];

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
  client = s3.client;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        const result = await next(args);
        sent.push({ command: String(context.commandName), ok: true });
        return result;
      } catch (error) {
        sent.push({ command: String(context.commandName), ok: false });
        throw error;
      }
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});

afterAll(async () => {
  await s3?.stop();
});

beforeEach(() => {
  sent = [];
});

function uniquePrefix(): string {
  return `it-${randomBytes(4).toString('hex')}`;
}

/** Records whose text barely compresses, so the gzip output really spans several 5 MiB upload parts. */
function noisyLines(count: number, bytesPerRecord: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    JSON.stringify({ id: index + 1, noise: randomBytes(bytesPerRecord).toString('base64') }),
  );
}

async function getBytes(key: string): Promise<Buffer> {
  const result = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from((await result.Body?.transformToByteArray()) ?? []);
}

async function keysUnder(prefix: string): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (page.Contents ?? []).map((item) => item.Key ?? '');
}

describe('S3Sink against s3rver', () => {
  it('streams a gzip NDJSON file of several multipart parts and reads back identical records', async () => {
    // Prepare
    const prefix = uniquePrefix();
    const sink = new S3Sink({ client, bucket: BUCKET, prefix, partSizeBytes: 5 * MIB });
    const writer = new NdjsonPartWriter({ sink, folder: 'run', compress: true, maxPartBytes: 256 * MIB });
    const lines = noisyLines(1200, 9000);

    // Act
    for (let start = 0; start < lines.length; start += 100) {
      await writer.writeLines(lines.slice(start, start + 100));
    }
    const files = await writer.close();

    // Assess
    expect(files).toHaveLength(1);
    const entry = files[0];
    const stored = await getBytes(`${prefix}/run/${entry?.path}`);
    expect(stored.length).toBe(entry?.bytes);
    expect(stored.length).toBeGreaterThan(10 * MIB);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(entry?.sha256);
    expect(gunzipSync(stored).toString('utf8')).toBe(`${lines.join('\n')}\n`);
    const commands = sent.map((call) => call.command);
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands.filter((name) => name === 'UploadPartCommand').length).toBeGreaterThanOrEqual(3);
    expect(commands).toContain('CompleteMultipartUploadCommand');
  });

  it('leaves no object behind and has asked S3 to drop the parts by the time abort resolves', async () => {
    // Prepare
    const prefix = uniquePrefix();
    const sink = new S3Sink({ client, bucket: BUCKET, prefix, partSizeBytes: 5 * MIB });
    const upload = sink.openUpload('run/part-00000.ndjson.gz', 'application/gzip');
    const chunk = randomBytes(MIB);
    for (let index = 0; index < 11; index += 1) await upload.write(chunk);

    // Act
    await upload.abort();
    const answeredBeforeAbortResolved = sent.map((call) => call.command);

    // Assess
    // s3rver implements neither ListMultipartUploads nor AbortMultipartUpload (it answers 405), so the
    // strongest evidence available is that the abort request was answered before abort() resolved: a Lambda
    // that returns right after abort() must not leave the parts behind.
    expect(answeredBeforeAbortResolved).toContain('CreateMultipartUploadCommand');
    expect(answeredBeforeAbortResolved).toContain('AbortMultipartUploadCommand');
    expect(answeredBeforeAbortResolved).not.toContain('CompleteMultipartUploadCommand');
    expect(await keysUnder(`${prefix}/`)).toEqual([]);
    expect(await sink.getText('run/part-00000.ndjson.gz')).toBeUndefined();
  });

  it('writes, reads, lists and deletes small text objects under the prefix', async () => {
    // Prepare
    const prefix = uniquePrefix();
    const sink = new S3Sink({ client, bucket: BUCKET, prefix });

    // Act
    await sink.putText('a/one.json', '{"n":1}\n');
    await sink.putText('a/two.json', '{"n":2}\n');
    await sink.putText('b/three.json', '{"n":3}\n');
    const read = await sink.getText('a/one.json');
    const missing = await sink.getText('a/missing.json');
    const listed = await sink.list('a');
    await sink.delete('a/one.json');
    const afterDelete = await sink.list('');

    // Assess
    expect(read).toBe('{"n":1}\n');
    expect(missing).toBeUndefined();
    expect(listed).toEqual(['a/one.json', 'a/two.json']);
    expect(afterDelete).toEqual(['a/two.json', 'b/three.json']);
  });

  it('reports a missing bucket as a one-line SinkError from every operation', async () => {
    // Prepare
    const sink = new S3Sink({ client, bucket: 'no-such-bucket', prefix: 'p' });
    const upload = sink.openUpload('part.ndjson', 'application/x-ndjson');

    // Act
    const outcomes = await Promise.allSettled([
      sink.putText('a.json', '{}'),
      sink.getText('a.json'),
      sink.list(''),
      (async () => {
        await upload.write(Buffer.from('{"id":1}\n'));
        await upload.finish();
      })(),
    ]);

    // Assess
    expect(
      outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.reason.message : 'ok')),
    ).toEqual([
      'write to s3://no-such-bucket/p/a.json failed: NoSuchBucket',
      'read of s3://no-such-bucket/p/a.json failed: NoSuchBucket',
      'listing of s3://no-such-bucket/p failed: NoSuchBucket',
      'upload to s3://no-such-bucket/p/part.ndjson failed: NoSuchBucket',
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status === 'rejected' && outcome.reason).toBeInstanceOf(SinkError);
    }
  });

  it('runs a whole export into S3 with the manifest describing the stored part', async () => {
    // Prepare
    const prefix = uniquePrefix();
    const sink = new S3Sink({ client, bucket: BUCKET, prefix });
    const values = Array.from({ length: 250 }, (_, index) => ({ id: String(index + 1), name: `n${index}` }));
    const pager: ResourcePager = {
      yieldsEachOnce: true,
      pausable: true,
      supportsIncremental: true,
      async *pages(): AsyncIterable<Page> {
        for (let start = 0; start < values.length; start += 100) {
          const slice = values.slice(start, start + 100);
          yield {
            records: slice.map((value) => ({ id: value.id, json: JSON.stringify(value) })),
            cursor: slice.at(-1)?.id,
          };
        }
      },
    };

    // Act
    const outcome = await exportResource({
      source: 'cliniko',
      resource: 'patients',
      pager,
      sink,
      mode: 'full',
      overlapMs: 0,
      compress: true,
      maxPartBytes: 64 * MIB,
      now: () => new Date('2026-01-02T03:04:05.000Z'),
    });

    // Assess
    if (!outcome.done) throw new Error('expected the export to finish');
    const manifest = manifestSchema.parse(JSON.parse((await sink.getText(outcome.manifestKey)) ?? ''));
    expect(manifest.recordCount).toBe(250);
    const folder = outcome.manifestKey.replace(/\/_manifest\.json$/, '');
    const part = await getBytes(`${prefix}/${folder}/${manifest.files[0]?.path}`);
    expect(createHash('sha256').update(part).digest('hex')).toBe(manifest.files[0]?.sha256);
    const lines = gunzipSync(part).toString('utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(values);
    expect(await sink.getText('_state/cliniko/patients.json')).toContain(manifest.runId);
  });
});
