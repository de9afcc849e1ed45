import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { HttpError, MalformedResponseError } from '../../shared/errors.js';
import type { Sink } from '../../shared/output/sink.js';
import { safeReason } from '../../shared/webhooks/safe-reason.js';
import { WelkinClient } from '../../shared/welkin/client.js';
import { welkinNoticeSchema } from '../../shared/welkin/webhooks/notice.js';
import { type QueuedNotice, toQueuedNotice } from '../../shared/welkin/webhooks/queued-notice.js';
import { receiveWebhook } from '../../shared/welkin/webhooks/receive-webhook.js';
import { isRecordGone } from '../../shared/welkin/webhooks/welkin-not-found.js';
import { WelkinRecordFetcher } from '../../shared/welkin/webhooks/welkin-record-fetcher.js';
import { fakeFetch, fakeJwt, json, testConfig, welkinError } from '../welkin/helpers.js';
import { INSTANCE, makeNotice, SECRET, TENANT } from './helpers.js';

const PATIENT_ID = '7d1c0a7e-5b2f-4c11-9a4e-0f3c2b1a9d88';
const RECORD_URL = new URL(`https://api.live.welkincloud.io/gh/sb-demo/patients/${PATIENT_ID}`);

/** A fetcher whose record GET answers with `record` (the token endpoint always issues a token). */
function fetcherAnswering(record: () => Response): WelkinRecordFetcher {
  const { fetch } = fakeFetch((url) =>
    url.pathname.includes('/admin/api_clients/') ? json({ token: fakeJwt(Date.now()) }, 201) : record(),
  );
  return new WelkinRecordFetcher(new WelkinClient(testConfig(), new MemoryTokenStore(), { fetch }));
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('record fetcher: 404s are answers, judged by the route', () => {
  const documented = {
    entity: 'PATIENT',
    id: PATIENT_ID,
    url: RECORD_URL,
    route: { template: 'patients/{sourceId}', goneCodes: ['NOT_FOUND'] },
  };

  it('reports a 404 with its Welkin error codes', async () => {
    // Prepare
    const fetcher = fetcherAnswering(() => welkinError(404, 'NOT_FOUND', { id: PATIENT_ID }));
    // Act
    const result = await fetcher.fetch(RECORD_URL, 'PATIENT');
    // Assess
    expect(result).toEqual({ found: false, status: 404, codes: ['NOT_FOUND'] });
    expect(isRecordGone(documented, ['NOT_FOUND'])).toBe(true);
  });

  it.each([
    ['a 404 for another reason (INSTANCE_NOT_FOUND)', () => welkinError(404, 'INSTANCE_NOT_FOUND')],
    ['a 404 for another reason (TENANT_NOT_FOUND)', () => welkinError(404, 'TENANT_NOT_FOUND')],
    ['a 404 without a Welkin error body', () => new Response('<html>Not Found</html>', { status: 404 })],
    ['a 410 without an error code', () => json([{ message: 'gone' }], 410)],
  ])('does not read %s as a deletion, even on the documented route', async (_label, answer) => {
    // Prepare
    const fetcher = fetcherAnswering(answer);
    // Act
    const result = await fetcher.fetch(RECORD_URL, 'PATIENT');
    // Assess
    expect(result.found).toBe(false);
    expect(isRecordGone(documented, result.found ? [] : result.codes)).toBe(false);
  });

  it('does not read NOT_FOUND from a route no source documents as a deletion', () => {
    // Act / Assess
    expect(isRecordGone({ ...documented, route: undefined }, ['NOT_FOUND'])).toBe(false);
  });

  it('throws on other failures, so the queue retries and dead-letters them', async () => {
    // Prepare
    const fetcher = fetcherAnswering(() => welkinError(400, 'VALIDATION_ERROR'));
    // Act
    const failure = await failureOf(fetcher.fetch(RECORD_URL, 'PATIENT'));
    // Assess
    expect(failure).toBeInstanceOf(HttpError);
    expect(safeReason(failure)).toMatch(/^HttpError \(status 400/);
  });
});

describe('failure reasons in webhook logs', () => {
  it('names neither the record path nor its ids when a record is not JSON', async () => {
    // Prepare
    const fetcher = fetcherAnswering(() => new Response('{"id": "7d1c', { status: 200 }));
    // Act
    const failure = await failureOf(fetcher.fetch(RECORD_URL, 'PATIENT'));
    // Assess
    expect(failure).toBeInstanceOf(MalformedResponseError);
    expect((failure as Error).message).toBe(
      'Welkin PATIENT record: response is not valid JSON (unterminated string at character 12)',
    );
    expect(safeReason(failure)).not.toContain(PATIENT_ID);
  });

  it.each([
    new MalformedResponseError(`Welkin ${RECORD_URL}: response is not valid JSON`),
    new TypeError(`fetch failed for ${RECORD_URL}`),
    new HttpError(`Welkin: 404 NOT_FOUND (GET ${RECORD_URL})`, 404, `GET ${RECORD_URL}`),
  ])('keeps only the error name (and status) of %s', (error) => {
    // Act
    const reason = safeReason(error);
    // Assess
    expect(reason).not.toContain(PATIENT_ID);
    expect(reason).not.toContain('welkincloud');
    expect(reason.startsWith(error.name)).toBe(true);
  });

  it('keeps the message of an error that carries no URL', () => {
    // Act / Assess
    expect(safeReason(new Error('socket hang up'))).toBe('Error: socket hang up');
  });
});

describe('queued notice', () => {
  it('carries no names: sourceName stays in the stored event only', () => {
    // Prepare
    const notice = welkinNoticeSchema.parse(makeNotice({ sourceName: 'Jane Doe' }));
    // Act
    const queued = toQueuedNotice(notice, 'a'.repeat(64), 'welkin-events/x.json', new Date());
    // Assess
    expect(JSON.stringify(queued)).not.toContain('Jane Doe');
    expect(queued.notice).not.toHaveProperty('sourceName');
  });

  it("queues a CDT notice's sourceName, the CDT name its record's route needs", () => {
    // Prepare
    const notice = welkinNoticeSchema.parse(makeNotice({ eventEntity: 'CDT', sourceName: 'insurance' }));
    // Act
    const queued = toQueuedNotice(notice, 'a'.repeat(64), 'welkin-events/x.json', new Date());
    // Assess
    expect(queued.notice.sourceName).toBe('insurance');
  });
});

describe('accepted outcome', () => {
  const sink = { putTextIfAbsent: async () => true } as unknown as Sink;
  const queue = { send: async (_message: QueuedNotice) => {} };
  const config = {
    secrets: [SECRET],
    secretHeader: 'x-webhook-secret',
    maxBytes: 64 * 1024,
    tenant: TENANT,
    instance: INSTANCE,
  };
  const receive = (notice: Record<string, unknown>) =>
    receiveWebhook({
      request: { method: 'POST', headers: { 'x-webhook-secret': SECRET }, body: JSON.stringify(notice) },
      config,
      sink,
      queue,
    });

  it('flags a notice without initiatedTime, whose key a later change of the same record may share', async () => {
    // Prepare
    const notice = makeNotice({ initiatedTime: undefined });
    // Act
    const { outcome } = await receive(notice);
    // Assess
    expect(outcome).toMatchObject({ kind: 'accepted', withoutInitiatedTime: true });
  });

  it('does not flag a notice with initiatedTime', async () => {
    // Act
    const { outcome } = await receive(makeNotice());
    // Assess
    expect(outcome.kind).toBe('accepted');
    expect(outcome).not.toHaveProperty('withoutInitiatedTime');
  });
});
