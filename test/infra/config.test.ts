import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../infra/config.js';
import { SOURCE_DEPLOYMENTS } from '../../infra/source-deployments.js';
import { ConfigError } from '../../shared/errors.js';
import { tempOutdir } from './temp-outdir.js';

function configWith(context: Record<string, unknown>) {
  return readConfig(new App({ outdir: tempOutdir(), context }).node, SOURCE_DEPLOYMENTS);
}

describe('readConfig', () => {
  it('defaults to every source, Cliniko account "main", weekly full runs, no reservation, runs kept forever', () => {
    // Prepare / Act
    const config = configWith({});

    // Assess
    expect(config.sources.get('cliniko')?.schedules).toEqual([
      {
        account: 'main',
        incremental: 'cron(0 3 * * ? *)',
        full: 'cron(0 1 ? * SUN *)',
        timezone: 'Australia/Sydney',
      },
    ]);
    expect(config.sources.get('welkin')).toMatchObject({
      enabled: true,
      webhook: true,
      schedules: [{ incremental: 'cron(30 3 * * ? *)', full: 'cron(30 1 ? * SUN *)' }],
      settings: { tenant: undefined, instance: undefined },
    });
    expect(config.outputPrefix).toBe('snapshots');
    expect(config.retentionDays).toBeUndefined();
    expect(config.sources.get('cliniko')?.mapConcurrency).toBe(2);
    expect(config.reservedConcurrency).toBe(false);
    expect(config.readerRoles).toEqual(['analyst']);
  });

  it('accepts sources and numbers passed as strings with -c on the command line', () => {
    // Prepare / Act
    const config = configWith({
      sources:
        '{"cliniko":{"accounts":[{"name":"north","timezone":"Australia/Brisbane","fullSchedule":"cron(0 2 1 * ? *)"},"south"]},"welkin":{"enabled":false}}',
      retentionDays: '60',
      reservedConcurrency: 'true',
      outputPrefix: '/exports/',
      readerRoles: '["bi","analyst"]',
    });

    // Assess
    expect(config.sources.get('cliniko')?.schedules.map((s) => [s.account, s.timezone, s.full])).toEqual([
      ['north', 'Australia/Brisbane', 'cron(0 2 1 * ? *)'],
      ['south', 'Australia/Sydney', 'cron(0 1 ? * SUN *)'],
    ]);
    expect(config.sources.get('welkin')?.enabled).toBe(false);
    expect(config.retentionDays).toBe(60);
    expect(config.reservedConcurrency).toBe(true);
    expect(config.outputPrefix).toBe('exports');
    expect(config.readerRoles).toEqual(['bi', 'analyst']);
  });

  it('takes -c sources.<name>.settings.<setting>=… as the not-deployable message names it, over cdk.json', () => {
    // Prepare / Act: cdk.json's object plus dotted keys, as `cdk synth -c key=value` passes them.
    const config = configWith({
      sources: {
        welkin: { settings: { instance: 'from-json', tenant: 'old' } },
        cliniko: { mapConcurrency: 3 },
      },
      'sources.welkin.settings.tenant': 'acme',
      'sources.welkin-v1.mapConcurrency': '4',
      'sources.cliniko.enabled': 'false',
    });

    // Assess
    expect(config.sources.get('welkin')?.settings).toEqual({ tenant: 'acme', instance: 'from-json' });
    expect(config.sources.get('welkin-v1')?.mapConcurrency).toBe(4);
    expect(config.sources.get('cliniko')).toMatchObject({ enabled: false, mapConcurrency: 3 });
    expect(() => configWith({ 'sources.clinko.enabled': 'false' })).toThrow(ConfigError);
  });

  it.each([
    ['a duplicate account', { sources: { cliniko: { accounts: [{ name: 'main' }, { name: 'main' }] } } }],
    ['an account name unsafe in a path', { sources: { cliniko: { accounts: [{ name: '../main' }] } } }],
    ['no accounts', { sources: { cliniko: { accounts: [] } } }],
    ['a zero concurrency', { sources: { cliniko: { mapConcurrency: 0 } } }],
    ['an unknown source', { sources: { clinko: {} } }],
    ['a retention shorter than the full-run interval', { retentionDays: 7 }],
    ['a reader name unsafe in a path', { readerRoles: ['../bi'] }],
    ['a malformed projection date', { projectionStartDate: '01/01/2024' }],
  ])('rejects %s', (_what, context) => {
    // Prepare / Act / Assess
    expect(() => configWith(context)).toThrow(ConfigError);
  });
});
