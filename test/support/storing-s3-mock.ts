import { Readable } from 'node:stream';
import type { S3ClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-s3';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { AwsStub } from 'aws-sdk-client-mock';

/**
 * Makes a mocked S3 client keep what is put (single-request uploads) and answer gets and listings from it,
 * so code that reads back what it wrote (the current-state step) runs against the mock.
 */
export function keepPutObjects(
  s3: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>,
): Map<string, Buffer> {
  const stored = new Map<string, Buffer>();
  s3.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: string | Uint8Array }) => {
    stored.set(input.Key, Buffer.from(input.Body));
    return { ETag: '"e"' };
  });
  s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
    const body = stored.get(input.Key);
    if (!body) throw new NoSuchKey({ message: 'missing', $metadata: { httpStatusCode: 404 } });
    return {
      Body: Object.assign(Readable.from([body]), { transformToString: async () => body.toString('utf8') }),
    };
  });
  s3.on(ListObjectsV2Command).callsFake(async (input: { Prefix?: string }) => ({
    Contents: [...stored.keys()].filter((key) => key.startsWith(input.Prefix ?? '')).map((Key) => ({ Key })),
  }));
  s3.on(DeleteObjectCommand).callsFake(async (input: { Key: string }) => {
    stored.delete(input.Key);
    return {};
  });
  return stored;
}
