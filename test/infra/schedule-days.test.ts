import { describe, expect, it } from 'vitest';
import { incrementalBesideFull } from '../../infra/schedule-days.js';
import { type Json, props, synth } from './synth.js';

describe('no weekly collision between the full run and the incremental (issue 19, item 5)', () => {
  it('leaves the full run’s days out of a daily incremental', () => {
    // Prepare / Act / Assess
    expect(incrementalBesideFull('cron(0 3 * * ? *)', 'cron(0 1 ? * SUN *)', 'x')).toBe(
      'cron(0 3 ? * MON,TUE,WED,THU,FRI,SAT *)',
    );
    expect(incrementalBesideFull('cron(30 2 ? * * *)', 'cron(0 1 ? * 1,4 *)', 'x')).toBe(
      'cron(30 2 ? * MON,TUE,THU,FRI,SAT *)',
    );
    expect(incrementalBesideFull('cron(0 3 * * ? *)', 'cron(0 22 ? * FRI-SUN *)', 'x')).toBe(
      'cron(0 3 ? * MON,TUE,WED,THU *)',
    );
    expect(incrementalBesideFull('cron(0 3 * * ? *)', 'cron(0 2 1 * ? *)', 'x')).toBe('cron(0 3 2-31 * ? *)');
    expect(incrementalBesideFull('cron(0 3 * * ? *)', 'cron(0 2 1,15 * ? *)', 'x')).toBe(
      'cron(0 3 2-14,16-31 * ? *)',
    );
    // Already apart: kept as given.
    expect(incrementalBesideFull('cron(0 3 ? * MON-FRI *)', 'cron(0 1 ? * SUN *)', 'x')).toBe(
      'cron(0 3 ? * MON-FRI *)',
    );
  });

  it('refuses at synth what would still collide, naming the setting and the fix', () => {
    expect(() => incrementalBesideFull('rate(1 day)', 'cron(0 1 ? * SUN *)', 'sources.cliniko')).toThrow(
      /context sources\.cliniko: .*would compete for the lease.*cron\(M H \* \* \? \*\)/,
    );
    expect(() => incrementalBesideFull('cron(0 3 ? * SUN,MON *)', 'cron(0 1 ? * SUN *)', 'x')).toThrow(
      /ConfigError|compete/,
    );
    expect(() => incrementalBesideFull('cron(0 3 * * ? *)', 'cron(0 1 ? * 1#2 *)', 'x')).toThrow(/compete/);
  });

  it('deploys the incremental schedules without the full run’s day', () => {
    // Prepare
    const { template } = synth({
      alarmEmail: 'oncall@clinic.test',
      userAgent: 'Test Clinic export (it@clinic.test)',
      sources: {
        cliniko: {
          accounts: [{ name: 'main', schedule: 'cron(0 3 * * ? *)', timezone: 'Australia/Sydney' }],
        },
        welkin: { enabled: false },
        'welkin-v1': { enabled: false },
      },
    });

    // Act
    const schedules = template.resourcesOf('AWS::Scheduler::Schedule').map(([, s]) => props(s));
    const expressions = schedules.map((s) => [
      JSON.parse(((s.Target as Json).Input as string) ?? '{}').mode,
      s.ScheduleExpression,
    ]);

    // Assess
    expect(expressions).toEqual(
      expect.arrayContaining([
        ['incremental', 'cron(0 3 ? * MON,TUE,WED,THU,FRI,SAT *)'],
        ['full', 'cron(0 1 ? * SUN *)'],
      ]),
    );
  });
});
