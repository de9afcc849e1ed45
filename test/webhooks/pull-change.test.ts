import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessQueue } from '../../scripts/local/in-process-queue.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { pullChange } from '../../shared/welkin/webhooks/pull-change.js';
import { NoticeRouteError } from '../../shared/welkin/webhooks/pull-target.js';
import type { QueuedNotice } from '../../shared/welkin/webhooks/queued-notice.js';
import type { FetchResult, RecordFetcher } from '../../shared/welkin/webhooks/record-fetcher.js';
import { UnconfirmedDeletionError } from '../../shared/welkin/webhooks/welkin-not-found.js';
import { INSTANCE, TENANT } from './helpers.js';

class FakeFetcher implements RecordFetcher {
  /** Record JSON texts by URL, as the API would send them. */
  readonly records = new Map<string, string>();
  readonly asked: string[] = [];
  failures = 0;
  /** The error codes of the 404 a missing record gets. */
  missingCodes: string[] = ['NOT_FOUND'];
  async fetch(url: URL): Promise<FetchResult> {
    this.asked.push(url.toString());
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('upstream 503');
    }
    const json = this.records.get(url.toString());
    return json === undefined
      ? { found: false, status: 404, codes: this.missingCodes }
      : { found: true, json };
  }
}

const api = { baseUrl: new URL('http://127.0.0.1:9/'), tenant: TENANT, instance: INSTANCE };
const root = `http://127.0.0.1:9/${TENANT}/${INSTANCE}`;
const now = () => new Date('2026-05-06T07:08:09Z');

function message(overrides: Partial<QueuedNotice['notice']> = {}): QueuedNotice {
  return {
    version: 1,
    dedupeKey: 'a'.repeat(64),
    eventKey: `welkin-events/dt=2026-05-06/${'a'.repeat(64)}.json`,
    receivedAt: '2026-05-06T07:08:00.000Z',
    notice: {
      tenantName: TENANT,
      instanceName: INSTANCE,
      eventEntity: 'CALENDAR',
      eventSubtype: 'CALENDAR_EVENT_UPDATED',
      sourceId: 'e1',
      patientId: 'p1',
      url: null,
      ...overrides,
    },
  };
}

