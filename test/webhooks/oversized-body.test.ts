import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalWebhookServer, startLocalWebhookServer } from '../../scripts/local/local-server.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import type { QueuedNotice } from '../../shared/welkin/webhooks/queued-notice.js';
import { INSTANCE, makeNotice, post, SECRET, TENANT } from './helpers.js';

const MB = 1024 * 1024;
let dir: string;
let sink: LocalSink;
let server: LocalWebhookServer;
const queued: QueuedNotice[] = [];

/** POSTs `size` bytes in chunks without a Content-Length (chunked), as a streaming client would. */
function postChunked(url: string, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'x-webhook-secret': SECRET } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(MB, 0x61);
    let sent = 0;
    const write = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webhook-size-'));
  sink = new LocalSink(dir);
  queued.length = 0;
  server = await startLocalWebhookServer({
    config: {
      secrets: [SECRET],
      secretHeader: 'x-webhook-secret',
      maxBytes: 256 * 1024,
      tenant: TENANT,
      instance: INSTANCE,
    },
    sink,
    queue: { send: async (message) => void queued.push(message) },
  });
});

afterEach(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('webhook bodies over the size limit', () => {
  it.each([
    ['just over the limit', 300 * 1024],
    ['over the old 16 MB discard limit', 17 * MB],
    ['far over it', 40 * MB],
  ])('answers 413 to a body %s, stores and queues nothing', async (_label, size) => {
    // Prepare
    const body = JSON.stringify(makeNotice({ pad: 'x'.repeat(size) }));

    // Act
    const response = await post(server.url, body);

    // Assess
    expect(response.status).toBe(413);
    expect(response.json.error).toBe('payload_too_large');
    expect(await sink.list('welkin-events')).toEqual([]);
    expect(queued).toEqual([]);
  });

  it('answers 413 to a 24 MB chunked body sent without a Content-Length', async () => {
    // Act
    const response = await postChunked(server.url, 24 * MB);

    // Assess
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error).toBe('payload_too_large');
  });
});
