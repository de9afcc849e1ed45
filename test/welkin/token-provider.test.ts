import { describe, expect, it, vi } from 'vitest';
import { RenewalLimit } from '../../shared/auth/renewal-limit.js';
import { TokenProvider, type TokenProviderOptions } from '../../shared/auth/token-provider.js';
import { MemoryTokenStore, type TokenStore } from '../../shared/auth/token-store.js';
import { AuthError } from '../../shared/errors.js';
import { fakeJwt, manualClock } from './helpers.js';

const MINUTE = 60_000;

/** `count` providers (one per simulated process) sharing one store and one token endpoint. */
function fleet(
  count: number,
  store: TokenStore,
  clock = manualClock(),
  extra: Partial<TokenProviderOptions> = {},
) {
  const issued: string[] = [];
  const requestToken = vi.fn(async () => {
    // A real endpoint takes a while: let every other process reach the store meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const token = fakeJwt(clock.now(), 3600, issued.length);
    issued.push(token);
    return token;
  });
  const providers = Array.from(
    { length: count },
    () =>
      new TokenProvider({
        store,
        requestToken,
        now: clock.now,
        pollMs: 2,
        leaseMs: 2_000,
        limit: new RenewalLimit(20, clock.now),
        ...extra,
      }),
  );
  return { providers, requestToken, issued, clock };
}

describe('TokenProvider', () => {
  it('uses a fresh cached token from the store without asking for one', async () => {
    // Prepare
    const clock = manualClock();
    const store = new MemoryTokenStore();
    const cached = fakeJwt(clock.now());
    await store.write({ token: cached, expiresAt: new Date(clock.now() + 60 * MINUTE).toISOString() });
    const { providers, requestToken } = fleet(1, store, clock);

    // Act
    const token = await providers[0]?.token();

    // Assess
    expect(token).toBe(cached);
    expect(requestToken).not.toHaveBeenCalled();
  });

  it('renews when less than 5 minutes remain and writes the new token with its exp back', async () => {
    // Prepare
    const clock = manualClock();
    const store = new MemoryTokenStore();
    await store.write({
      token: fakeJwt(clock.now() - 56 * MINUTE),
      expiresAt: new Date(clock.now() + 4 * MINUTE).toISOString(),
    });
    const { providers, requestToken, issued } = fleet(1, store, clock);

    // Act
    const token = await providers[0]?.token();

    // Assess
    expect(requestToken).toHaveBeenCalledTimes(1);
    expect(token).toBe(issued[0]);
    const stored = await store.read();
    expect(stored.token).toEqual({
      token: issued[0],
      expiresAt: new Date(clock.now() + 3600_000).toISOString(),
    });
    expect(stored.lease).toBeUndefined();
  });

  it('20 concurrent processes sharing one store cause exactly one renewal per token lifetime', async () => {
    // Prepare
    const store = new MemoryTokenStore();
    const { providers, requestToken, clock } = fleet(20, store);
    const tokensPerLifetime: number[] = [];

    // Act: three token lifetimes; in each, every process asks for the token 5 times at once.
    for (let lifetime = 0; lifetime < 3; lifetime++) {
      const before = requestToken.mock.calls.length;
      const tokens = await Promise.all(
        providers.flatMap((provider) => Array.from({ length: 5 }, () => provider.token())),
      );
      expect(new Set(tokens).size).toBe(1);
      tokensPerLifetime.push(requestToken.mock.calls.length - before);
      clock.advance(56 * MINUTE);
    }

    // Assess
    expect(tokensPerLifetime).toEqual([1, 1, 1]);
  });

  it('20 processes refused with TOKEN_EXPIRED for the same token renew it once', async () => {
    // Prepare
    const store = new MemoryTokenStore();
    const { providers, requestToken } = fleet(20, store);
    const first = await providers[0]?.token();
    await Promise.all(providers.map((provider) => provider.token()));

    // Act
    const retry = await Promise.all(
      providers.map((provider) => provider.renewAfterRejection('[{"errorCode":"TOKEN_EXPIRED"}]', first)),
    );
    const after = await Promise.all(providers.map((provider) => provider.token()));

    // Assess
    expect(retry.every(Boolean)).toBe(true);
    expect(requestToken).toHaveBeenCalledTimes(2);
    expect(new Set(after).size).toBe(1);
    expect(after[0]).not.toBe(first);
  });

  it('does not renew on a 401 that is not about the token', async () => {
    // Prepare
    const { providers, requestToken } = fleet(1, new MemoryTokenStore());
    const token = await providers[0]?.token();

    // Act
    const retry = await providers[0]?.renewAfterRejection(
      '[{"errorCode":"INVALID_CLIENT_CREDENTIALS"}]',
      token,
    );

    // Assess
    expect(retry).toBe(false);
    expect(requestToken).toHaveBeenCalledTimes(1);
  });

  it('takes over when the process that claimed the renewal died', async () => {
    // Prepare
    const clock = manualClock();
    const store = new MemoryTokenStore();
    const snapshot = await store.read();
    await store.claim(snapshot.version, {
      owner: 'dead-process',
      until: new Date(clock.now() + 1_000).toISOString(),
    });
    const { providers, requestToken } = fleet(3, store, clock, { pollMs: 5 });
    setTimeout(() => clock.advance(1_500), 30);

    // Act
    const tokens = await Promise.all(providers.map((provider) => provider.token()));

    // Assess
    expect(requestToken).toHaveBeenCalledTimes(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('stops at the hard cap of token requests per 5 minutes with a clear error', async () => {
    // Prepare: a store that loses every write, the failure mode that would otherwise hammer Welkin.
    const clock = manualClock();
    const forgetful: TokenStore = {
      read: async () => ({}),
      claim: async () => true,
      write: async () => undefined,
      release: async () => undefined,
    };
    const { providers, requestToken } = fleet(1, forgetful, clock, {
      limit: new RenewalLimit(20, clock.now),
    });
    const provider = providers[0] as TokenProvider;
    let token = await provider.token();

    // Act
    let failure: unknown;
    for (let attempt = 0; attempt < 50 && !failure; attempt++) {
      try {
        await provider.renewAfterRejection('[{"errorCode":"NOT_VALID_JSON_WEB_TOKEN"}]', token);
        token = await provider.token();
      } catch (error) {
        failure = error;
      }
    }
    clock.advance(5 * MINUTE + 1);
    const afterWindow = await provider.renewAfterRejection('[{"errorCode":"TOKEN_EXPIRED"}]', token);

    // Assess
    expect(requestToken).toHaveBeenCalledTimes(21);
    expect(failure).toBeInstanceOf(AuthError);
    expect((failure as Error).message).toMatch(/20 token requests in the last 5 minutes/);
    expect(afterWindow).toBe(true);
  });
});
