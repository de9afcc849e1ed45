import { beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_DEPLOYMENTS } from '../../infra/source-deployments.js';
import { DEPLOYABLE, type Json, props, type SynthTemplate, synth } from './synth.js';

/** The supported size of one stack (README, Deployment): Cliniko accounts, every source and webhook on. */
const SUPPORTED_ACCOUNTS = 50;
const CLOUDFORMATION_RESOURCES = 500;
const S3_LIFECYCLE_RULES = 1_000;
const TEMPLATE_BYTES = 1_000_000;

let t: SynthTemplate;

beforeAll(() => {
  const accounts = Array.from({ length: SUPPORTED_ACCOUNTS }, (_, i) => ({
    name: `clinic-${i}`,
    schedule: 'cron(0 3 * * ? *)',
    timezone: 'Australia/Sydney',
  }));
  ({ template: t } = synth({
    ...DEPLOYABLE,
    readerRoles: ['bi', 'analyst'],
    retentionDays: 400,
    sources: { ...DEPLOYABLE.sources, cliniko: { accounts } },
  }));
});

describe(`many accounts: ${SUPPORTED_ACCOUNTS} Cliniko accounts in one stack (issue 19, item 7)`, () => {
  it('keeps the lifecycle rules constant: one tag rule for every run folder, whatever the accounts', () => {
    // Prepare
    const [, bucket] = t.resourcesOf('AWS::S3::Bucket').find(([id]) => id.includes('Snapshots')) as [
      string,
      Json,
    ];

    // Act
    const rules = (props(bucket).LifecycleConfiguration as Json).Rules as Json[];

    // Assess: the two DEPLOYABLE accounts gave the same rules (see tables.test.ts); 10 is far below S3's 1,000.
    expect(rules.length).toBeLessThanOrEqual(10);
    expect(rules.length).toBeLessThan(S3_LIFECYCLE_RULES);
    expect(rules.filter((r) => r.TagFilters)).toHaveLength(1);
  });

  it('stays inside CloudFormation’s limits with room left, every account scheduled', () => {
    // Prepare / Act
    const resources = t.all().length;
    const bytes = JSON.stringify(t.template.toJSON()).length;
    const schedules = t.resourcesOf('AWS::Scheduler::Schedule').length;
    const roles = t.resourcesOf('AWS::IAM::Role').length;

    // Assess: three resources per account (a secret, two schedules); 40 left for more resources or readers.
    expect(resources).toBeLessThanOrEqual(CLOUDFORMATION_RESOURCES - 40);
    expect(bytes).toBeLessThan(TEMPLATE_BYTES);
    const others = SOURCE_DEPLOYMENTS.filter((d) => d.source !== 'cliniko').length;
    expect(schedules).toBe((SUPPORTED_ACCOUNTS + others) * 2);
    // One schedule role per source, not per schedule.
    expect(roles).toBeLessThan(30);
  });
});
