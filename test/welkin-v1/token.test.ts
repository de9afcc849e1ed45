import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { welkinV1Catalog } from '../../shared/welkin-v1/catalog.js';
import { startWelkinV1Simulator, type WelkinV1Simulator } from '../../simulators/welkin-v1/index.js';
import { configOf, exportTo, sourceOf, tempDir } from './helpers.js';

let sim: WelkinV1Simulator;
let out: { path: string; remove: () => Promise<void> };

afterEach(async () => {
  await sim.stop();
  await out.remove();
});

async function setUp(options: Parameters<typeof startWelkinV1Simulator>[0] = {}) {
  sim = await startWelkinV1Simulator({ rowsPerResource: 8, ...options });
  out = await tempDir();
}

describe('welkin-v1 tokens (JWT bearer assertion, shared token store)', () => {
  it('posts a form-encoded HS256 assertion with iss, aud = token URL, scope and exp an hour ahead', async () => {
    // Prepare
    await setUp();
    const bodies: { type: string | null; body: string }[] = [];
    const fetch = (async (input: Request | URL | string, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (new URL(request.url).pathname === '/v1/token') {
        bodies.push({ type: request.headers.get('content-type'), body: await request.clone().text() });
      }
      return globalThis.fetch(request);
    }) as typeof globalThis.fetch;
    const config = { ...configOf(sim), scope: 'all read' };
    const { catalog } = welkinV1Catalog(config, new MemoryTokenStore(), { fetch });
    // Act
    const outcome = await exportTo(out.path, { catalog, resources: ['patients'] });
    // Assess
    expect(outcome.failures).toEqual([]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]?.type).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(bodies[0]?.body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const { payload, protectedHeader } = await jwtVerify(
      form.get('assertion') ?? '',
      new TextEncoder().encode(sim.clientSecret),
      { algorithms: ['HS256'] },
    );
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ iss: sim.clientId, aud: `${sim.baseUrl}/v1/token`, scope: 'all read' });
    // The reference's example asks for an hour, the access token's documented life.
    const ahead = (payload.exp ?? 0) - Date.now() / 1000;
    expect(ahead).toBeLessThanOrEqual(3600);
    expect(ahead).toBeGreaterThan(3590);
  });

  it('renews once on a 401 and carries on', async () => {
    // Prepare
    await setUp();
    const { catalog, client } = sourceOf(sim);
    await exportTo(out.path, { catalog, resources: ['patients'] });
    sim.revokeAllTokens();
    // Act
    const outcome = await exportTo(out.path, { catalog, resources: ['workers'] });
    // Assess
    expect(outcome.failures).toEqual([]);
    expect(client.tokenRequests).toBe(2);
    expect(sim.stats().tokenRejections).toBe(1);
  });

  it('renews before the token expires, without a rejected request', async () => {
    // Prepare
    await setUp({ tokenLifetimeSeconds: 2 });
    const { catalog, client } = sourceOf(sim);
    await exportTo(out.path, { catalog, resources: ['patients'] });
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    // Act
    const outcome = await exportTo(out.path, { catalog, resources: ['workers'] });
    // Assess
    expect(outcome.failures).toEqual([]);
    expect(client.tokenRequests).toBe(2);
    expect(sim.stats().tokenRejections).toBe(0);
  });

  it('shares one token between concurrent exporters through the store', async () => {
    // Prepare
    await setUp();
    const store = new MemoryTokenStore();
    const sources = Array.from({ length: 5 }, () => sourceOf(sim, 3, store));
    // Act
    // Each into its own folder: only the token is shared.
    const outcomes = await Promise.all(
      sources.map(({ catalog }, index) =>
        exportTo(join(out.path, String(index)), { catalog, resources: ['calendars'] }),
      ),
    );
    // Assess
    expect(outcomes.flatMap((outcome) => outcome.failures)).toEqual([]);
    expect(sim.stats().tokenRequests).toBe(1);
  });

  it('a wrong client secret fails as an AuthError after one token request', async () => {
    // Prepare
    await setUp();
    const config = { ...configOf(sim), clientSecret: 'not-the-secret' };
    const { catalog } = welkinV1Catalog(config, new MemoryTokenStore());
    // Act
    const outcome = await exportTo(out.path, { catalog, resources: ['patients'] });
    // Assess
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]?.errorName).toBe('AuthError');
    // The status and the reference's errors[].code, not just "request failed".
    expect(outcome.failures[0]?.message).toMatch(/token endpoint answered 401 \(unauthorized\)/);
    expect(outcome.failures[0]?.message).not.toContain('not-the-secret');
    expect(sim.stats().tokenRequests).toBe(1);
  });
});
