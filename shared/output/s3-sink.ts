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
import { joinKey, type Sink, type Upload } from './sink.js';

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
      },
      partSize: this.options.partSizeBytes ?? 8 * 1024 * 1024,
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
    const where = `s3://${this.options.bucket}/${this.key(key)}`;
    return {
      write: async (chunk) => {
        if (failure) throw new SinkError(`upload to ${where} failed`, { cause: failure });
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
        if (failure) throw new SinkError(`upload to ${where} failed`, { cause: failure });
      },
      finish: async () => {
        body.end();
        try {
          await done;
        } catch (error) {
          throw new SinkError(`upload to ${where} failed`, { cause: error });
        }
      },
      abort: async () => {
        try {
          await upload.abort();
        } catch {
          // Already finished or never started: nothing to clean up.
        }
        body.destroy();
        await done.catch(() => undefined);
      },
    };
  }

  async putText(key: string, text: string, contentType = 'application/json'): Promise<void> {
    await this.options.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.key(key),
        Body: text,
        ContentType: contentType,
        ...this.encryption(),
      }),
    );
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
        }),
      );
      return true;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || (error as Error).name === 'PreconditionFailed') return false;
      throw error;
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
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    const full = this.key(prefix);
    do {
      const page = await this.options.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: full ? `${full}/` : undefined,
          ContinuationToken: token,
        }),
      );
      for (const item of page.Contents ?? []) {
        if (item.Key) keys.push(this.prefix ? item.Key.slice(this.prefix.length + 1) : item.Key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    await this.options.client.send(
      new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }),
    );
  }
}
