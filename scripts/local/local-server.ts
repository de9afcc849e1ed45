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

// Past the limit the body is no longer kept: the answer (413) goes out at once and the rest is read and
// dropped, so the client sees the 413 rather than a reset however much it sends. A client still sending
// after this long is cut off.
const DISCARD_DEADLINE_MS = 30_000;

/** The body up to `maxBytes`; past that, `truncated` and whatever follows is discarded as it arrives. */
function readCapped(req: IncomingMessage, maxBytes: number): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const overflow = () => {
      const cutOff = setTimeout(() => req.socket.destroy(), DISCARD_DEADLINE_MS).unref();
      req.once('end', () => clearTimeout(cutOff));
      resolve({ body: Buffer.concat(chunks), truncated: true });
    };
    // A declared length over the limit needs no reading at all.
    if (Number(req.headers['content-length']) > maxBytes) {
      req.resume();
      return overflow();
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.resume();
      overflow();
    };
    req.on('data', onData);
    req.once('end', () => resolve({ body: Buffer.concat(chunks), truncated: false }));
    req.once('error', reject);
  });
}

/** What a receiver core answers one request with. */
export interface ReceiverReply {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface ReceivedRequest {
  method: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  truncated: boolean;
  /** http://127.0.0.1:PORT/path, without the query. */
  url: string;
}

/** Any receiver core over plain HTTP on 127.0.0.1, for local runs and tests (any path is accepted). */
export async function startLocalReceiver(
  maxBytes: number,
  handle: (request: ReceivedRequest) => Promise<ReceiverReply>,
  port = 0,
): Promise<LocalWebhookServer> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const read = await readCapped(req, maxBytes).catch(() => undefined);
      // The client went away mid-body: there is nobody to answer.
      if (!read) {
        req.socket.destroy();
        return;
      }
      const path = new URL(req.url ?? '/', 'http://local.invalid').pathname;
      const response = await handle({
        method: req.method ?? 'GET',
        headers: req.headers,
        ...read,
        url: `${origin}${path}`,
      });
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
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${bound}`;
  return {
    url: `${origin}/`,
    port: bound,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The Welkin V8 receiver core over plain HTTP on 127.0.0.1. */
export function startLocalWebhookServer(options: LocalWebhookServerOptions): Promise<LocalWebhookServer> {
  return startLocalReceiver(
    options.config.maxBytes,
    async (request) => {
      const response = await receiveWebhook({
        request: {
          method: request.method,
          headers: request.headers,
          body: request.body,
          truncated: request.truncated,
        },
        config: options.config,
        sink: options.sink,
        queue: options.queue,
      });
      options.onOutcome?.(response.outcome);
      return response;
    },
    options.port,
  );
}
