import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../shared/auth/retry-after.js';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { AuthError, ConfigError, HttpError } from '../../shared/errors.js';
import { WelkinClient } from '../../shared/welkin/client.js';
import { welkinConfigFrom } from '../../shared/welkin/config.js';
import { fakeFetch, fakeJwt, type Handler, json, SECRET, testConfig, welkinError } from './helpers.js';

const EXPORT_PATH = 'gh/sb-demo/export/PATIENT?start=1970-01-01T00:00:00.000Z&pageSize=1000';
const PAGE = '{"data":[],"cursor":{"hasNext":false}}';

function clientWith(handler: Handler) {
  const { fetch, seen } = fakeFetch(handler);
  return { client: new WelkinClient(testConfig(), new MemoryTokenStore(), { fetch }), seen };
}

const isToken = (url: URL) => url.pathname === '/gh/admin/api_clients/QRUPCFEHJRJK';

describe('WelkinClient', () => {
  it('gets a token with the secret, then sends it as Bearer', async () => {
    // Prepare
    const token = fakeJwt(Date.now());
    const bodies: string[] = [];
    const { client, seen } = clientWith(async (url, request) => {
      if (isToken(url)) {
        bodies.push(await request.text());
        return json({ clientName: 'QRUPCFEHJRJK', token, enabled: true }, 201);
      }
      return json(PAGE);
    });

    // Act
    await client.getObject(EXPORT_PATH);

    // Assess
    expect(JSON.parse(bodies[0] ?? '')).toEqual({ secret: SECRET });
    expect(seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      'POST /gh/admin/api_clients/QRUPCFEHJRJK',
      'GET /gh/sb-demo/export/PATIENT',
    ]);
    expect(seen[1]?.authorization).toBe(`Bearer ${token}`);
    expect(client.tokenRequests).toBe(1);
  });

  it('renews once on 401 TOKEN_EXPIRED and retries the request with the new token', async () => {
    // Prepare
    const tokens = [fakeJwt(Date.now(), 3600, 1), fakeJwt(Date.now(), 3600, 2)];
    let issued = 0;
    const { client, seen } = clientWith((url, request) => {
      if (isToken(url)) return json({ token: tokens[issued++] }, 201);
      return request.headers.get('authorization') === `Bearer ${tokens[0]}`
        ? welkinError(401, 'TOKEN_EXPIRED')
        : json(PAGE);
    });

    // Act
    const { body } = await client.getObject(EXPORT_PATH);

    // Assess
    expect(body.data).toEqual([]);
    expect(issued).toBe(2);
    expect(seen.filter((r) => r.method === 'GET').map((r) => r.authorization)).toEqual([
      `Bearer ${tokens[0]}`,
      `Bearer ${tokens[1]}`,
    ]);
  });

  it('names the missing security policy on 403 ACCESS_FOR_API_CLIENT_RESTRICTED, without echoing details', async () => {
    // Prepare
    const { client } = clientWith((url) =>
      isToken(url)
        ? json({ token: fakeJwt(Date.now()) }, 201)
        : welkinError(403, 'ACCESS_FOR_API_CLIENT_RESTRICTED', {
            requestURI: url.pathname,
            patient: 'Jane Doe',
          }),
    );

    // Act
    const failure = await client.getObject(EXPORT_PATH).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(HttpError);
    expect((failure as HttpError).status).toBe(403);
    expect((failure as Error).message).toMatch(
      /^Welkin: 403 ACCESS_FOR_API_CLIENT_RESTRICTED: the API client lacks the "Export Data" security policy/,
    );
    expect((failure as Error).message).not.toMatch(/Jane|message for/);
  });

  it('retries 5xx and 429, honouring Retry-After', async () => {
    // Prepare
    const replies = [
      welkinError(503, 'SERVICE_UNAVAILABLE'),
      json('[]', 429, { 'retry-after': '0' }),
      json(PAGE),
    ];
    const { client, seen } = clientWith((url) =>
      isToken(url) ? json({ token: fakeJwt(Date.now()) }, 201) : (replies.shift() as Response),
    );

    // Act
    const { body } = await client.getObject(EXPORT_PATH);

    // Assess
    expect(body.cursor).toEqual({ hasNext: false });
    expect(seen.filter((r) => r.method === 'GET')).toHaveLength(3);
    expect(retryAfterMs(new Response(null, { headers: { 'retry-after': '7' } }))).toBe(7_000);
    expect(
      retryAfterMs(
        new Response(null, { headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' } }),
        Date.UTC(2026, 0, 1),
      ),
    ).toBe(10_000);
  });

  it('never puts the secret or a token in an error message', async () => {
    // Prepare: every failure path, with bodies that echo the credentials back.
    const token = fakeJwt(Date.now());
    const echo = { secret: SECRET, token, authorization: `Bearer ${token}` };
    const scenarios: Handler[] = [
      (url) => (isToken(url) ? welkinError(401, 'INVALID_CLIENT_CREDENTIALS', echo) : json(PAGE)),
      (url) => (isToken(url) ? json({ token }, 201) : welkinError(401, 'TOKEN_EXPIRED', echo)),
      (url) => (isToken(url) ? json({ token }, 201) : welkinError(400, 'VALIDATION_ERROR', echo)),
      (url) => (isToken(url) ? json({ token }, 201) : welkinError(500, 'INTERNAL_SERVER_ERROR', echo)),
      (url) =>
        isToken(url)
          ? json({ enabled: false, secret: SECRET, authorization: echo.authorization }, 201)
          : json(PAGE),
      (url) => (isToken(url) ? welkinError(429, 'TOO_MANY_REQUESTS', echo) : json(PAGE)),
    ];

    // Act
    const messages: string[] = [];
    for (const scenario of scenarios) {
      const failure = await clientWith(scenario)
        .client.getObject(EXPORT_PATH)
        .catch((error: unknown) => error);
      messages.push(String((failure as Error).message));
    }

    // Assess
    expect(messages).toHaveLength(6);
    for (const message of messages) {
      expect(message).toMatch(/Welkin/);
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain(token);
      expect(message).not.toMatch(/Bearer|eyJ/);
    }
    expect(messages[0]).toMatch(
      /cannot obtain a Welkin token: .*401 INVALID_CLIENT_CREDENTIALS: check WELKIN_CLIENT_NAME/,
    );
    expect(messages[1]).toMatch(/401 TOKEN_EXPIRED/);
    expect(messages[4]).toMatch(/answered without a token/);
    expect(messages[5]).toMatch(/still rate limited \(429\)/);
  });

  it('raises AuthError when the token endpoint fails', async () => {
    // Prepare
    const { client } = clientWith((url) =>
      isToken(url) ? welkinError(401, 'INVALID_CLIENT_CREDENTIALS') : json(PAGE),
    );

    // Act
    const failure = await client.getObject(EXPORT_PATH).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(AuthError);
  });
});

describe('welkinConfigFrom', () => {
  const env = {
    WELKIN_TENANT: 'gh',
    WELKIN_INSTANCE: 'sb-demo',
    WELKIN_CLIENT_NAME: 'QRUPCFEHJRJK',
    WELKIN_CLIENT_SECRET: SECRET,
  };

  it('defaults to the live environment over https', () => {
    // Act
    const live = welkinConfigFrom(env);
    const sandbox = welkinConfigFrom({ ...env, WELKIN_ENV: 'sandbox' });

    // Assess
    expect(live.baseUrl.href).toBe('https://api.live.welkincloud.io/');
    expect(sandbox.baseUrl.href).toBe('https://api.sandbox.welkincloud.io/');
    expect(live.requestsPerMinute).toBe(240);
  });

  it('paces data requests at 240/min by default; 0 is unpaced and a negative pace is refused', () => {
    // Act
    const unpaced = welkinConfigFrom({ ...env, WELKIN_REQUESTS_PER_MINUTE: '0' });
    const slower = welkinConfigFrom({ ...env, WELKIN_REQUESTS_PER_MINUTE: '60' });
    const negative = () => welkinConfigFrom({ ...env, WELKIN_REQUESTS_PER_MINUTE: '-1' });

    // Assess
    expect(unpaced.requestsPerMinute).toBeUndefined();
    expect(slower.requestsPerMinute).toBe(60);
    expect(negative).toThrow(ConfigError);
  });

  it('accepts plain http only for a loopback simulator', () => {
    // Act
    const local = welkinConfigFrom({ ...env, WELKIN_BASE_URL: 'http://127.0.0.1:4020' });
    const remote = () => welkinConfigFrom({ ...env, WELKIN_BASE_URL: 'http://api.live.welkincloud.io' });

    // Assess
    expect(local.baseUrl.origin).toBe('http://127.0.0.1:4020');
    expect(remote).toThrow(ConfigError);
  });

  it('names missing variables without echoing values', () => {
    // Act
    const failure = (() => {
      try {
        welkinConfigFrom({ WELKIN_CLIENT_SECRET: SECRET, WELKIN_TENANT: 'bad/tenant' });
      } catch (error) {
        return error as Error;
      }
    })();

    // Assess
    expect(failure).toBeInstanceOf(ConfigError);
    expect(failure?.message).toMatch(/^WELKIN_TENANT: not a Welkin name \(letters, digits, \. _ -\) — /);
    expect(failure?.message).toMatch(/WELKIN_INSTANCE: not set — set it to the API client's instance/);
    expect(failure?.message).not.toContain('bad/tenant');
    expect(failure?.message).not.toContain(SECRET);
  });
});
