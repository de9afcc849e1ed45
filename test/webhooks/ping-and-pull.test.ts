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

  beforeAll(async () => {
    sim = await startWelkinSimulator({ rowsPerResource: 50 });
  });

  afterAll(async () => {
    await sim.stop();
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ping-pull-'));
    sink = new LocalSink(dir);
    service = await startLocalService({
      sink,
      concurrency: 8,
      tokenStore: new MemoryTokenStore(),
      env: {
        WELKIN_WEBHOOK_SECRET: SECRET,
        WELKIN_BASE_URL: sim.baseUrl,
        WELKIN_TENANT: sim.tenant,
        WELKIN_INSTANCE: sim.instance,
        WELKIN_CLIENT_NAME: sim.clientName,
        WELKIN_CLIENT_SECRET: sim.secret,
      },
    });
  });

  afterEach(async () => {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const notice = (entity: string, sourceId: string, overrides: Record<string, unknown> = {}) =>
    makeNotice({
      tenantName: sim.tenant,
      instanceName: sim.instance,
      eventEntity: entity,
      eventSubtype: `${entity}_UPDATED`,
      sourceId,
      patientId: entity === 'PATIENT' ? sourceId : null,
      ...overrides,
    });

  const readLine = async (key: string) =>
    JSON.parse((await sink.getText(key)) as string) as Record<string, unknown>;

  it.each([
    ['PATIENT', 'PATIENT'],
    ['CALENDAR', 'CALENDAR_EVENT'],
    ['ASSESSMENT', 'ASSESSMENT'],
    ['CDT', 'CDT_RECORD'],
  ])('stores a %s notice and pulls the current record, digit for digit', async (entity, resource) => {
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
  });

  it('pulls the record named by a same-origin notice url', async () => {
    // Prepare
    const id = sim.liveIds('CDT_RECORD')[1] as string;
    const record = sim.getRecord('CDT', id) as { patientId: string; cdtName: string };
    const url = `${sim.baseUrl}/${sim.tenant}/${sim.instance}/patients/${record.patientId}/cdts/${record.cdtName}/${id}`;
    // Act
    const response = await post(service.server.url, JSON.stringify(notice('CDT', id, { url })));
    await service.drain();
    // Assess
    expect(response.status).toBe(200);
    const [key] = await sink.list('welkin-changes/cdt');
    expect(await readLine(key as string)).toMatchObject({ id, cdtName: record.cdtName });
  });

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
