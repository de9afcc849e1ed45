import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { notificationJwt } from '../../simulators/welkin-v1/notify.js';

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const secrets = mockClient(SecretsManagerClient);

const SIGNING_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:welkin-v1-webhook-AbCdEf';
const SIGNING_SECRET = 'v1-signing-secret-of-some-length';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111122223333/welkin-v1-events';
const HOST = 'abc123.lambda-url.us-east-1.on.aws';
const NOTIFY_URL = `https://${HOST}/`;

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

function delivery(body: string, authorization: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    rawPath: '/',
    headers: { 'content-type': 'application/json', authorization },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST' }, domainName: HOST },
  } as unknown as APIGatewayProxyEventV2;
}

const NOTICE = JSON.stringify([
  {
    resource: 'patients',
    from: '2026-01-01T00:00:00.000000+00:00',
    to: '2026-01-01T00:05:00.000000+00:00',
    href: 'https://api.welkinhealth.com/v1/patients?page[from]=2026-01-01T00:00:00.000000%2B00:00',
  },
]);

describe('welkin-v1-webhook Lambda handler (built by receiverHandler)', () => {
  const savedEnv = { ...process.env };
  let handler: Handler;

  beforeEach(async () => {
    s3.reset();
    sqs.reset();
    secrets.reset();
    s3.on(PutObjectCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    secrets.on(GetSecretValueCommand, { SecretId: SIGNING_ARN }).resolves({ SecretString: SIGNING_SECRET });
    Object.assign(process.env, {
      OUTPUT_BUCKET: 'out-bucket',
      OUTPUT_PREFIX: 'snapshots',
      WELKIN_V1_WEBHOOK_SECRET_ARN: SIGNING_ARN,
      WELKIN_V1_EVENTS_QUEUE_URL: QUEUE_URL,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    vi.resetModules();
    ({ handler } = (await import('../../functions/welkin-v1-webhook/index.js')) as { handler: Handler });
  });

  afterEach(() => {
    process.env = { ...savedEnv };
  });

  it('stores a notification signed for the Function URL, then queues it', async () => {
    // Prepare
    const token = await notificationJwt(NOTIFY_URL, { clientId: 'clinic-pipe', secret: SIGNING_SECRET });

    // Act
    const response = await handler(delivery(NOTICE, `Bearer ${token}`));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Bucket).toBe('out-bucket');
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe(QUEUE_URL);
  });

  it('refuses a notification signed with another secret: 401, nothing stored or queued', async () => {
    // Prepare
    const forged = await notificationJwt(NOTIFY_URL, { clientId: 'clinic-pipe', secret: 'x'.repeat(32) });

    // Act
    const response = await handler(delivery(NOTICE, `Bearer ${forged}`));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('fails with a ConfigError naming the queue variable when the stack did not set it', async () => {
    // Prepare
    delete process.env.WELKIN_V1_EVENTS_QUEUE_URL;

    // Act
    const failure = await handler(delivery(NOTICE, 'Bearer x')).catch((error: unknown) => error);

    // Assess
    expect((failure as Error).name).toBe('ConfigError');
    expect((failure as Error).message).toContain('WELKIN_V1_EVENTS_QUEUE_URL');
  });
});
