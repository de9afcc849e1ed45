import { PassThrough } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload as MultipartUpload } from '@aws-sdk/lib-storage';
import { SinkError } from '../errors.js';
import { expiresWithRuns, RUN_EXPIRY_TAG } from '../layout/index.js';
import { joinKey, type Sink, type Upload } from './sink.js';
import { storageCause } from './storage-cause.js';

export interface S3SinkOptions {
  client: S3Client;
  bucket: string;
  prefix?: string;
  /** Multipart part size; S3's minimum is 5 MiB. */
  partSizeBytes?: number;
  /** KMS key for server-side encryption; the bucket default applies when absent. */
  kmsKeyId?: string;
}

/**
 * An S3 prefix. Large files stream through a multipart upload, so memory stays at a few parts whatever the
 * file size; an aborted upload leaves no object behind.
 */
export class S3Sink implements Sink {
  readonly location: string;
  private readonly prefix: string;

  constructor(private readonly options: S3SinkOptions) {
    this.prefix = joinKey(options.prefix ?? '');
    this.location = `s3://${options.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  private key(key: string): string {
    return joinKey(this.prefix, key);
  }

  storageKey(key: string): string {
    return this.key(key);
  }

  /** One-line failure naming the object and the S3 error code (never a body), keeping the SDK error as cause. */
  private sinkError(action: string, key: string, error: unknown): SinkError {
    // The S3 code (AccessDenied, NoSuchBucket), not the SDK's generic `Error` when the body had none.
    const code = storageCause(error);
    return new SinkError(`${action} s3://${this.options.bucket}/${this.key(key)} failed: ${code}`, {
      cause: error,
    });
  }

  /** Run files carry the retention tag in the same request that writes them (no untagged window). */
  private tagging(key: string) {
    return expiresWithRuns(key) ? { Tagging: `${RUN_EXPIRY_TAG.key}=${RUN_EXPIRY_TAG.value}` } : {};
  }

  private encryption() {
    return this.options.kmsKeyId
      ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: this.options.kmsKeyId }
      : {};
  }

  openUpload(key: string, contentType: string): Upload {
    const body = new PassThrough();
    const upload = new MultipartUpload({
      client: this.options.client,
      params: {
        Bucket: this.options.bucket,
        Key: this.key(key),
        Body: body,
        ContentType: contentType,
        ...this.encryption(),
        ...this.tagging(key),
      },
      partSize: this.options.partSizeBytes ?? 5 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const done = upload.done();
    // Surface failures through write/finish; never leave an unhandled rejection behind.
    let failure: unknown;
    done.catch((error) => {
      failure = error;
      body.destroy();
    });
    return {
      write: async (chunk) => {
        if (failure) throw this.sinkError('upload to', key, failure);
        if (!body.write(chunk)) {
          await new Promise<void>((resolve) => {
            const settle = () => {
              body.off('drain', settle);
              body.off('close', settle);
              resolve();
            };
            body.once('drain', settle);
            body.once('close', settle);
          });
        }
        if (failure) throw this.sinkError('upload to', key, failure);
      },
      finish: async () => {
        body.end();
        try {
          await done;
        } catch (error) {
          throw this.sinkError('upload to', key, error);
        }
      },
      abort: async () => {
        // Failing the body (rather than `upload.abort()`, whose promise settles at once while the upload
        // keeps running) makes `done` settle only after lib-storage has sent AbortMultipartUpload, so no
        // parts outlive a Lambda that returns right after this.
        body.destroy(new Error('upload aborted'));
        await done.catch(() => undefined);
      },
    };
  }

  async putText(key: string, text: string, contentType = 'application/json'): Promise<void> {
    try {
      await this.options.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.key(key),
          Body: text,
          ContentType: contentType,
          ...this.encryption(),
          ...this.tagging(key),
        }),
      );
    } catch (error) {
      throw this.sinkError('write to', key, error);
    }
  }

  async putTextIfAbsent(key: string, text: string, contentType = 'application/json'): Promise<boolean> {
    try {
      await this.options.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.key(key),
          Body: text,
          ContentType: contentType,
          IfNoneMatch: '*',
          ...this.encryption(),
          ...this.tagging(key),
        }),
      );
      return true;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || (error as Error).name === 'PreconditionFailed') return false;
      throw this.sinkError('write to', key, error);
    }
  }

  async getText(key: string): Promise<string | undefined> {
    try {
      const result = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }),
      );
      return (await result.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey' || (error as Error).name === 'NotFound') return undefined;
      if (isAccessDenied(error) && !(await this.exists(key).catch(() => true))) return undefined;
      throw this.sinkError('read of', key, error);
    }
  }

  async openRead(key: string): Promise<AsyncIterable<Uint8Array> | undefined> {
    try {
      const result = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }),
      );
      return result.Body as AsyncIterable<Uint8Array> | undefined;
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey' || (error as Error).name === 'NotFound') return undefined;
      if (isAccessDenied(error) && !(await this.exists(key).catch(() => true))) return undefined;
      throw this.sinkError('read of', key, error);
    }
  }

  /**
   * S3 answers a GET of a missing key with 403 instead of 404 unless the caller may list the whole bucket; the
   * functions may list only their own prefixes, so a listing of exactly this key tells "absent" from "denied".
   */
  private async exists(key: string): Promise<boolean> {
    const full = this.key(key);
    const page = await this.options.client.send(
      new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: full, MaxKeys: 1 }),
    );
    return (page.Contents ?? []).some((item) => item.Key === full);
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    const full = this.key(prefix);
    do {
      const page = await this.options.client
        .send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: full ? `${full}/` : undefined,
            ContinuationToken: token,
          }),
        )
        .catch((error: unknown) => {
          throw this.sinkError('listing of', prefix, error);
        });
      for (const item of page.Contents ?? []) {
        if (item.Key) keys.push(this.prefix ? item.Key.slice(this.prefix.length + 1) : item.Key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    try {
      await this.options.client.send(
        new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }),
      );
    } catch (error) {
      throw this.sinkError('delete of', key, error);
    }
  }
}

function isAccessDenied(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 403 || (error as Error).name === 'AccessDenied';
}
