import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../shared/lambda/ttl-cache.js';
import { webhookSecretsFrom } from '../../shared/welkin/webhooks/receiver-env.js';

describe('webhook secret value', () => {
  it('accepts a plain string (the generated secret)', () => {
    // Act / Assess
    expect(webhookSecretsFrom('  abcdefghijklmnopqrstuvwxyz012345\n', 'x')).toEqual([
      'abcdefghijklmnopqrstuvwxyz012345',
    ]);
  });

  it('accepts JSON with a previous secret for an overlapping rotation', () => {
    // Act / Assess
    expect(
      webhookSecretsFrom(
        JSON.stringify({ secret: 'new-secret-0123456789', previousSecret: 'old-secret-0123456789' }),
        'x',
      ),
    ).toEqual(['new-secret-0123456789', 'old-secret-0123456789']);
  });

  it.each([
    ['a short secret', 'tiny-value'],
    ['broken JSON', '{"secret":'],
    ['JSON without a secret', '{"value":"abcdefghijklmnopqrstuvwxyz"}'],
  ])('refuses %s without echoing it', (_label, value) => {
    // Act / Assess
    expect(() => webhookSecretsFrom(value, 'welkin/webhook-secret')).toThrow(/welkin\/webhook-secret/);
    try {
      webhookSecretsFrom(value, 'welkin/webhook-secret');
    } catch (error) {
      expect((error as Error).message).not.toContain(value);
    }
  });
});

describe('TTL cache', () => {
  it('loads once within the TTL, shares a concurrent load, and reloads after it', async () => {
    // Prepare
    let now = 0;
    let loads = 0;
    const cache = new TtlCache(
      async () => ++loads,
      1000,
      () => now,
    );
    // Act
    const first = await Promise.all([cache.get(), cache.get()]);
    now = 999;
    const within = await cache.get();
    now = 1000;
    const after = await cache.get();
    // Assess
    expect(first).toEqual([1, 1]);
    expect(within).toBe(1);
    expect(after).toBe(2);
  });

  it('does not keep a failed load', async () => {
    // Prepare
    let calls = 0;
    const cache = new TtlCache(async () => {
      calls += 1;
      if (calls === 1) throw new Error('denied');
      return 'ok';
    }, 1000);
    // Act
    await expect(cache.get()).rejects.toThrow('denied');
    // Assess
    expect(await cache.get()).toBe('ok');
  });
});
