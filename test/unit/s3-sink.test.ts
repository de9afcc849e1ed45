import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SinkError } from '../../shared/errors.js';
import { S3Sink } from '../../shared/output/s3-sink.js';

const s3 = mockClient(S3Client);
const MIB = 1024 * 1024;

function sink(options: { prefix?: string; kmsKeyId?: string; partSizeBytes?: number } = {}): S3Sink {
  return new S3Sink({ client: new S3Client({ region: 'us-east-1' }), bucket: 'out-bucket', ...options });
}

function serviceError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

/** The part of the SDK's streaming body that getText uses. */
function body(text: string) {
  return { transformToString: async () => text } as never;
}

beforeEach(() => {
  s3.reset();
});

describe('S3Sink small objects', () => {
  it('puts text under the prefix with the content type and the KMS key', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});

    // Act
    await sink({ prefix: 'snapshots/account=main/', kmsKeyId: 'alias/export' }).putText('a/b.json', '{}');

    // Assess
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'out-bucket',
      Key: 'snapshots/account=main/a/b.json',
      Body: '{}',
      ContentType: 'application/json',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'alias/export',
    });
  });

  it('reads text back and answers undefined for a missing key', async () => {
    // Prepare
    s3.on(GetObjectCommand, { Key: 'p/there.json' }).resolves({ Body: body('{"n":1}') });
    s3.on(GetObjectCommand, { Key: 'p/missing.json' }).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }),
    );

    // Act
    const there = await sink({ prefix: 'p' }).getText('there.json');
    const missing = await sink({ prefix: 'p' }).getText('missing.json');

    // Assess
    expect(there).toBe('{"n":1}');
    expect(missing).toBeUndefined();
  });

  it('tells a missing key from a denied one when the role may list only its own prefix', async () => {
    // Prepare: S3 answers 403 for a missing key to a caller without a bucket-wide ListBucket.
    s3.on(GetObjectCommand).rejects(serviceError('AccessDenied', 403));
    s3.on(ListObjectsV2Command, { Prefix: 'p/missing.json' }).resolves({ Contents: [] });
    s3.on(ListObjectsV2Command, { Prefix: 'p/locked.json' }).resolves({
      Contents: [{ Key: 'p/locked.json' }],
    });

    // Act
    const missing = await sink({ prefix: 'p' }).getText('missing.json');
    const locked = sink({ prefix: 'p' }).getText('locked.json');

    // Assess
    expect(missing).toBeUndefined();
    await expect(locked).rejects.toThrow(SinkError);
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toMatchObject({ MaxKeys: 1 });
  });

  it('names the S3 cause when the SDK could only call it Error (a 403 without a body)', async () => {
    // Prepare: what a refused HEAD-like answer gives: no code in the body, only the status.
    s3.on(GetObjectCommand).rejects(serviceError('Error', 403));
    s3.on(ListObjectsV2Command).rejects(serviceError('Error', 403));
    s3.on(PutObjectCommand).rejects(serviceError('NoSuchBucket', 404));

    // Act
    const read = await sink({ prefix: 'p' })
      .getText('_state/x.json')
      .catch((error: Error) => error);
    const write = await sink({ prefix: 'p' })
      .putText('a.json', '{}')
      .catch((error: Error) => error);

    // Assess
    expect((read as Error).message).toBe('read of s3://out-bucket/p/_state/x.json failed: AccessDenied');
    expect((write as Error).message).toBe('write to s3://out-bucket/p/a.json failed: NoSuchBucket');
  });

  it('writes only when absent: If-None-Match on the wire, false on 412', async () => {
    // Prepare
    s3.on(PutObjectCommand, { Key: 'new.json' }).resolves({});
    s3.on(PutObjectCommand, { Key: 'taken.json' }).rejects(serviceError('PreconditionFailed', 412));

    // Act
    const created = await sink().putTextIfAbsent('new.json', '1');
    const refused = await sink().putTextIfAbsent('taken.json', '2');

    // Assess
    expect(created).toBe(true);
    expect(refused).toBe(false);
    expect(s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.IfNoneMatch)).toEqual([
      '*',
      '*',
    ]);
  });

  it('lists every page under the prefix, relative to the sink and sorted', async () => {
    // Prepare
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
      Contents: [{ Key: 'root/cliniko/b.json' }, { Key: 'root/cliniko/a.json' }],
      IsTruncated: true,
      NextContinuationToken: 'page-2',
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 'page-2' }).resolves({
      Contents: [{ Key: 'root/cliniko/c/d.json' }],
      IsTruncated: false,
    });

    // Act
    const keys = await sink({ prefix: 'root' }).list('cliniko');

    // Assess
    expect(keys).toEqual(['cliniko/a.json', 'cliniko/b.json', 'cliniko/c/d.json']);
    expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'out-bucket', Prefix: 'root/cliniko/', ContinuationToken: undefined },
      { Bucket: 'out-bucket', Prefix: 'root/cliniko/', ContinuationToken: 'page-2' },
    ]);
  });

  it('deletes under the prefix', async () => {
    // Prepare
    s3.on(DeleteObjectCommand).resolves({});

    // Act
    await sink({ prefix: 'root' }).delete('x/y.json');

    // Assess
    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'out-bucket',
      Key: 'root/x/y.json',
    });
  });

  it('reports every S3 failure as a one-line SinkError naming the object and the error code', async () => {
    // Prepare
    const denied = serviceError('AccessDenied', 403);
    s3.on(PutObjectCommand).rejects(denied);
    s3.on(GetObjectCommand).rejects(denied);
    s3.on(ListObjectsV2Command).rejects(denied);
    s3.on(DeleteObjectCommand).rejects(denied);
    const target = sink({ prefix: 'root' });

    // Act
    const outcomes = await Promise.allSettled([
      target.putText('a.json', '{}'),
      target.putTextIfAbsent('b.json', '{}'),
      target.getText('c.json'),
      target.list('d'),
      target.delete('e.json'),
    ]);

    // Assess
    const reasons = outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.reason : undefined));
    for (const reason of reasons) {
      expect(reason).toBeInstanceOf(SinkError);
      expect((reason as SinkError).cause).toBe(denied);
    }
    expect(reasons.map((reason) => (reason as Error).message)).toEqual([
      'write to s3://out-bucket/root/a.json failed: AccessDenied',
      'write to s3://out-bucket/root/b.json failed: AccessDenied',
      'read of s3://out-bucket/root/c.json failed: AccessDenied',
      'listing of s3://out-bucket/root/d failed: AccessDenied',
      'delete of s3://out-bucket/root/e.json failed: AccessDenied',
    ]);
  });
});

