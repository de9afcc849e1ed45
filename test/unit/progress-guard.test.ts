import { describe, expect, it } from 'vitest';
import { NoProgressError } from '../../shared/export/no-progress-error.js';
import { ProgressGuard, startNewPass } from '../../shared/export/progress-guard.js';
import { JsonHttpClient } from '../../shared/http/json-http-client.js';
import { reportRequest } from '../../shared/http/request-watch.js';

const get = (path: string, attempt = 0) => ({
  method: 'GET',
  url: new URL(`https://api.example.com${path}`),
  attempt,
});

describe('ProgressGuard', () => {
  it('allows one confirming repeat of a request and refuses the third, naming the redacted URL', () => {
    // Prepare
    const guard = new ProgressGuard(undefined);
    guard.request(get('/list?page=1&q=secret'));
    guard.request(get('/list?page=1&q=secret'));

    // Act / Assess
    expect(() => guard.request(get('/list?page=1&q=secret'))).toThrow(
      /same request a third time.*GET https:\/\/api\.example\.com\/list\?page=1&q=<redacted>/,
    );
  });

  it('counts neither retries of one request nor POSTs (token exchanges)', () => {
    // Prepare
    const guard = new ProgressGuard(undefined, { perFruitfulPage: 2, slack: 1 });
    guard.request(get('/list'));

    // Act / Assess: retries and token requests pass; the second new request exceeds the slack of 1
    for (let attempt = 1; attempt < 10; attempt += 1) guard.request(get('/list', attempt));
    for (let token = 0; token < 10; token += 1) {
      guard.request({ method: 'POST', url: new URL('https://api.example.com/token'), attempt: 0 });
    }
    expect(() => guard.request(get('/other'))).toThrow(NoProgressError);
  });

  it('refuses a page with nothing new that leaves the position where it was, but not one that moves it', () => {
    // Prepare
    const guard = new ProgressGuard('c1');

    // Act / Assess
    guard.page('c2', 0);
    guard.page('c2', 3);
    guard.page(undefined, 0);
    expect(() => guard.page('c3', 0)).not.toThrow();
    expect(() => guard.page('c3', 0)).toThrow(/no new row and left the position/);
  });

  it('grows the request allowance with every page that brings new rows', () => {
    // Prepare
    const guard = new ProgressGuard(undefined, { perFruitfulPage: 2, slack: 0 });

    // Act / Assess
    expect(() => guard.request(get('/a'))).toThrow(/0 requests brought 0 page/);
    guard.page('x', 1);
    guard.request(get('/b'));
    guard.request(get('/c'));
    expect(() => guard.request(get('/d'))).toThrow(/2 requests brought 1 page\(s\) with new rows/);
  });

  it('sees every request made inside watch, and a new pass forgets the requests of the pass before', async () => {
    // Prepare
    const guard = new ProgressGuard(undefined);

    // Act
    const outcome = guard.watch(async () => {
      for (let pass = 0; pass < 4; pass += 1) {
        startNewPass();
        reportRequest(get('/list?page=1'));
        reportRequest(get('/list?page=1'));
      }
      reportRequest(get('/list?page=1'));
    });

    // Assess
    await expect(outcome).rejects.toThrow(/same request a third time/);
    expect(() => reportRequest(get('/list?page=1'))).not.toThrow();
  });
});

describe('a request the guard refuses', () => {
  it('is never sent nor retried: the error reaches the pager unchanged', async () => {
    // Prepare
    const sent: string[] = [];
    const http = new JsonHttpClient({
      service: 'Upstream',
      baseUrl: new URL('https://api.example.com/v1'),
      authorize: async () => ({}),
      retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 1, rateLimitRetries: 3 },
      fetch: (async (input: Request) => {
        sent.push(input.url);
        return new Response('{}', { status: 200 });
      }) as unknown as typeof fetch,
    });
    const guard = new ProgressGuard(undefined);

    // Act
    const outcome = guard.watch(async () => {
      for (let index = 0; index < 3; index += 1) await http.request('GET', '/list?page=1');
    });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(NoProgressError);
    expect(sent).toHaveLength(2);
    expect(http.requests).toBe(2);
  });
});
