import { vi } from 'vitest';
import type { WelkinConfig } from '../../shared/welkin/config.js';

export const SECRET = 'sUp3r+}B{KGTG6#zG%P;tQm0C';

/** An unsigned JWT with the given lifetime; a unique `jti` makes every token distinct. */
export function fakeJwt(issuedAtMs: number, lifetimeSeconds = 3600, serial = Math.random()): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(issuedAtMs / 1000);
  return `${b64({ alg: 'none' })}.${b64({ iat, exp: iat + lifetimeSeconds, jti: String(serial) })}.sig`;
}

/** A mutable clock for providers: `now()` plus `advance(ms)`. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let current = start;
  return {
    now: () => current,
    advance: (ms: number) => {
      current += ms;
    },
  };
}

export function testConfig(baseUrl = 'https://api.live.welkincloud.io'): WelkinConfig {
  return {
    tenant: 'gh',
    instance: 'sb-demo',
    clientName: 'QRUPCFEHJRJK',
    secret: SECRET,
    env: 'live',
    baseUrl: new URL(baseUrl),
    timeoutMs: 5_000,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2, rateLimitRetries: 2 },
  };
}

export type Handler = (url: URL, request: Request) => Response | Promise<Response>;

/** A fetch answering from `handler`, recording every request URL and Authorization header. */
export function fakeFetch(handler: Handler) {
  const seen: { url: URL; method: string; authorization: string | null }[] = [];
  const fetch = vi.fn(async (input: Request | URL | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    seen.push({ url, method: request.method, authorization: request.headers.get('authorization') });
    return handler(url, request);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, seen };
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

export const welkinError = (status: number, errorCode: string, details: Record<string, unknown> = {}) =>
  json(
    [
      {
        errorCode,
        componentType: 'SECURITY',
        message: `message for ${errorCode}`,
        details,
        date: '2026-01-01',
      },
    ],
    status,
  );