describe('pull worker core', () => {
  let dir: string;
  let sink: LocalSink;
  let fetcher: FakeFetcher;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pull-'));
    sink = new LocalSink(dir);
    fetcher = new FakeFetcher();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the current record losslessly with the notice ids and pull time', async () => {
    // Prepare
    fetcher.records.set(`${root}/calendar/events/e1`, '{"id":"e1","big":9007199254740993,"note":"a\\nb"}');
    // Act
    const outcome = await pullChange({ message: message(), api, fetcher, sink, now });
    // Assess
    const key = `welkin-changes/calendar/dt=2026-05-06/${'a'.repeat(64)}.ndjson`;
    expect(outcome).toMatchObject({ kind: 'pulled', key, entity: 'CALENDAR' });
    const text = (await sink.getText(key)) as string;
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('"big":9007199254740993');
    expect(JSON.parse(text)).toMatchObject({
      id: 'e1',
      _notice: { eventEntity: 'CALENDAR', sourceId: 'e1', recordId: 'e1', dedupeKey: 'a'.repeat(64) },
      _pulledAt: '2026-05-06T07:08:09.000Z',
    });
  });

  it('writes a deletion marker when the record is gone', async () => {
    // Act
    const outcome = await pullChange({
      message: message({ eventEntity: 'PATIENT', sourceId: 'p1' }),
      api,
      fetcher,
      sink,
      now,
    });
    // Assess
    expect(outcome.kind).toBe('deleted');
    const text = (await sink.getText(
      `welkin-changes/patient/dt=2026-05-06/${'a'.repeat(64)}.ndjson`,
    )) as string;
    expect(JSON.parse(text)).toMatchObject({
      _deleted: true,
      _entity: 'PATIENT',
      _id: 'p1',
      _pulledAt: '2026-05-06T07:08:09.000Z',
    });
  });

  it.each([
    ['CDT', { sourceName: 'insurance' }, 'patients/p1/cdts/insurance/e1', ['DT_RECORD_NOT_FOUND']],
    ['ENCOUNTER', {}, 'patients/p1/encounters/e1', ['DT_RECORD_NOT_FOUND']],
    ['ASSESSMENT', {}, 'patients/p1/assessment-records/e1', ['ASSESSMENT_RECORD_NOT_FOUND']],
  ])(
    'writes a %s deletion marker only for the code its documented route gives a missing record',
    async (eventEntity, extra, path, codes) => {
      // Prepare
      fetcher.missingCodes = codes;
      // Act
      const outcome = await pullChange({
        message: message({ eventEntity, ...extra }),
        api,
        fetcher,
        sink,
        now,
      });
      // Assess
      expect(fetcher.asked).toEqual([`${root}/${path}`]);
      expect(outcome.kind).toBe('deleted');
    },
  );

  it('fails a CDT notice whose documented route answers a generic NOT_FOUND, writing nothing', async () => {
    // Prepare: NOT_FOUND is what an unknown route answers; a missing CDT record reads DT_RECORD_NOT_FOUND.
    fetcher.missingCodes = ['NOT_FOUND'];
    // Act
    const failure = await pullChange({
      message: message({ eventEntity: 'CDT', sourceName: 'insurance' }),
      api,
      fetcher,
      sink,
      now,
    }).catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(UnconfirmedDeletionError);
    expect((failure as Error).message).toBe(
      'Welkin CDT notice: 404 NOT_FOUND from its documented route patients/{patientId}/cdts/{sourceName}/{sourceId}, which answers a missing record with DT_RECORD_NOT_FOUND; not a deletion, nothing written',
    );
    expect(await sink.list('welkin-changes')).toEqual([]);
  });

  it('never writes a deletion marker for a 404 from the notice url, a route no source documents', async () => {
    // Prepare: an encounter notice without patientId; its url points at a top-level route.
    const url = `${root}/encounters/e1`;
    // Act
    const failure = await pullChange({
      message: message({ eventEntity: 'ENCOUNTER', patientId: null, url }),
      api,
      fetcher,
      sink,
      now,
    }).catch((error: unknown) => error);
    // Assess
    expect(fetcher.asked).toEqual([url]);
    expect(failure).toBeInstanceOf(UnconfirmedDeletionError);
    expect((failure as Error).message).toBe(
      "Welkin ENCOUNTER notice: 404 NOT_FOUND from the notice's url, a route no source documents; not a deletion, nothing written",
    );
    expect(await sink.list('welkin-changes')).toEqual([]);
  });

  it('fails a CDT notice without the CDT name its route needs, asking nothing', async () => {
    // Act
    const failure = await pullChange({
      message: message({ eventEntity: 'CDT', sourceName: null }),
      api,
      fetcher,
      sink,
      now,
    }).catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(NoticeRouteError);
    expect((failure as Error).message).toBe(
      'Welkin CDT notice: lacks a field its route patients/{patientId}/cdts/{sourceName}/{sourceId} needs, and has no usable url; not pulled',
    );
    expect(fetcher.asked).toEqual([]);
  });

  it('skips an entity it cannot pull without writing or fetching', async () => {
    // Act
    const outcome = await pullChange({ message: message({ eventEntity: 'SMS' }), api, fetcher, sink, now });
    // Assess
    expect(outcome.kind).toBe('skipped');
    expect(fetcher.asked).toEqual([]);
    expect(await sink.list('welkin-changes')).toEqual([]);
  });

  it('retries failed pulls in the in-process queue and dead-letters what never succeeds', async () => {
    // Prepare
    fetcher.records.set(`${root}/calendar/events/e1`, '{"id":"e1"}');
    fetcher.failures = 2;
    const queue = new InProcessQueue(
      (m) => pullChange({ message: m, api, fetcher, sink }).then(() => undefined),
      {
        maxAttempts: 3,
        retryDelayMs: 1,
      },
    );
    const doomed = { ...message({ sourceId: 'e2' }), dedupeKey: 'b'.repeat(64) };
    const failing = new InProcessQueue(
      async () => {
        throw new Error('always');
      },
      { maxAttempts: 2, retryDelayMs: 1 },
    );
    // Act
    await queue.send(message());
    await failing.send(doomed);
    await Promise.all([queue.drain(), failing.drain()]);
    // Assess
    expect(queue.stats()).toMatchObject({ sent: 1, done: 1, retries: 2, deadLetters: [] });
    expect(await sink.list('welkin-changes')).toHaveLength(1);
    expect(failing.stats()).toMatchObject({ sent: 1, done: 0, retries: 1, deadLetters: [doomed] });
  });
});
