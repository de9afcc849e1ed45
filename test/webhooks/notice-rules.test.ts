import { describe, expect, it } from 'vitest';
import { changeKey, eventKey } from '../../shared/layout/index.js';
import { secretMatches } from '../../shared/webhooks/secret-compare.js';
import { dedupeKeyOf } from '../../shared/welkin/webhooks/dedupe-key.js';
import { eventDateOf } from '../../shared/welkin/webhooks/event-date.js';
import { welkinNoticeSchema } from '../../shared/welkin/webhooks/notice.js';
import { NoticeRouteError, pullTargetOf } from '../../shared/welkin/webhooks/pull-target.js';
import type { QueuedNotice } from '../../shared/welkin/webhooks/queued-notice.js';
import { INSTANCE, makeNotice, TENANT } from './helpers.js';

const parse = (value: unknown) => welkinNoticeSchema.parse(value);

describe('dedupe key', () => {
  it('is the same for a redelivery even when presentation fields differ', () => {
    // Prepare
    const notice = makeNotice();
    // Act
    const first = dedupeKeyOf(parse(notice));
    const again = dedupeKeyOf(parse({ ...notice, initiatedByName: 'Renamed', extra: 1 }));
    // Assess
    expect(again).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(['initiatedTime', 'eventSubtype', 'sourceId', 'patientId', 'url', 'tenantName'])(
    'changes when %s changes',
    (field) => {
      // Prepare
      const notice = makeNotice({ url: 'https://api.live.welkincloud.io/t/i/patients/1' });
      // Act
      const changed = dedupeKeyOf(parse({ ...notice, [field]: `${String(notice[field])}-2` }));
      // Assess
      expect(changed).not.toBe(dedupeKeyOf(parse(notice)));
    },
  );
});

describe('event partition date', () => {
  const receivedAt = new Date('2026-01-02T03:04:05Z');

  it.each([
    ['2025-12-31T23:59:59Z', '2025-12-31'],
    ['1767225600', '2026-01-01'],
    ['1767225600000', '2026-01-01'],
    ['not a date', '2026-01-02'],
    [undefined, '2026-01-02'],
  ])('uses initiatedTime %s when it parses', (initiatedTime, day) => {
    // Act
    const date = eventDateOf(initiatedTime, receivedAt);
    // Assess
    expect(eventKey(date, 'k')).toBe(`welkin-events/dt=${day}/k.json`);
  });

  it('puts changes under the lower-case entity and refuses odd entity names as folders', () => {
    // Act / Assess
    expect(changeKey('CALENDAR', receivedAt, 'k')).toBe('welkin-changes/calendar/dt=2026-01-02/k.ndjson');
    expect(changeKey('../x', receivedAt, 'k')).toBe('welkin-changes/unknown-entity/dt=2026-01-02/k.ndjson');
  });
});

describe('notice schema', () => {
  it('keeps unknown fields and accepts numeric ids as their digits', () => {
    // Act
    const notice = parse({ ...makeNotice(), sourceId: 'abc', later: { a: 1 } });
    // Assess
    expect(notice.later).toEqual({ a: 1 });
    expect(notice.sourceId).toBe('abc');
  });
});

describe('pull target', () => {
  const api = { baseUrl: new URL('https://api.live.welkincloud.io'), tenant: TENANT, instance: INSTANCE };
  const root = `https://api.live.welkincloud.io/${TENANT}/${INSTANCE}`;
  const notice = (overrides: Partial<QueuedNotice['notice']>): QueuedNotice['notice'] => ({
    tenantName: TENANT,
    instanceName: INSTANCE,
    eventEntity: 'PATIENT',
    eventSubtype: 'PATIENT_UPDATED',
    sourceId: 's1',
    patientId: 'p1',
    url: null,
    ...overrides,
  });

  it.each([
    ['PATIENT', {}, `${root}/patients/s1`],
    ['CALENDAR', { sourceName: 'ENCOUNTER' }, `${root}/calendar/events/s1`],
    ['CALENDAR_EVENT', {}, `${root}/calendar/events/s1`],
    ['ASSESSMENT', {}, `${root}/patients/p1/assessment-records/s1`],
    ['CDT', { sourceName: 'insurance' }, `${root}/patients/p1/cdts/insurance/s1`],
    ['CDT_RECORD', { sourceName: 'cdt-self-care' }, `${root}/patients/p1/cdts/cdt-self-care/s1`],
    ['ENCOUNTER', {}, `${root}/patients/p1/encounters/s1`],
  ])('maps a %s notice without url to its documented route', (eventEntity, extra, url) => {
    // Act
    const target = pullTargetOf(notice({ eventEntity, ...extra }), api);
    // Assess
    expect(target?.url.toString()).toBe(url);
    expect(target?.id).toBe('s1');
    expect(target?.route?.template).toBeDefined();
  });

  it('prefers the documented route to the notice url', () => {
    // Act
    const target = pullTargetOf(
      notice({ eventEntity: 'CDT', sourceName: 'vitals', url: `${root}/cdts/s1` }),
      api,
    );
    // Assess
    expect(target?.url.toString()).toBe(`${root}/patients/p1/cdts/vitals/s1`);
  });

  it('follows the notice url of this instance when no documented route can be built, marked undocumented', () => {
    // Act
    const target = pullTargetOf(notice({ eventEntity: 'TASK', url: `${root}/tasks/s1` }), api);
    // Assess
    expect(target?.url.toString()).toBe(`${root}/tasks/s1`);
    expect(target?.route).toBeUndefined();
  });

  it.each([
    'https://evil.example.com/sim-tenant/sim-instance/patients/p1',
    `https://api.live.welkincloud.io/${TENANT}/admin/users`,
    `${root}/../admin/users`,
    `https://user:pw@api.live.welkincloud.io/${TENANT}/${INSTANCE}/patients/p1`,
    'not a url',
  ])('never follows the notice url %s', (url) => {
    // Act / Assess
    expect(pullTargetOf(notice({ eventEntity: 'TASK', url }), api)).toBeUndefined();
    expect(() => pullTargetOf(notice({ eventEntity: 'CDT', url }), api)).toThrow(NoticeRouteError);
  });

  it('has no target for an unknown entity without a usable url', () => {
    // Act / Assess
    expect(pullTargetOf(notice({ eventEntity: 'SMS' }), api)).toBeUndefined();
  });
});

describe('secret comparison', () => {
  it('matches only an accepted secret', () => {
    // Act / Assess
    expect(secretMatches('s3cret-value', ['other', 's3cret-value'])).toBe(true);
    expect(secretMatches('s3cret-valu', ['s3cret-value'])).toBe(false);
    expect(secretMatches('', [''])).toBe(false);
    expect(secretMatches(undefined, ['s3cret-value'])).toBe(false);
  });
});
