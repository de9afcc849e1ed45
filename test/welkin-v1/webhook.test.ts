import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startWelkinV1LocalService,
  type WelkinV1LocalService,
} from '../../scripts/local/welkin-v1-local-service.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import type { V1ReceiveOutcome } from '../../shared/welkin-v1/webhooks/receive-notification.js';
import {
  notificationJwt,
  sendUpdateNotification,
  startWelkinV1Simulator,
  type WelkinV1Simulator,
} from '../../simulators/welkin-v1/index.js';
import { configOf, tempDir } from './helpers.js';

const SIGNING = { clientId: 'clinic-pipe-test', secret: 'a-shared-signing-secret-of-some-length' };
const MAX_BYTES = 4096;

let sim: WelkinV1Simulator;
let out: { path: string; remove: () => Promise<void> };
let sink: LocalSink;
let service: WelkinV1LocalService;
let outcomes: V1ReceiveOutcome[];

beforeEach(async () => {
  sim = await startWelkinV1Simulator({ rowsPerResource: 20, tieSize: 2 });
  out = await tempDir();
  sink = new LocalSink(out.path);
  outcomes = [];
  service = await startWelkinV1LocalService({
    sink,
    receiver: { credentials: [SIGNING], maxBytes: MAX_BYTES },
    api: configOf(sim, 3),
    onReceive: (outcome) => outcomes.push(outcome),
  });
});

afterEach(async () => {
  await service.stop();
  await sim.stop();
  await out.remove();
});

const url = () => `${service.server.url}welkin-v1`;

