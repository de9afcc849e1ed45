import { describe, expect, it } from 'vitest';
import { clinikoConfigFrom } from '../../shared/cliniko/config.js';
import { clinikoBaseUrl, shardFromApiKey } from '../../shared/cliniko/shard.js';
import { ConfigError } from '../../shared/errors.js';

const USER_AGENT = 'Acme Clinic Export (it@acme.example)';

function messageOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('Cliniko shard from the API key', () => {
  it.each([
    ['MS0xMjM0NTY3ODkwLWFiY2RlZg-au2', 'au2'],
    ['MS0xMjM0NTY3ODkwLWFiY2RlZg-UK1', 'uk1'],
    ['MS0xMjM0NTY3ODkwLWFiY2RlZg-xx12', 'xx12'],
    ['MS0xMjM0NTY3ODkwLWFiY2RlZg', 'au1'],
  ])('reads %s as shard %s', (apiKey, shard) => {
    // Prepare
    const key = apiKey;

    // Act
    const found = shardFromApiKey(key);

    // Assess
    expect(found).toBe(shard);
  });

  it('builds the shard base URL', () => {
    // Prepare
    const apiKey = 'secret-key-ca1';

    // Act
    const url = clinikoBaseUrl(apiKey);

    // Assess
    expect(url).toBe('https://api.ca1.cliniko.com/v1');
  });

  it.each(['secret-key-zz', 'secret-key-au2x', 'secret-key-', 'secret-key-a1'])(
    'refuses the malformed suffix of %s without printing the key',
    (apiKey) => {
      // Prepare
      const key = apiKey;

      // Act
      const message = messageOf(() => shardFromApiKey(key));

      // Assess
      expect(message).toContain('unrecognised shard suffix');
      expect(message).not.toContain('secret-key');
    },
  );
});

describe('clinikoConfigFrom', () => {
  it('derives the base URL from the key and applies defaults', () => {
    // Prepare
    const env = { CLINIKO_API_KEY: 'abc-au3', CLINIKO_USER_AGENT: USER_AGENT };

    // Act
    const config = clinikoConfigFrom(env);

    // Assess
    expect(config.baseUrl.href).toBe('https://api.au3.cliniko.com/v1');
    expect(config.userAgent).toBe(USER_AGENT);
    expect(config.requestsPerMinute).toBe(200);
    expect(config.timeoutMs).toBe(30_000);
  });

  it.each([
    'curl/8.0',
    'Acme Export',
    'Acme Export (not-an-email)',
    'Acme Export it@acme.example',
    ' (it@acme.example)',
  ])('refuses the User-Agent %j', (userAgent) => {
    // Prepare
    const env = { CLINIKO_API_KEY: 'abc-au1', CLINIKO_USER_AGENT: userAgent };

    // Act
    const message = messageOf(() => clinikoConfigFrom(env));

    // Assess
    expect(message).toMatch(/^CLINIKO_USER_AGENT: not like "App Name \(contact@example.com\)" — set it to /);
  });

  it('says which variables are missing or wrong without echoing the key', () => {
    // Prepare
    const env = { CLINIKO_REQUESTS_PER_MINUTE: 'lots' };

    // Act
    const message = messageOf(() => clinikoConfigFrom(env));

    // Assess
    expect(message).toContain('CLINIKO_API_KEY');
    expect(message).toContain('CLINIKO_USER_AGENT: not set — ');
    expect(message).toContain('CLINIKO_REQUESTS_PER_MINUTE: not a number — ');
    expect(message).not.toContain('lots');
    expect(message).toContain('CLINIKO_REQUESTS_PER_MINUTE');
    expect(message.split('\n')).toHaveLength(1);
  });

  it.each([
    'http://127.0.0.1:4010/v1',
    'http://localhost:4010/v1',
    'https://cliniko-proxy.internal.example/v1',
  ])('accepts the base URL override %s', (baseUrl) => {
    // Prepare
    const env = { CLINIKO_API_KEY: 'abc-bad', CLINIKO_USER_AGENT: USER_AGENT, CLINIKO_BASE_URL: baseUrl };

    // Act
    const config = clinikoConfigFrom(env);

    // Assess
    expect(config.baseUrl.href).toBe(baseUrl);
  });

  it('refuses a plain-http override that is not loopback', () => {
    // Prepare
    const env = {
      CLINIKO_API_KEY: 'abc-au1',
      CLINIKO_USER_AGENT: USER_AGENT,
      CLINIKO_BASE_URL: 'http://cliniko-proxy.example/v1',
    };

    // Act
    const message = messageOf(() => clinikoConfigFrom(env));

    // Assess
    expect(message).toMatch(/^CLINIKO_BASE_URL: \S+ is not https — use https/);
  });
});
