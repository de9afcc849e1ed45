import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalWebhookServer, startLocalWebhookServer } from '../../scripts/local/local-server.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import type { NoticeQueue, QueuedNotice } from '../../shared/welkin/webhooks/queued-notice.js';
import type { ReceiverConfig } from '../../shared/welkin/webhooks/receiver-config.js';
import { INSTANCE, makeNotice, post, SECRET, TENANT } from './helpers.js';

class RecordingQueue implements NoticeQueue {
  readonly sent: QueuedNotice[] = [];
  failNext = false;
  async send(message: QueuedNotice): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('queue unavailable');
    }
    this.sent.push(message);
  }
}

const config: ReceiverConfig = {
  secrets: [SECRET, 'previous-webhook-secret-0123'],
  secretHeader: 'x-webhook-secret',
  maxBytes: 256 * 1024,
  tenant: TENANT,
  instance: INSTANCE,
};

describe('webhook receiver over HTTP', () => {
  let dir: string;
  let sink: LocalSink;
  let queue: RecordingQueue;
  let server: LocalWebhookServer;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'webhook-'));
    sink = new LocalSink(dir);
    queue = new RecordingQueue();
    server = await startLocalWebhookServer({ config, sink, queue });
  });

  afterEach(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const stored = () => sink.list('welkin-events');

  it('stores a valid notice as one NDJSON line before answering, then queues it', async () => {
    // Prepare
    const notice = makeNotice({ initiatedTime: '2026-03-04T05:06:07.000Z' });
    // Act
    const response = await post(server.url, JSON.stringify(notice));
    // Assess
    expect(response.status).toBe(200);
    const dedupeKey = response.json.dedupeKey as string;
    expect(response.json).toEqual({ ok: true, dedupeKey, duplicate: false });
    expect(await stored()).toEqual([`welkin-events/dt=2026-03-04/${dedupeKey}.json`]);
    const text = (await sink.getText(`welkin-events/dt=2026-03-04/${dedupeKey}.json`)) as string;
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().includes('\n')).toBe(false);
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(line).toEqual({ ...notice, _receivedAt: expect.any(String), _dedupeKey: dedupeKey });
    expect(queue.sent).toHaveLength(1);
    expect(queue.sent[0]).toMatchObject({
      dedupeKey,
      eventKey: `welkin-events/dt=2026-03-04/${dedupeKey}.json`,
      notice: { eventEntity: 'PATIENT', sourceId: notice.sourceId },
    });
    expect(queue.sent[0]?.notice).not.toHaveProperty('initiatedByName');
  });

  it('stores a redelivered notice once and still answers 200', async () => {
    // Prepare
    const body = JSON.stringify(makeNotice());
    // Act
    const first = await post(server.url, body);
    const second = await post(server.url, body);
    // Assess
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ dedupeKey: first.json.dedupeKey, duplicate: true });
    expect(await stored()).toHaveLength(1);
    expect(queue.sent).toHaveLength(2);
  });

  it('keeps unknown fields and big numbers exactly as sent', async () => {
    // Prepare
    const body = JSON.stringify(makeNotice({ futureField: { nested: [1, 'two'] } })).replace(
      /}$/,
      ',"bigCounter":9007199254740993123,"price":12.50}',
    );
    // Act
    const response = await post(server.url, body);
    // Assess
    expect(response.status).toBe(200);
    const [key] = await stored();
    const text = (await sink.getText(key as string)) as string;
    expect(text).toContain('"futureField":{"nested":[1,"two"]}');
    expect(text).toContain('"bigCounter":9007199254740993123,"price":12.50');
  });

  it('accepts the previous secret during a rotation', async () => {
    // Act
    const response = await post(server.url, JSON.stringify(makeNotice()), {
      'X-Webhook-Secret': 'previous-webhook-secret-0123',
    });
    // Assess
    expect(response.status).toBe(200);
  });

  it.each([
    [
      'a forged secret',
      401,
      'unauthorized',
      { 'x-webhook-secret': `${SECRET}x` },
      JSON.stringify(makeNotice()),
    ],
    ['no secret', 401, 'unauthorized', {}, JSON.stringify(makeNotice())],
    [
      'the secret in another header',
      401,
      'unauthorized',
      { authorization: SECRET },
      JSON.stringify(makeNotice()),
    ],
    [
      'a body over the limit',
      413,
      'payload_too_large',
      undefined,
      JSON.stringify(makeNotice({ pad: 'x'.repeat(300_000) })),
    ],
    ['a body that is not JSON', 400, 'invalid_json', undefined, '{"sourceId": "abc",'],
    ['an empty body', 400, 'invalid_json', undefined, ''],
    ['a JSON array', 400, 'invalid_notice', undefined, '[]'],
    [
      'a notice without eventEntity',
      400,
      'invalid_notice',
      undefined,
      JSON.stringify(makeNotice({ eventEntity: undefined })),
    ],
    [
      'a notice with a numeric tenantName',
      400,
      'invalid_notice',
      undefined,
      JSON.stringify(makeNotice({ tenantName: 5 })),
    ],
    ['another tenant', 403, 'wrong_tenant', undefined, JSON.stringify(makeNotice({ tenantName: 'other' }))],
    [
      'another instance',
      403,
      'wrong_tenant',
      undefined,
      JSON.stringify(makeNotice({ instanceName: 'other' })),
    ],
  ])('rejects %s with %i and stores nothing', async (_label, status, error, headers, body) => {
    // Act
    const response = await post(server.url, body, headers);
    // Assess
    expect(response.status).toBe(status);
    expect(response.json).toEqual({ error, message: expect.any(String) });
    expect(JSON.stringify(response.json)).not.toContain(SECRET);
    expect(await stored()).toEqual([]);
    expect(queue.sent).toEqual([]);
  });

  it.each(['GET', 'PUT', 'DELETE'])('rejects %s with 405 and stores nothing', async (method) => {
    // Act
    const response = await post(server.url, JSON.stringify(makeNotice()), undefined, method);
    // Assess
    expect(response.status).toBe(405);
    expect(response.json.error).toBe('method_not_allowed');
    expect(await stored()).toEqual([]);
  });

  it('answers 500 when the queue fails, and the redelivery queues the stored notice', async () => {
    // Prepare
    const body = JSON.stringify(makeNotice());
    queue.failNext = true;
    // Act
    const failed = await post(server.url, body);
    const retried = await post(server.url, body);
    // Assess
    expect(failed.status).toBe(500);
    expect(retried.status).toBe(200);
    expect(retried.json.duplicate).toBe(true);
    expect(await stored()).toHaveLength(1);
    expect(queue.sent).toHaveLength(1);
  });
});
