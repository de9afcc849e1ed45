import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sink } from '../../shared/output/sink.js';
import type { NoticeQueue } from '../../shared/welkin/webhooks/queued-notice.js';
import { type ReceiveOutcome, receiveWebhook } from '../../shared/welkin/webhooks/receive-webhook.js';
import type { ReceiverConfig } from '../../shared/welkin/webhooks/receiver-config.js';

export interface LocalWebhookServerOptions {
  port?: number;
  config: ReceiverConfig;
  sink: Sink;
  queue: NoticeQueue;
  onOutcome?: (outcome: ReceiveOutcome) => void;
}

export interface LocalWebhookServer {
  /** http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  stop(): Promise<void>;
}

// Past the limit the rest of an oversized body is read and dropped (so the client sees the 413 rather than
// a reset), up to this much; beyond it the connection is cut.
const DISCARD_LIMIT_BYTES = 16 * 1024 * 1024;

async function readCapped(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ body: Buffer; truncated: boolean } | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > DISCARD_LIMIT_BYTES) return undefined;
    if (size > maxBytes) truncated = true;
    else chunks.push(chunk as Buffer);
  }
  return { body: Buffer.concat(chunks), truncated };
}

/** The receiver core over plain HTTP on 127.0.0.1, for local runs and tests (any path is accepted). */
export async function startLocalWebhookServer(
  options: LocalWebhookServerOptions,
): Promise<LocalWebhookServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const read = await readCapped(req, options.config.maxBytes).catch(() => undefined);
      if (!read) {
        req.socket.destroy();
        return;
      }
      const response = await receiveWebhook({
        request: {
          method: req.method ?? 'GET',
          headers: req.headers,
          body: read.body,
          truncated: read.truncated,
        },
        config: options.config,
        sink: options.sink,
        queue: options.queue,
      });
      options.onOutcome?.(response.outcome);
      res.writeHead(response.statusCode, {
        ...response.headers,
        'content-length': Buffer.byteLength(response.body),
      });
      res.end(response.body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal","message":"unexpected failure"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
