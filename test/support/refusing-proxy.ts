import type { IncomingMessage } from 'node:http';
import { type HostileServer, sendJson, startHostileServer } from './hostile-server.js';

/** What the proxy answers itself instead of forwarding: a status and a JSON body. */
export interface Refusal {
  status: number;
  body: unknown;
}

/**
 * A loopback server in front of a simulator that forwards every request unchanged, except those `refuse`
 * answers itself (a 403 for one resource, a 400 for one filter): a real API that refuses what our
 * simulators accept, without teaching the simulators a test-only mode. `url` replaces the simulator's
 * origin; keep the simulator's path after it.
 */
export async function startRefusingProxy(
  target: string,
  refuse: (method: string, url: URL) => Refusal | undefined,
): Promise<HostileServer> {
  const origin = new URL(target).origin;
  return startHostileServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    const refusal = refuse(request.method ?? 'GET', url);
    if (refusal) {
      sendJson(response, refusal.status, refusal.body);
      return;
    }
    forward(request, url)
      .then(async (answer) => {
        const headers: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          // fetch already decoded and de-chunked the body.
          if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name)) {
            headers[name] = value;
          }
        });
        response.writeHead(answer.status, headers);
        response.end(Buffer.from(await answer.arrayBuffer()));
      })
      .catch(() => response.destroy());
  });
}

async function forward(request: IncomingMessage, url: URL): Promise<Response> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) {
      headers.set(name, value);
    }
  }
  const method = request.method ?? 'GET';
  return fetch(url, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks),
    redirect: 'manual',
  });
}

/** Whether `url`'s path ends with `/<resource>` (a list request for that resource). */
export function isListOf(url: URL, resource: string): boolean {
  return url.pathname.endsWith(`/${resource}`);
}
