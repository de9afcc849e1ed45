import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config.js';
import { ConfigError } from '../../shared/errors.js';

function configWith(context: Record<string, unknown>) {
  return readConfig(new App({ context }).node);
}

describe('readConfig', () => {
  it('defaults to one Cliniko account "main" nightly in Sydney, and keeps runs forever', () => {
    // Prepare / Act
    const config = configWith({});

    // Assess
    expect(config.clinikoAccounts).toEqual([
      { name: 'main', schedule: 'cron(0 3 * * ? *)', timezone: 'Australia/Sydney' },
    ]);
    expect(config.outputPrefix).toBe('snapshots');
    expect(config.retentionDays).toBeUndefined();
    expect(config.clinikoMapConcurrency).toBe(2);
    expect(config.reservedConcurrency).toBe(true);
  });

  it('accepts accounts and numbers passed as strings with -c on the command line', () => {
    // Prepare / Act
    const config = configWith({
      clinikoAccounts: '[{"name":"north","timezone":"Australia/Brisbane"},"south"]',
      retentionDays: '30',
      reservedConcurrency: 'false',
      outputPrefix: '/exports/',
    });

    // Assess
    expect(config.clinikoAccounts.map((a) => [a.name, a.timezone])).toEqual([
      ['north', 'Australia/Brisbane'],
      ['south', 'Australia/Sydney'],
    ]);
    expect(config.retentionDays).toBe(30);
    expect(config.reservedConcurrency).toBe(false);
    expect(config.outputPrefix).toBe('exports');
  });

  it.each([
    ['a duplicate account', { clinikoAccounts: [{ name: 'main' }, { name: 'main' }] }],
    ['an account name unsafe in a path', { clinikoAccounts: [{ name: '../main' }] }],
    ['no accounts', { clinikoAccounts: [] }],
    ['a zero concurrency', { clinikoMapConcurrency: 0 }],
    ['a malformed projection date', { projectionStartDate: '01/01/2024' }],
  ])('rejects %s', (_what, context) => {
    // Prepare / Act / Assess
    expect(() => configWith(context)).toThrow(ConfigError);
  });
});
