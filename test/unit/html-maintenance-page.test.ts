import { afterEach, describe, expect, it } from 'vitest';
import { JsonHttpClient } from '../../shared/http/json-http-client.js';
import { type HostileServer, sendJson, startHostileServer } from '../support/hostile-server.js';

const PAGE = '<!DOCTYPE html><html><body><h1>Down for maintenance</h1></body></html>';
let server: HostileServer;
afterEach(() => server?.stop());

function client(url: string) {
  return new JsonHttpClient({
    service: 'Upstream',
    baseUrl: new URL(`${url}/v1`),
    authorize: async () => ({ authorization: 'Basic x' }),
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2, rateLimitRetries: 1 },
  });
}

describe('a 200 HTML maintenance page (issue 19, item 10)', () => {
  it('is retried like a server error, and the JSON after it is read', async () => {
    // Prepare: two maintenance pages with 200, then the data.
    let n = 0;
    server = await startHostileServer((_, response) => {
      n += 1;
      if (n <= 2) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(PAGE);
        return;
      }
      sendJson(response, 200, { patients: [] });
    });

    // Act
    const result = await client(server.url).request('GET', 'patients');

    // Assess
    expect(result.text).toBe('{"patients":[]}');
    expect(server.seen).toHaveLength(3);
  });

  it('fails with one retryable line when it stays, even served as application/json', async () => {
    // Prepare
    server = await startHostileServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(PAGE);
    });

    // Act
    const failure = await client(server.url)
      .request('GET', 'patients')
      .catch((error: Error) => error);

    // Assess: an HttpError (retried by the state machine), not a MalformedResponseError (never retried).
    expect(failure).toMatchObject({ name: 'HttpError', status: 200 });
    expect((failure as Error).message).toMatch(
      /^Upstream: an HTML page \(status 200; maintenance\?\) instead of JSON after 3 attempts \(GET http:\/\/127\.0\.0\.1:\d+\/v1\/patients\)$/,
    );
    expect(server.seen).toHaveLength(3);
  });
});
