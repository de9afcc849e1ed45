import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, HttpError } from '../../shared/errors.js';
import {
  HostUnreachableError,
  JsonHttpClient,
  type JsonHttpClientOptions,
} from '../../shared/http/json-http-client.js';
import { RequestBudget } from '../../shared/http/request-budget.js';
import type { RetryPolicy } from '../../shared/http/retry-policy.js';

const SECRET = 'Basic c2VjcmV0LWFwaS1rZXk6';
const PHI_BODY = '{"errors":{"first_name":"Jane Doe is already registered"}}';
const FAST_RETRY: RetryPolicy = { retries: 2, baseDelayMs: 1, maxDelayMs: 2, rateLimitRetries: 2 };

interface SeenRequest {
  url: string;
  authorization: string | null;
  redirect: Request['redirect'];
}

type Reply = Response | Error | 'hang';

/** A fetch that answers from a script and records what each request carried. */
function scriptedFetch(replies: Reply[]) {
  const seen: SeenRequest[] = [];
  const fetch = vi.fn(async (input: Request | URL | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    seen.push({
      url: request.url,
      authorization: request.headers.get('authorization'),
      redirect: request.redirect,
    });
    const reply = replies.shift() ?? new Response('{}', { status: 200 });
    if (reply === 'hang') {
      return new Promise<Response>((_, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason));
      });
    }
    if (reply instanceof Error) throw reply;
    return reply;
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, seen };
}

