import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { assertSafeBaseUrl } from '../../shared/http/safe-base-url.js';

describe('assertSafeBaseUrl', () => {
  it.each([
    'https://api.au1.cliniko.com/v1',
    'http://127.0.0.1:4010/v1',
    'http://localhost:8080',
    'http://[::1]:9000/api',
  ])('accepts %s', (value) => {
    // Prepare
    const variable = 'BASE_URL';

    // Act
    const url = assertSafeBaseUrl(value, variable);

    // Assess
    expect(url.href).toBe(new URL(value).href);
  });

  it.each([
    'http://api.example.com/v1',
    'http://localhost.evil.example/v1',
    'http://127.0.0.1.nip.io/v1',
    'ftp://127.0.0.1/x',
  ])('refuses %s', (value) => {
    // Prepare
    const variable = 'BASE_URL';

    // Act
    const act = () => assertSafeBaseUrl(value, variable);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      /^BASE_URL: \S+ is not https — use https \(plain http only to a loopback simulator\)$/,
    );
  });

  it('names the variable, not the value, when the URL does not parse', () => {
    // Prepare
    const value = 'not a url with secret-token';

    // Act
    const act = () => assertSafeBaseUrl(value, 'CLINIKO_BASE_URL');

    // Assess
    expect(act).toThrow(/^CLINIKO_BASE_URL: not a valid URL — /);
  });

  it('does not print credentials embedded in a refused URL', () => {
    // Prepare
    const value = 'http://user:hunter2@api.example.com/v1?token=abc';

    // Act
    let message = '';
    try {
      assertSafeBaseUrl(value, 'BASE_URL');
    } catch (error) {
      message = (error as Error).message;
    }

    // Assess
    expect(message).toContain('api.example.com');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('abc');
  });
});

describe('assertSafeBaseUrl and credentials in the URL', () => {
  it.each([
    'https://user:hunter2-secret@api.au1.cliniko.com/v1',
    'https://only-user@api.live.welkincloud.io',
    'http://sim:hunter2-secret@127.0.0.1:4010/v1',
  ])('refuses %s without echoing what came before the @', (value) => {
    // Act
    const act = () => assertSafeBaseUrl(value, 'CLINIKO_BASE_URL');

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      /^CLINIKO_BASE_URL: \S+ holds a user name or password \(user:password@\) — remove them/,
    );
    let message = '';
    try {
      act();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('only-user');
  });
});
