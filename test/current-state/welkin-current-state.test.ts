import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalService, startLocalService } from '../../scripts/local/local-service.js';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import type { ExportSettings } from '../../shared/export/export-settings.js';
import { type ResourceResult, runExport } from '../../shared/export/run-export.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { welkinCatalog } from '../../shared/welkin/catalog.js';
import { startWelkinSimulator, type WelkinSimulator } from '../../simulators/welkin/index.js';
import { makeNotice, post, SECRET } from '../webhooks/helpers.js';
import { readCurrent, readTombstones } from './read-current.js';

const SETTINGS: ExportSettings = { compress: true, maxPartBytes: 16 * 1024, overlapMs: 15 * 60_000 };

let sim: WelkinSimulator;
let out: string;
let sink: LocalSink;
let service: LocalService;
const tokens = new MemoryTokenStore();

beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'welkin-current-'));
  sink = new LocalSink(out);
  sim = await startWelkinSimulator({ rowsPerResource: 80, seed: 11 });
  service = await startLocalService({
    sink,
    tokenStore: tokens,
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
  await sim.stop();
  await rm(out, { recursive: true, force: true });
});

async function exportPatients(mode: 'full' | 'incremental', resource = 'patients'): Promise<ResourceResult> {
  const { catalog } = welkinCatalog(
    {
      tenant: sim.tenant,
      instance: sim.instance,
      clientName: sim.clientName,
      secret: sim.secret,
      env: 'live',
      baseUrl: new URL(sim.baseUrl),
      timeoutMs: 5_000,
      retry: { retries: 5, baseDelayMs: 1, maxDelayMs: 5, rateLimitRetries: 5 },
    },
    tokens,
    { pollMs: 5 },
  );
  const outcome = await runExport({
    catalog,
    sink,
    settings: SETTINGS,
    mode,
    resources: [resource],
    concurrency: 1,
  });
  if (!outcome.done || outcome.failures.length > 0) throw new Error(JSON.stringify(outcome.failures));
  return outcome.results[0] as ResourceResult;
}

/** What the current state must hold for the simulator's live patients: each API text as sent. */
function expectedState(): Map<string, string> {
  return new Map(
    sim
      .liveIds('PATIENT')
      .map((id) => [
        JSON.stringify(id),
        (sim.getRecordText('PATIENT', id) as string)
          .replace(/\u2028/g, '\\u2028')
          .replace(/\u2029/g, '\\u2029'),
      ]),
  );
}

/** A PATIENT notice through the local receiver; the worker finds the record gone and writes a marker. */
async function noticeDeleted(id: string): Promise<void> {
  const notice = makeNotice({
    tenantName: sim.tenant,
    instanceName: sim.instance,
    eventEntity: 'PATIENT',
    eventSubtype: 'PATIENT_DELETED',
    sourceId: id,
    patientId: id,
  });
  const response = await post(service.server.url, JSON.stringify(notice));
  if (response.status !== 200) throw new Error(`receiver answered ${response.status}`);
  await service.drain();
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1_100));

