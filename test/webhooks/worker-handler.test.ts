import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueuedNotice } from '../../shared/welkin/webhooks/queued-notice.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';

const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);

const CREDENTIALS_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:welkin-credentials-AbCdEf';
const TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:welkin-token-AbCdEf';

type Handler = (event: SQSEvent) => Promise<SQSBatchResponse>;

describe('welkin-webhook-worker Lambda handler', () => {
  const savedEnv = { ...process.env };
  let sim: WelkinSimulator;
  let handler: Handler;
  let logged: string[];

  beforeAll(async () => {
    sim = await startWelkinSimulator({ rowsPerResource: 10 });
  });

  afterAll(async () => {
    await sim.stop();
  });

  beforeEach(async () => {
    s3.reset();
    secrets.reset();
    sim.setFaults({ missingPolicies: [] });
    s3.on(PutObjectCommand).resolves({});
    secrets.on(GetSecretValueCommand, { SecretId: CREDENTIALS_ARN }).resolves({
      SecretString: JSON.stringify({
        tenant: sim.tenant,
        instance: sim.instance,
        clientName: sim.clientName,
        secret: sim.secret,
      }),
    });
    // A token secret created without a value: the worker fetches a token and publishes it.
    secrets
      .on(GetSecretValueCommand, { SecretId: TOKEN_ARN })
      .rejects(Object.assign(new Error('no current version'), { name: 'ResourceNotFoundException' }));
    secrets.on(PutSecretValueCommand).resolves({});
    Object.assign(process.env, {
      OUTPUT_BUCKET: 'out-bucket',
      OUTPUT_PREFIX: 'snapshots',
      WELKIN_CREDENTIALS_SECRET_ARN: CREDENTIALS_ARN,
      WELKIN_TOKEN_SECRET_ARN: TOKEN_ARN,
      WELKIN_BASE_URL: sim.baseUrl,
    });
    logged = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        logged.push(String(chunk));
        return true;
      });
    }
    vi.resetModules();
    ({ handler } = (await import('../../functions/welkin-webhook-worker/index.js')) as { handler: Handler });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...savedEnv };
  });

  const record = (messageId: string, body: string): SQSRecord =>
    ({ messageId, body }) as unknown as SQSRecord;

  const queued = (entity: string, sourceId: string, key: string): string =>
    JSON.stringify({
      version: 1,
      dedupeKey: key.repeat(64),
      eventKey: `welkin-events/dt=2026-01-01/${key.repeat(64)}.json`,
      receivedAt: '2026-01-01T00:00:00.000Z',
      notice: {
        tenantName: sim.tenant,
        instanceName: sim.instance,
        eventEntity: entity,
        eventSubtype: `${entity}_UPDATED`,
        sourceId,
        patientId: entity === 'PATIENT' ? sourceId : null,
        url: null,
      },
    } satisfies QueuedNotice);

  const putFor = (dedupeChar: string) =>
    s3
      .commandCalls(PutObjectCommand)
      .map((call) => call.args[0].input)
      .find((input) => input.Key?.includes(dedupeChar.repeat(64)));

  it('pulls each record to S3 and reports only the messages that failed', async () => {
    // Prepare
    const patientId = sim.liveIds('PATIENT')[2] as string;
    const eventId = sim.liveIds('CALENDAR_EVENT')[4] as string;
    const event: SQSEvent = {
      Records: [
        record('m-1', queued('PATIENT', patientId, 'a')),
        record('m-2', '{"not":"a queued notice"}'),
        record('m-3', queued('CALENDAR', eventId, 'b')),
        record('m-4', 'not json'),
      ],
    };
    // Act
    const result = await handler(event);
    // Assess
    expect(result.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['m-2', 'm-4']);
    const patient = putFor('a');
    expect(patient?.Key).toMatch(/^snapshots\/welkin-changes\/patient\/dt=\d{4}-\d{2}-\d{2}\/a{64}\.ndjson$/);
    expect(JSON.parse(patient?.Body as string)).toMatchObject({
      id: patientId,
      _notice: { sourceId: patientId },
    });
    expect(putFor('b')?.Key).toContain('welkin-changes/calendar/');
    expect(secrets.commandCalls(PutSecretValueCommand).length).toBeGreaterThan(0);
    const logs = logged.join('');
    expect(logs).not.toContain(patientId);
    expect(logs).toContain('message is not a queued Welkin notice');
    expect(logs).not.toContain(sim.secret);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]+\./);
  });

  it('writes a deletion marker for a record that no longer exists', async () => {
    // Prepare
    const patientId = sim.liveIds('PATIENT')[7] as string;
    sim.remove('PATIENT', patientId);
    // Act
    const result = await handler({ Records: [record('m-1', queued('PATIENT', patientId, 'c'))] });
    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(JSON.parse(putFor('c')?.Body as string)).toMatchObject({
      _deleted: true,
      _entity: 'PATIENT',
      _id: patientId,
    });
  });

  it('fails the message when Welkin refuses the pull, so SQS retries it', async () => {
    // Prepare
    sim.setFaults({ missingPolicies: ['CALENDAR'] });
    const eventId = sim.liveIds('CALENDAR_EVENT')[1] as string;
    // Act
    const result = await handler({ Records: [record('m-9', queued('CALENDAR', eventId, 'd'))] });
    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-9' }]);
    expect(putFor('d')).toBeUndefined();
    expect(logged.join('')).toContain('status 403');
    expect(logged.join('')).not.toContain(eventId);
  });

  it('fails the message when S3 refuses the write', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const patientId = sim.liveIds('PATIENT')[1] as string;
    // Act
    const result = await handler({ Records: [record('m-5', queued('PATIENT', patientId, 'e'))] });
    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-5' }]);
  });
});
