import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalService, startLocalService } from '../../scripts/local/local-service.js';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import { makeNotice, mapBounded, post, SECRET } from './helpers.js';

describe('webhook ping and pull against the Welkin simulator', () => {
  let sim: WelkinSimulator;
  let dir: string;
  let sink: LocalSink;
  let service: LocalService;
  let failures: string[];

  beforeAll(async () => {
    sim = await startWelkinSimulator({ rowsPerResource: 50 });
  });

  afterAll(async () => {
    await sim.stop();
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ping-pull-'));
    sink = new LocalSink(dir);
    failures = [];
    service = await startLocalService({
      sink,
      onPullFailure: (reason) => failures.push(reason),
      concurrency: 8,
      tokenStore: new MemoryTokenStore(),
      env: {
        WELKIN_WEBHOOK_SECRET: SECRET,
        WELKIN_BASE_URL: sim.baseUrl,
        WELKIN_TENANT: sim.tenant,
        WELKIN_INSTANCE: sim.instance,
        WELKIN_CLIENT_NAME: sim.clientName,
        WELKIN_CLIENT_SECRET: sim.secret,
        // The 1,000-notice burst would take minutes at the default pace.
        WELKIN_REQUESTS_PER_MINUTE: '0',
      },
    });
  });

  afterEach(async () => {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * A notice shaped like the real ones (Lightmatter/django-welkin tests/test_webhook.py): no `url`; a CDT's
   * sourceName is the CDT name, a calendar event's the event type; the record's patient in patientId.
   */
  const notice = (entity: string, sourceId: string, overrides: Record<string, unknown> = {}) => {
    const record = (sim.getRecord(entity, sourceId) ?? {}) as { patientId?: string; cdtName?: string };
    const names: Record<string, string | undefined> = {
      CDT: record.cdtName,
      CALENDAR: 'ENCOUNTER',
      PATIENT: 'Webhook Patient',
    };
    return makeNotice({
      tenantName: sim.tenant,
      instanceName: sim.instance,
      eventEntity: entity,
      eventSubtype: `${entity}_UPDATED`,
      sourceId,
      sourceName: names[entity] ?? entity,
      patientId: entity === 'PATIENT' ? sourceId : (record.patientId ?? null),
      url: null,
      ...overrides,
    });
  };

  const readLine = async (key: string) =>
    JSON.parse((await sink.getText(key)) as string) as Record<string, unknown>;

  it.each([
    ['PATIENT', 'PATIENT'],
    ['CALENDAR', 'CALENDAR_EVENT'],
    ['ASSESSMENT', 'ASSESSMENT'],
    ['CDT', 'CDT_RECORD'],
    ['ENCOUNTER', 'ENCOUNTER'],
  ])(
    'stores a %s notice without url and pulls the record on its documented route, digit for digit',
    async (entity, resource) => {
      // Prepare
      const id = sim.liveIds(resource)[3] as string;
      // Act
      const response = await post(service.server.url, JSON.stringify(notice(entity, id)));
      await service.drain();
      // Assess
      expect(response.status).toBe(200);
      const dedupeKey = response.json.dedupeKey as string;
      const changes = await sink.list(`welkin-changes/${entity.toLowerCase()}`);
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatch(
        new RegExp(`^welkin-changes/${entity.toLowerCase()}/dt=\\d{4}-\\d{2}-\\d{2}/${dedupeKey}\\.ndjson$`),
      );
      const text = (await sink.getText(changes[0] as string)) as string;
      const recordText = sim.getRecordText(entity, id) as string;
      // The record's own fields come first, byte for byte as the API served them (big ids included).
      expect(text.startsWith(recordText.slice(0, -1))).toBe(true);
      expect(await readLine(changes[0] as string)).toMatchObject({
        id,
        _notice: { eventEntity: entity, sourceId: id, dedupeKey },
        _pulledAt: expect.any(String),
      });
      expect(await sink.list('welkin-events')).toHaveLength(1);
    },
  );

  it.each([
    ['CDT', 'CDT_RECORD', 'cdts'],
    ['ENCOUNTER', 'ENCOUNTER', 'encounters'],
    ['ASSESSMENT', 'ASSESSMENT', 'assessment-records'],
  ])(
    'writes a %s deletion marker from its documented route, and none from a 404 on an undocumented one',
    async (entity, resource, folder) => {
      // Prepare: a record removed from Welkin; and a live one named by a notice whose url is a top-level route
      // (what the worker used to guess) and that lacks the patientId its documented route needs.
      const [gone, live] = sim.liveIds(resource).slice(7, 9) as [string, string];
      const goneNotice = notice(entity, gone, { eventSubtype: `${entity}_DELETED` });
      sim.remove(resource, gone);
      const url = `${sim.baseUrl}/${sim.tenant}/${sim.instance}/${folder}/${live}`;
      const undocumented = notice(entity, live, { patientId: null, url });
      // Act
      const answers = [
        await post(service.server.url, JSON.stringify(goneNotice)),
        await post(service.server.url, JSON.stringify(undocumented)),
      ];
      await service.drain();
      // Assess: one marker (the removed record), nothing for the live one, which dead-letters with one line.
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      const changes = await sink.list(`welkin-changes/${entity.toLowerCase()}`);
      expect(changes).toHaveLength(1);
      expect(await readLine(changes[0] as string)).toMatchObject({
        _deleted: true,
        _entity: entity,
        _id: gone,
      });
      expect(service.stats().deadLetters.map((message) => message.notice.sourceId)).toEqual([live]);
      expect(failures.at(-1)).toBe(
        `Welkin ${entity} notice: 404 NOT_FOUND from the notice's url, a route no source documents; not a deletion, nothing written`,
      );
      expect(sim.getRecord(entity, live)).toBeDefined();
    },
  );

  it('writes a deletion marker for a record removed before the pull', async () => {
    // Prepare
    const id = sim.liveIds('PATIENT')[5] as string;
    sim.remove('PATIENT', id);
    // Act
    const response = await post(
      service.server.url,
      JSON.stringify(notice('PATIENT', id, { eventSubtype: 'PATIENT_DELETED' })),
    );
    await service.drain();
    // Assess
    expect(response.status).toBe(200);
    const [key] = await sink.list('welkin-changes/patient');
    expect(await readLine(key as string)).toEqual({
      _deleted: true,
      _entity: 'PATIENT',
      _id: id,
      _notice: expect.objectContaining({ sourceId: id }),
      _pulledAt: expect.any(String),
    });
    expect(service.stats().deadLetters).toEqual([]);
  });

  it('stores a redelivery once and keeps one change file for it', async () => {
    // Prepare
    const body = JSON.stringify(notice('PATIENT', sim.liveIds('PATIENT')[0] as string));
    // Act
    const answers = await Promise.all([post(service.server.url, body), post(service.server.url, body)]);
    await post(service.server.url, body);
    await service.drain();
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await sink.list('welkin-events')).toHaveLength(1);
    expect(await sink.list('welkin-changes')).toHaveLength(1);
  });

  it('loses none of a burst of 1,000 notices sent 50 at a time', async () => {
    // Prepare: 1,000 distinct changes over 50 patients, 100 of them delivered twice.
    const ids = sim.liveIds('PATIENT');
    const base = Date.parse('2026-02-01T00:00:00Z');
    const bodies = Array.from({ length: 1000 }, (_, n) =>
      JSON.stringify(
        notice('PATIENT', ids[n % ids.length] as string, {
          initiatedTime: new Date(base + n * 1000).toISOString(),
        }),
      ),
    );
    const deliveries = [...bodies, ...bodies.slice(0, 100)];
    // Act
    const answers = await mapBounded(deliveries, 50, (body) => post(service.server.url, body));
    await service.drain();
    // Assess
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1100);
    expect(new Set(answers.map((answer) => answer.json.dedupeKey)).size).toBe(1000);
    expect(answers.filter((answer) => answer.json.duplicate === true)).toHaveLength(100);
    expect(await sink.list('welkin-events')).toHaveLength(1000);
    expect(await sink.list('welkin-changes/patient')).toHaveLength(1000);
    expect(service.stats()).toMatchObject({ sent: 1100, done: 1100, deadLetters: [] });
  });
});