describe('Welkin current state with webhook deletion markers', () => {
  it('follows full -> incremental -> full with edits, inserts, deletes and markers, record by record', async () => {
    // Prepare: a full run, then edits, inserts, two silent deletes and one delete Welkin tells us about.
    const first = await exportPatients('full');
    const afterFirst = await readCurrent(sink, 'welkin', 'patients');
    const expectedFirst = expectedState();
    const ids = sim.liveIds('PATIENT');
    const edited = ids.slice(3, 6);
    const silent = ids.slice(10, 12);
    const noticed = ids[20] as string;
    for (const id of edited) sim.touch('PATIENT', id);
    const inserted = [sim.insert('PATIENT'), sim.insert('PATIENT')];
    for (const id of [...silent, noticed]) sim.remove('PATIENT', id);
    await noticeDeleted(noticed);
    await settle();

    // Act
    const second = await exportPatients('incremental');
    const afterSecond = await readCurrent(sink, 'welkin', 'patients');
    const tombstonesAfterSecond = await readTombstones(sink, 'welkin', 'patients');
    const third = await exportPatients('full');
    const afterThird = await readCurrent(sink, 'welkin', 'patients');
    const tombstones = await readTombstones(sink, 'welkin', 'patients');

    // Assess: the first current state is the API's records, byte for byte.
    expect(first.mode).toBe('full');
    expect(afterFirst.records).toEqual(expectedFirst);
    // The incremental merged edits and inserts; the marker removed one record; silent deletes wait.
    expect(second.mode).toBe('incremental');
    const expectedSecond = new Map(expectedFirst);
    expectedSecond.delete(JSON.stringify(noticed));
    for (const [id, line] of expectedState())
      if (!expectedSecond.has(id) || edited.includes(JSON.parse(id))) expectedSecond.set(id, line);
    expect(afterSecond.records).toEqual(expectedSecond);
    for (const id of silent) expect(afterSecond.records.has(JSON.stringify(id))).toBe(true);
    for (const id of inserted) expect(afterSecond.records.has(JSON.stringify(id))).toBe(true);
    expect(tombstonesAfterSecond.map((t) => [t.id, t.runId])).toEqual([
      [JSON.stringify(noticed), second.runId],
    ]);
    expect(second.deletedCount).toBe(1);
    // The full run matches the API exactly and tombstones the silent deletes; the marker's id only once.
    expect(afterThird.records).toEqual(expectedState());
    expect(
      tombstones
        .filter((t) => t.runId === third.runId)
        .map((t) => t.id)
        .sort(),
    ).toEqual(silent.map((id) => JSON.stringify(id)).sort());
    expect(tombstones.map((t) => t.id).sort()).toEqual(
      [...silent, noticed].map((id) => JSON.stringify(id)).sort(),
    );
    // The marker's tombstone carries the time the worker found the record gone.
    const [markerKey] = await sink.list('welkin-changes/patient');
    const marker = JSON.parse((await sink.getText(markerKey as string)) as string) as { _pulledAt: string };
    expect(tombstones.find((t) => t.id === JSON.stringify(noticed))?.deletedAt).toBe(marker._pulledAt);
  }, 60_000);

  it('keeps a live CDT record whose notice met a 404 on a route no source documents', async () => {
    // Prepare: a notice shaped like the real ones but without the patientId its documented route needs, and
    // a `url` at the top-level `cdts/{id}` the worker used to guess; the simulator answers NOT_FOUND there.
    await exportPatients('full', 'cdt_records');
    const id = sim.liveIds('CDT_RECORD')[4] as string;
    const record = sim.getRecord('CDT', id) as { cdtName: string };
    const notice = makeNotice({
      tenantName: sim.tenant,
      instanceName: sim.instance,
      eventEntity: 'CDT',
      eventSubtype: 'CDT_UPDATED',
      sourceId: id,
      sourceName: record.cdtName,
      patientId: null,
      url: `${sim.baseUrl}/${sim.tenant}/${sim.instance}/cdts/${id}`,
    });
    const response = await post(service.server.url, JSON.stringify(notice));
    await service.drain();
    await settle();

    // Act: an incremental run does not list the unchanged record again, so only a marker could remove it.
    const run = await exportPatients('incremental', 'cdt_records');
    const current = await readCurrent(sink, 'welkin', 'cdt_records');

    // Assess
    expect(response.status).toBe(200);
    expect(service.stats().deadLetters).toHaveLength(1);
    expect(await sink.list('welkin-changes')).toEqual([]);
    expect(run.deletedCount ?? 0).toBe(0);
    expect(current.records.has(JSON.stringify(id))).toBe(true);
    expect(await readTombstones(sink, 'welkin', 'cdt_records')).toEqual([]);
  }, 60_000);
});