describe('S3Sink uploads', () => {
  it('sends a body smaller than one part as a single PutObject', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({ ETag: '"e"' });
    const upload = sink({ prefix: 'root' }).openUpload('run/part-00000.ndjson.gz', 'application/gzip');

    // Act
    await upload.write(Buffer.from('line 1\n'));
    await upload.write(Buffer.from('line 2\n'));
    await upload.finish();

    // Assess
    const calls = s3.commandCalls(PutObjectCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      Bucket: 'out-bucket',
      Key: 'root/run/part-00000.ndjson.gz',
      ContentType: 'application/gzip',
    });
    expect(Buffer.from(calls[0]?.args[0].input.Body as Uint8Array).toString()).toBe('line 1\nline 2\n');
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
  });

  it('streams a body larger than one part through a multipart upload', async () => {
    // Prepare
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
    s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({
      ETag: `"p${input.PartNumber}"`,
    }));
    s3.on(CompleteMultipartUploadCommand).resolves({});
    const upload = sink({ partSizeBytes: 5 * MIB }).openUpload('big.ndjson.gz', 'application/gzip');
    const chunk = Buffer.alloc(MIB, 7);

    // Act
    for (let index = 0; index < 11; index += 1) await upload.write(chunk);
    await upload.finish();

    // Assess
    const parts = s3.commandCalls(UploadPartCommand).map((call) => call.args[0].input);
    expect(parts.map((part) => part.PartNumber).sort()).toEqual([1, 2, 3]);
    expect(parts.every((part) => part.UploadId === 'upload-1' && part.Key === 'big.ndjson.gz')).toBe(true);
    const complete = s3.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input;
    expect(complete?.MultipartUpload?.Parts?.map((part) => part.ETag)).toEqual(['"p1"', '"p2"', '"p3"']);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('surfaces a failed upload as a SinkError from finish', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(serviceError('KMS.DisabledException', 400));
    const upload = sink().openUpload('part.ndjson', 'application/x-ndjson');

    // Act
    await upload.write(Buffer.from('x\n'));
    const act = upload.finish();

    // Assess
    await expect(act).rejects.toThrow(SinkError);
    await expect(act).rejects.toThrow('upload to s3://out-bucket/part.ndjson failed: KMS.DisabledException');
  });

  it('surfaces a failed part upload as a SinkError from write and cleans the upload up', async () => {
    // Prepare
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-2' });
    s3.on(UploadPartCommand).rejects(serviceError('InternalError', 500));
    s3.on(AbortMultipartUploadCommand).resolves({});
    const upload = sink({ partSizeBytes: 5 * MIB }).openUpload('big.ndjson.gz', 'application/gzip');
    const chunk = Buffer.alloc(MIB, 1);

    // Act
    let failure: unknown;
    try {
      for (let index = 0; index < 64; index += 1) await upload.write(chunk);
      await upload.finish();
    } catch (error) {
      failure = error;
    }
    await upload.abort();

    // Assess
    expect(failure).toBeInstanceOf(SinkError);
    expect((failure as Error).message).toBe('upload to s3://out-bucket/big.ndjson.gz failed: InternalError');
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]?.args[0].input).toMatchObject({
      Key: 'big.ndjson.gz',
      UploadId: 'upload-2',
    });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('has the multipart upload aborted by the time abort resolves', async () => {
    // Prepare
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-3' });
    s3.on(UploadPartCommand).resolves({ ETag: '"p"' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    const upload = sink({ partSizeBytes: 5 * MIB }).openUpload('big.ndjson.gz', 'application/gzip');
    const chunk = Buffer.alloc(MIB, 2);
    for (let index = 0; index < 11; index += 1) await upload.write(chunk);

    // Act
    await upload.abort();

    // Assess
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('creates nothing when a small upload is aborted', async () => {
    // Prepare
    const upload = sink().openUpload('small.ndjson', 'application/x-ndjson');
    await upload.write(Buffer.from('partial line'));

    // Act
    await upload.abort();

    // Assess
    expect(s3.calls()).toHaveLength(0);
  });
});