function client(fetch: typeof globalThis.fetch, overrides: Partial<JsonHttpClientOptions> = {}) {
  return new JsonHttpClient({
    service: 'Upstream',
    baseUrl: new URL('https://api.example.com/v1'),
    authorize: async () => ({ authorization: SECRET }),
    retry: FAST_RETRY,
    fetch,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected the request to fail');
}

function expectSafeMessage(error: Error): void {
  expect(error.message.split('\n')).toHaveLength(1);
  expect(error.message).not.toContain(SECRET);
  expect(error.message).not.toContain('c2VjcmV0');
  expect(error.message).not.toContain('Jane');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('JsonHttpClient', () => {
  it('retries 5xx answers and returns the first success', async () => {
    // Prepare
    const { fetch, seen } = scriptedFetch([
      new Response(PHI_BODY, { status: 503 }),
      new Response(PHI_BODY, { status: 500 }),
      new Response('{"ok":true}', { status: 200 }),
    ]);
    const http = client(fetch);

    // Act
    const result = await http.request('GET', '/patients?per_page=100');

    // Assess
    expect(result).toMatchObject({ status: 200, text: '{"ok":true}' });
    expect(seen).toHaveLength(3);
    expect(http.requests).toBe(3);
    expect(seen[0]?.url).toBe('https://api.example.com/v1/patients?per_page=100');
    expect(seen.every((request) => request.authorization === SECRET)).toBe(true);
  });

  it('gives up after the allowed retries with one line naming the status and the redacted URL', async () => {
    // Prepare
    const { fetch, seen } = scriptedFetch([
      new Response(PHI_BODY, { status: 502 }),
      new Response(PHI_BODY, { status: 502 }),
      new Response(PHI_BODY, { status: 502 }),
      new Response('{}', { status: 200 }),
    ]);

    // Act
    const error = await failure(client(fetch).request('GET', '/patients?q[]=last_name:=Doe&per_page=5'));

    // Assess
    expect(seen).toHaveLength(3);
    expect(error.status).toBe(502);
    expect(error.message).toBe(
      'Upstream: server error 502 after 3 attempts (GET https://api.example.com/v1/patients?q[]=<redacted>&per_page=5)',
    );
    expect(error.message).not.toContain('Doe');
    expectSafeMessage(error);
  });

  it('waits for the time retryAfterMs names after a 429, then retries', async () => {
    // Prepare
    vi.useFakeTimers();
    const { fetch, seen } = scriptedFetch([
      new Response('slow down', { status: 429 }),
      new Response('{"ok":1}', { status: 200 }),
    ]);
    const retryAfterMs = vi.fn(() => 1_000);
    const http = client(fetch, { retryAfterMs });

    // Act
    const pending = http.request('GET', '/x');
    await vi.advanceTimersByTimeAsync(999);
    const beforeWait = seen.length;
    await vi.advanceTimersByTimeAsync(1);
    const result = await pending;

    // Assess
    expect(beforeWait).toBe(1);
    expect(seen).toHaveLength(2);
    expect(result.status).toBe(200);
    expect(retryAfterMs).toHaveBeenCalledTimes(1);
  });

  it('pushes the shared budget back on a 429 so every caller waits', async () => {
    // Prepare
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'));
    const { fetch } = scriptedFetch([new Response('', { status: 429 }), new Response('{}', { status: 200 })]);
    const budget = new RequestBudget(Number.POSITIVE_INFINITY);
    const pauseUntil = vi.spyOn(budget, 'pauseUntil');
    const http = client(fetch, { budget, retryAfterMs: () => 2_000 });

    // Act
    const pending = http.request('GET', '/x');
    await vi.advanceTimersByTimeAsync(2_000);
    await pending;

    // Assess
    expect(pauseUntil).toHaveBeenCalledWith(Date.parse('2026-01-01T00:00:00.000Z') + 2_000);
    expect(budget.granted).toBe(2);
  });

  it('stops after the 429 allowance with a message saying so', async () => {
    // Prepare
    const { fetch, seen } = scriptedFetch([
      new Response('', { status: 429 }),
      new Response('', { status: 429 }),
      new Response('', { status: 429 }),
    ]);

    // Act
    const error = await failure(client(fetch, { retryAfterMs: () => 1 }).request('GET', '/x'));

    // Assess
    expect(seen).toHaveLength(3);
    expect(error.status).toBe(429);
    expect(error.message).toBe(
      'Upstream: still rate limited (429) after 3 attempts (GET https://api.example.com/v1/x)',
    );
  });

  it('retries a request that timed out', async () => {
    // Prepare
    const { fetch, seen } = scriptedFetch(['hang', new Response('{"ok":1}', { status: 200 })]);

    // Act
    const result = await client(fetch, { timeoutMs: 20 }).request('GET', '/slow');

    // Assess
    expect(seen).toHaveLength(2);
    expect(result.text).toBe('{"ok":1}');
  });

  it('times out a response whose body stalls after the headers, then retries', async () => {
    // Prepare
    const seen: string[] = [];
    const stalled = (request: Request) =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"patients":['));
            // Like a real fetch: aborting the request errors the body being read.
            request.signal.addEventListener('abort', () => controller.error(request.signal.reason));
          },
        }),
        { status: 200 },
      );
    const fetch = vi.fn(async (input: Request) => {
      seen.push(input.url);
      return seen.length === 1 ? stalled(input) : new Response('{"ok":1}', { status: 200 });
    }) as unknown as typeof globalThis.fetch;

    // Act
    const result = await Promise.race([
      client(fetch, { timeoutMs: 50 }).request('GET', '/slow-body'),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('body read never timed out')), 5_000),
      ),
    ]);

    // Assess
    expect(seen).toHaveLength(2);
    expect(result.text).toBe('{"ok":1}');
    const alwaysStalled = vi.fn(async (input: Request) =>
      stalled(input),
    ) as unknown as typeof globalThis.fetch;
    const error = await failure(client(alwaysStalled, { timeoutMs: 20 }).request('GET', '/slow-body'));
    expect(error.message).toBe(
      'Upstream: request timed out after 3 attempts (GET https://api.example.com/v1/slow-body)',
    );
  });

  it('reports repeated timeouts and dropped connections as one line', async () => {
    // Prepare
    const dropped = new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    const { fetch: timeouts } = scriptedFetch(['hang', 'hang', 'hang']);
    const { fetch: drops } = scriptedFetch([dropped, dropped, dropped]);

    // Act
    const timedOut = await failure(client(timeouts, { timeoutMs: 10 }).request('GET', '/slow'));
    const reset = await failure(client(drops).request('GET', '/gone'));

    // Assess: neither host ever answered, which stops the whole run (HostUnreachableError).
    expect(timedOut.message).toBe(
      'Upstream: request timed out after 3 attempts; the host never answered: check the base URL and the network (GET https://api.example.com/v1/slow)',
    );
    expect(reset.message).toBe(
      'Upstream: connection failed (ECONNRESET) after 3 attempts; the host never answered: check the base URL and the network (GET https://api.example.com/v1/gone)',
    );
    expect(timedOut).toBeInstanceOf(HostUnreachableError);
    expect(timedOut.status).toBeUndefined();
  });

  it('refuses to follow a redirect and asks fetch not to follow it either', async () => {
    // Prepare
    const { fetch, seen } = scriptedFetch([
      new Response(null, { status: 302, headers: { location: 'https://evil.example/steal' } }),
    ]);

    // Act
    const error = await failure(client(fetch).request('GET', '/moved'));

    // Assess
    expect(seen).toHaveLength(1);
    expect(seen[0]?.redirect).toBe('manual');
    expect(error.status).toBe(302);
    expect(error.message).toContain('redirect 302 refused');
    expect(error.message).not.toContain('evil.example');
    expectSafeMessage(error);
  });

  it('refuses an absolute URL on another origin before sending anything', async () => {
    // Prepare
    const { fetch, seen } = scriptedFetch([]);
    const http = client(fetch);

    // Act
    const error = await failure(http.request('GET', 'https://evil.example/v1/patients?page=2&token=abc'));
    const lookalike = await failure(http.request('GET', 'http://api.example.com/v1/patients'));

    // Assess
    expect(seen).toHaveLength(0);
    expect(error.message).toBe(
      'Upstream: refusing to send credentials to another origin (https://evil.example/v1/patients?page=2&token=<redacted>); expected https://api.example.com',
    );
    expect(lookalike.message).toContain('refusing to send credentials to another origin');
  });

  it('keeps a protocol-relative path on the base origin', async () => {
    // Prepare
    const { fetch } = scriptedFetch([]);
    const http = client(fetch, { baseUrl: new URL('https://api.example.com/') });

    // Act
    const act = () => http.resolve('//evil.example/x');

    // Assess
    expect(act).toThrow(HttpError);
  });

  it('accepts a same-origin absolute URL such as links.next', async () => {
    // Prepare
    const { fetch, seen } = scriptedFetch([new Response('{}', { status: 200 })]);

    // Act
    await client(fetch).request('GET', 'https://api.example.com/v1/services?page=2');

    // Assess
    expect(seen[0]?.url).toBe('https://api.example.com/v1/services?page=2');
    expect(seen[0]?.authorization).toBe(SECRET);
  });

  it('renews credentials once on a 401 and retries with the new ones', async () => {
    // Prepare
    const { fetch, seen } = scriptedFetch([
      new Response('{"error":"expired"}', { status: 401 }),
      new Response('{"ok":1}', { status: 200 }),
    ]);
    let token = 'Bearer old';
    const onUnauthorized = vi.fn(async () => {
      token = 'Bearer new';
      return true;
    });
    const http = client(fetch, { authorize: async () => ({ authorization: token }), onUnauthorized });

    // Act
    const result = await http.request('GET', '/x');

    // Assess
    expect(result.status).toBe(200);
    expect(seen.map((request) => request.authorization)).toEqual(['Bearer old', 'Bearer new']);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(onUnauthorized).toHaveBeenCalledWith('{"error":"expired"}', { authorization: 'Bearer old' });
  });

  it('fails on a second 401 instead of renewing forever', async () => {
    // Prepare
    const { fetch, seen } = scriptedFetch([
      new Response(PHI_BODY, { status: 401 }),
      new Response(PHI_BODY, { status: 401 }),
      new Response('{}', { status: 200 }),
    ]);
    const onUnauthorized = vi.fn(async () => true);

    // Act
    const error = await failure(client(fetch, { onUnauthorized }).request('GET', '/x'));

    // Assess
    expect(seen).toHaveLength(2);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(error.status).toBe(401);
    expectSafeMessage(error);
  });

  it('explains a client error with the hint only, never the body', async () => {
    // Prepare
    const { fetch } = scriptedFetch([new Response(PHI_BODY, { status: 422 })]);
    const explain = vi.fn((status: number) => (status === 422 ? 'rejected: check the filter' : undefined));

    // Act
    const error = await failure(client(fetch, { explain }).request('POST', '/patients', { name: 'Jane' }));

    // Assess
    expect(error.message).toBe(
      'Upstream: 422 rejected: check the filter (POST https://api.example.com/v1/patients)',
    );
    expect(explain).toHaveBeenCalledWith(422, PHI_BODY, new URL('https://api.example.com/v1/patients'));
    expectSafeMessage(error);
  });

  it('does not retry when credentials cannot be obtained', async () => {
    // Prepare
    const { fetch, seen } = scriptedFetch([]);
    const authorize = vi.fn(async (): Promise<Record<string, string>> => {
      throw new Error('token endpoint down');
    });

    // Act
    const act = client(fetch, { authorize }).request('GET', '/x');

    // Assess
    await expect(act).rejects.toThrow('token endpoint down');
    expect(authorize).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(0);
  });

  it('does not retry a 4xx', async () => {
    // Prepare
    const { fetch, seen } = scriptedFetch([new Response(PHI_BODY, { status: 404 })]);

    // Act
    const error = await failure(client(fetch).request('GET', '/missing'));

    // Assess
    expect(seen).toHaveLength(1);
    expect(error.message).toBe('Upstream: 404 (GET https://api.example.com/v1/missing)');
  });

  it('fails at once, naming the code, when the host does not resolve on the first request', async () => {
    // Prepare
    const notFound = new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } });
    const { fetch, seen } = scriptedFetch([notFound, notFound, notFound]);

    // Act
    const act = client(fetch, { unreachableHint: 'check UPSTREAM_BASE_URL' }).request('GET', '/x');

    // Assess
    await expect(act).rejects.toThrow(ConfigError);
    await expect(act).rejects.toThrow(
      'Upstream: connection failed (ENOTFOUND) on the first request: check UPSTREAM_BASE_URL (GET https://api.example.com/v1/x)',
    );
    expect(seen).toHaveLength(1);
  });

  it('retries a refused connection once the host has answered before (a restart, not a wrong host)', async () => {
    // Prepare
    const refused = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const { fetch, seen } = scriptedFetch([new Response('{}'), refused, refused, refused]);
    const http = client(fetch);

    // Act
    await http.request('GET', '/first');
    const error = await failure(http.request('GET', '/second'));

    // Assess
    expect(seen).toHaveLength(4);
    expect(error.message).toBe(
      'Upstream: connection failed (ECONNREFUSED) after 3 attempts (GET https://api.example.com/v1/second)',
    );
  });

  it("ends ky's wait before a retry when the run stops, with the run's stop reason", async () => {
    // Prepare: a 429 asking for a minute, no budget (the client itself waits), and a run stopped after 30 ms
    const { fetch, seen } = scriptedFetch([new Response('', { status: 429 })]);
    const run = new AbortController();
    const http = client(fetch, { retryAfterMs: () => 60_000, signal: run.signal });
    const reason = new Error('run deadline reached');
    setTimeout(() => run.abort(reason), 30);
    const startedAt = Date.now();

    // Act
    const outcome = http.request('GET', '/x');

    // Assess
    await expect(outcome).rejects.toBe(reason);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(seen).toHaveLength(1);
  });
});