async function sign(
  claims: Record<string, unknown>,
  secret = SIGNING.secret,
  alg = 'HS256',
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

function validClaims(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { iss: SIGNING.clientId, aud: url(), scope: 'welkin', iat: now, exp: now + 300, ...overrides };
}

async function post(body: string, token: string | undefined, method = 'POST') {
  const response = await fetch(url(), {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(method === 'POST' ? { body } : {}),
  });
  await response.arrayBuffer();
  return response.status;
}

async function storedNothing(): Promise<void> {
  expect(await sink.list('welkin-v1-events')).toEqual([]);
  expect(service.stats().sent).toBe(0);
}

function noticeBody(): string {
  const from = new Date(Date.now() - 60_000).toISOString();
  return JSON.stringify([sim.notice('patients', from, new Date().toISOString())]);
}

describe('welkin-v1 webhooks: ping and pull over HTTP', () => {
  it('stores a signed notification before the 2xx, then pulls exactly the changed records of its window', async () => {
    // Prepare
    const [first, second] = sim.ids('patients');
    const from = new Date(Date.now() - 1_000).toISOString();
    sim.touch('patients', first as string);
    sim.touch('patients', second as string);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const notice = sim.notice('patients', from, new Date().toISOString());
    // Act
    const status = await sendUpdateNotification(url(), [notice], SIGNING);
    await service.drain();
    // Assess
    expect(status).toBe(200);
    const events = await sink.list('welkin-v1-events');
    expect(events).toHaveLength(1);
    expect(await sink.getText(events[0] as string)).toContain('"_dedupeKey"');
    const changes = await sink.list('welkin-v1-changes/patients');
    const day = new Date().toISOString().slice(0, 10);
    expect(changes).toEqual([
      expect.stringMatching(new RegExp(`^welkin-v1-changes/patients/dt=${day}/[0-9a-f]{64}-0\\.ndjson$`)),
    ]);
    const lines = ((await sink.getText(changes[0] as string)) ?? '').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).id).sort()).toEqual([first, second].sort());
    expect(outcomes).toMatchObject([{ kind: 'accepted', entries: 1, duplicate: false }]);
  });

  it("accepts the reference's documented example as sent (offset-less from/to) and pulls its window", async () => {
    // Prepare: the example body of the final reference, its href pointed at the simulator
    const example = [
      {
        resource: 'patients',
        from: '2018-05-14T23:34:05.647496',
        to: '2018-05-15T23:34:05.647496',
        href: `${sim.baseUrl}/v1/patients?page[to]=2018-05-15T23:34:05.647496&page[from]=2018-05-14T23:34:05.647496`,
      },
    ];
    const finds = sim.stats().findRequests;
    // Act
    const status = await post(JSON.stringify(example), await notificationJwt(url(), SIGNING));
    await service.drain();
    // Assess: stored, queued, and the 2018 window asked for (it holds no rows here)
    expect(status).toBe(200);
    expect(await sink.list('welkin-v1-events')).toHaveLength(1);
    expect(outcomes).toMatchObject([{ kind: 'accepted', entries: 1, duplicate: false }]);
    expect(sim.stats().findRequests).toBeGreaterThan(finds);
  });

  it('pulls a current window sent with offset-less times, as Welkin writes them', async () => {
    // Prepare
    const [first] = sim.ids('patients');
    const from = new Date(Date.now() - 1_000).toISOString();
    sim.touch('patients', first as string);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const notice = sim.notice('patients', from, new Date().toISOString());
    // Act
    const status = await sendUpdateNotification(url(), [notice], SIGNING);
    await service.drain();
    // Assess
    expect(notice.from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    expect(status).toBe(200);
    const [change] = await sink.list('welkin-v1-changes/patients');
    expect(JSON.parse(((await sink.getText(change as string)) ?? '').trim()).id).toBe(first);
  });

  it('stores a redelivery once and still queues it', async () => {
    // Prepare
    const body = noticeBody();
    const token = await notificationJwt(url(), SIGNING);
    // Act
    const statuses = [await post(body, token), await post(body, token)];
    await service.drain();
    // Assess
    expect(statuses).toEqual([200, 200]);
    expect(await sink.list('welkin-v1-events')).toHaveLength(1);
    expect(
      outcomes.map((outcome) => outcome.kind === 'accepted' && 'duplicate' in outcome && outcome.duplicate),
    ).toEqual([false, true]);
    expect(service.stats().sent).toBe(2);
  });

  it.each([
    ['no token', async () => undefined, 'missing'],
    ['a forged signature', async () => sign(validClaims(), 'not-the-shared-secret-at-all'), 'signature'],
    ['alg none', async () => unsecured(validClaims()), 'algorithm'],
    ['alg HS512', async () => sign(validClaims(), SIGNING.secret, 'HS512'), 'algorithm'],
    [
      'a wrong audience',
      async () => sign(validClaims({ aud: 'https://elsewhere.example/hook' })),
      'audience',
    ],
    [
      'an audience other than the notify URL exactly (a trailing slash added)',
      async () => sign(validClaims({ aud: `${url()}/` })),
      'audience',
    ],
    ['a wrong issuer', async () => sign(validClaims({ iss: 'someone-else' })), 'issuer'],
    [
      'an expired token',
      async () => sign(validClaims({ exp: Math.floor(Date.now() / 1000) - 120 })),
      'expired',
    ],
    ['no exp', async () => sign({ ...validClaims(), exp: undefined }), 'malformed'],
    ['a wrong scope', async () => sign(validClaims({ scope: 'all' })), 'scope'],
    [
      'a day-long token',
      async () => sign(validClaims({ exp: Math.floor(Date.now() / 1000) + 86_400 })),
      'lifetime',
    ],
    ['garbage', async () => 'not.a.jwt', 'malformed'],
  ])('rejects %s with 401 and stores nothing', async (_label, token, refusal) => {
    // Act
    const status = await post(noticeBody(), await token());
    // Assess
    expect(status).toBe(401);
    expect(outcomes).toMatchObject([{ kind: 'rejected', reason: 'unauthorized', jwt: refusal }]);
    await storedNothing();
  });

  it.each([
    ['an oversized body', () => JSON.stringify([{ resource: 'patients', pad: 'x'.repeat(MAX_BYTES) }]), 413],
    ['a body that is not JSON', () => '[{"resource":', 400],
    ['an object instead of a list', () => JSON.stringify({ resource: 'patients' }), 400],
    ['an empty list', () => '[]', 400],
    [
      'a window that ends before it starts',
      () => JSON.stringify([{ ...JSON.parse(noticeBody())[0], from: '2030-01-01T00:00:00+00:00' }]),
      400,
    ],
    [
      'a time that is not ISO',
      () => JSON.stringify([{ ...JSON.parse(noticeBody())[0], to: '01/01/2030 00:00' }]),
      400,
    ],
    [
      'a bad resource name',
      () => JSON.stringify([{ ...JSON.parse(noticeBody())[0], resource: '../x' }]),
      400,
    ],
  ])('rejects %s, storing nothing', async (_label, body, expected) => {
    // Act
    const status = await post(body(), await notificationJwt(url(), SIGNING));
    // Assess
    expect(status).toBe(expected);
    await storedNothing();
  });

  it('answers 405 to anything but POST', async () => {
    // Act
    const status = await post('', await notificationJwt(url(), SIGNING), 'GET');
    // Assess
    expect(status).toBe(405);
    await storedNothing();
  });

  it('never follows an href to another origin: the notice is kept, the pull is skipped', async () => {
    // Prepare
    const entry = { ...JSON.parse(noticeBody())[0], href: 'https://evil.example/v1/patients?page[from]=x' };
    const pulls: string[] = [];
    // Act
    const status = await post(JSON.stringify([entry]), await notificationJwt(url(), SIGNING));
    await service.drain();
    // Assess
    expect(status).toBe(200);
    expect(await sink.list('welkin-v1-events')).toHaveLength(1);
    expect(await sink.list('welkin-v1-changes')).toEqual(pulls);
  });
});

/** An unsecured JWT (`alg: none`), which must never be accepted. */
function unsecured(claims: Record<string, unknown>): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}
