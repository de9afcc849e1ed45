import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INSTANCE, makeNotice, SECRET, TENANT } from './helpers.js';

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const secrets = mockClient(SecretsManagerClient);

const WEBHOOK_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:welkin-webhook-AbCdEf';
const CREDENTIALS_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:welkin-credentials-AbCdEf';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111122223333/welkin-events';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

function event(
  body: string,
  headers: Record<string, string> = { 'x-webhook-secret': SECRET },
  method = 'POST',
) {
  return {
    version: '2.0',
    rawPath: '/',
    headers,
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
    requestContext: { http: { method } },
  } as unknown as APIGatewayProxyEventV2;
}

describe('welkin-webhook Lambda handler', () => {
  const savedEnv = { ...process.env };
  let handler: Handler;
  let logged: string[];

  beforeEach(async () => {
    s3.reset();
    sqs.reset();
    secrets.reset();
    s3.on(PutObjectCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    secrets.on(GetSecretValueCommand, { SecretId: WEBHOOK_ARN }).resolves({ SecretString: SECRET });
    secrets.on(GetSecretValueCommand, { SecretId: CREDENTIALS_ARN }).resolves({
      SecretString: JSON.stringify({
        tenant: TENANT,
        instance: INSTANCE,
        clientName: 'c',
        secret: 'api-secret',
      }),
    });
    Object.assign(process.env, {
      OUTPUT_BUCKET: 'out-bucket',
      OUTPUT_PREFIX: 'snapshots',
      WELKIN_WEBHOOK_SECRET_ARN: WEBHOOK_ARN,
      WELKIN_TENANT: TENANT,
      WELKIN_INSTANCE: INSTANCE,
      WELKIN_EVENTS_QUEUE_URL: QUEUE_URL,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    logged = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        logged.push(String(chunk));
        return true;
      });
    }
    vi.resetModules();
    ({ handler } = (await import('../../functions/welkin-webhook/index.js')) as { handler: Handler });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
    process.env = { ...savedEnv };
  });

  it('stores the base64 body under the output prefix with a create-only put, then queues it', async () => {
    // Prepare
    const notice = makeNotice({ initiatedTime: '2026-04-05T06:07:08Z' });
    // Act
    const result = await handler(event(JSON.stringify(notice)));
    // Assess
    expect(result.statusCode).toBe(200);
    const { dedupeKey } = JSON.parse(result.body as string) as { dedupeKey: string };
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      Bucket: 'out-bucket',
      Key: `snapshots/welkin-events/dt=2026-04-05/${dedupeKey}.json`,
      IfNoneMatch: '*',
    });
    expect(JSON.parse(put?.Body as string)).toMatchObject({ ...notice, _dedupeKey: dedupeKey });
    const send = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(send?.QueueUrl).toBe(QUEUE_URL);
    expect(send?.MessageDeduplicationId).toBeUndefined();
    expect(JSON.parse(send?.MessageBody as string)).toMatchObject({
      dedupeKey,
      notice: { sourceId: notice.sourceId },
    });
    expect(logged.join('')).toContain(dedupeKey);
    expect(logged.join('')).not.toContain(SECRET);
    expect(logged.join('')).not.toContain(notice.sourceId as string);
  });

  it('answers 200 to a redelivery that S3 refuses as already present, and queues it again', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(
      Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
        name: 'PreconditionFailed',
        $metadata: { httpStatusCode: 412 },
      }),
    );
    // Act
    const result = await handler(event(JSON.stringify(makeNotice())));
    // Assess
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body as string)).toMatchObject({ duplicate: true });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it.each([
    [
      'a forged secret',
      401,
      event(JSON.stringify(makeNotice()), { 'x-webhook-secret': 'forged-secret-value-123' }),
    ],
    ['a GET', 405, event('', { 'x-webhook-secret': SECRET }, 'GET')],
    ['another tenant', 403, event(JSON.stringify(makeNotice({ tenantName: 'elsewhere' })))],
    ['malformed JSON', 400, event('{"oops"')],
  ])('rejects %s with %i and touches neither S3 nor SQS', async (_label, status, request) => {
    // Act
    const result = await handler(request);
    // Assess
    expect(result.statusCode).toBe(status);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(logged.join('')).not.toContain(SECRET);
  });

  it('answers 500 (so Welkin retries) when S3 fails, and queues nothing', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(
      Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }),
    );
    // Act
    const result = await handler(event(JSON.stringify(makeNotice())));
    // Assess
    expect(result.statusCode).toBe(500);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('sets deduplication and group ids on a FIFO queue', async () => {
    // Prepare
    process.env.WELKIN_EVENTS_QUEUE_URL = `${QUEUE_URL}.fifo`;
    // Act
    const result = await handler(event(JSON.stringify(makeNotice())));
    // Assess
    const { dedupeKey } = JSON.parse(result.body as string) as { dedupeKey: string };
    const send = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(send?.MessageDeduplicationId).toBe(dedupeKey);
    expect(send?.MessageGroupId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads only the webhook secret, once for warm invocations', async () => {
    // Act
    await handler(event(JSON.stringify(makeNotice())));
    await handler(event(JSON.stringify(makeNotice())));
    // Assess
    const reads = secrets.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId);
    expect(reads).toEqual([WEBHOOK_ARN]);
  });

  it('fails the invocation without WELKIN_TENANT, and never falls back to the API credentials', async () => {
    // Prepare
    delete process.env.WELKIN_TENANT;
    process.env.WELKIN_CREDENTIALS_SECRET_ARN = CREDENTIALS_ARN;
    // Act / Assess
    await expect(handler(event(JSON.stringify(makeNotice())))).rejects.toThrow(/^WELKIN_TENANT: not set/);
    expect(secrets.commandCalls(GetSecretValueCommand, { SecretId: CREDENTIALS_ARN })).toHaveLength(0);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('picks up a rotated secret on the first call that presents it', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    await handler(event(JSON.stringify(makeNotice())));
    const rotated = 'rotated-webhook-secret-987654321';
    secrets
      .on(GetSecretValueCommand, { SecretId: WEBHOOK_ARN })
      .resolves({ SecretString: JSON.stringify({ secret: rotated, previousSecret: SECRET }) });
    vi.setSystemTime(new Date('2026-01-01T00:01:30Z'));
    // Act
    const withNew = await handler(event(JSON.stringify(makeNotice()), { 'x-webhook-secret': rotated }));
    const withOld = await handler(event(JSON.stringify(makeNotice())));
    // Assess
    expect(withNew.statusCode).toBe(200);
    expect(withOld.statusCode).toBe(200);
  });

  it('fails the invocation when the webhook secret cannot be read', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand, { SecretId: WEBHOOK_ARN })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    // Act / Assess
    await expect(handler(event(JSON.stringify(makeNotice())))).rejects.toThrow(
      /cannot read secret welkin-webhook-AbCdEf/,
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
