import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type HostileHandler = (request: IncomingMessage, response: ServerResponse) => void;

export interface HostileServer {
  url: string;
  /** Requests seen so far, as `METHOD path?query`. */
  seen: string[];
  stop(): Promise<void>;
}

/**
 * A real HTTP server on loopback whose answers a test scripts, including ones a well-behaved API never gives
 * (stalled bodies, lying page metadata). Stopping it destroys open sockets so a stalled reply cannot keep the
 * test process alive.
 */
export async function startHostileServer(handler: HostileHandler): Promise<HostileServer> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    handler(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends the headers and the first half of a JSON body, then never sends the rest. */
export function stallMidBody(body: string): HostileHandler {
  return (_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    });
    response.write(body.slice(0, Math.floor(body.length / 2)));
  };
}

/** Answers JSON with the given status. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(text);
}
