import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startWelkinV1LocalService,
  type WelkinV1LocalService,
} from '../../scripts/local/welkin-v1-local-service.js';
import { MemoryTokenStore } from '../../shared/auth/token-store.js';
import { LocalSink } from '../../shared/output/local-sink.js';
import { welkinV1Catalog } from '../../shared/welkin-v1/catalog.js';
import { SnsVerifier } from '../../shared/welkin-v1/realtime/sns-verifier.js';
import type { V1ReceiveOutcome } from '../../shared/welkin-v1/webhooks/receive-notification.js';
import {
  type RealtimeChange,
  realtimeNotification,
  SnsStandIn,
  startWelkinV1Simulator,
  type WelkinV1Simulator,
} from '../../simulators/welkin-v1/index.js';
import { readTombstones } from '../current-state/read-current.js';
import { configOf, exportTo, tempDir } from './helpers.js';

const SIGNING = { clientId: 'clinic-pipe-test', secret: 'a-shared-signing-secret-of-some-length' };

let sim: WelkinV1Simulator;
let sns: SnsStandIn;
let out: { path: string; remove: () => Promise<void> };
let sink: LocalSink;
let service: WelkinV1LocalService;
let outcomes: V1ReceiveOutcome[];

beforeEach(async () => {
  sim = await startWelkinV1Simulator({ rowsPerResource: 12, tieSize: 1 });
  sns = new SnsStandIn(sim.baseUrl);
  out = await tempDir();
  sink = new LocalSink(out.path);
  outcomes = [];
  service = await startWelkinV1LocalService({
    sink,
    receiver: { credentials: [SIGNING], maxBytes: 64 * 1024 },
    api: configOf(sim, 5),
    realtime: {
      verifier: new SnsVerifier(sns.fetchCertificate),
      confirmSubscription: sns.confirmSubscription,
    },
    onReceive: (outcome) => outcomes.push(outcome),
  });
});

afterEach(async () => {
  await service.stop();
  await sim.stop();
  await out.remove();
});

const url = () => `${service.server.url}welkin-v1`;

/** POSTs as SNS does: JSON, no Authorization header. */
async function deliver(body: unknown): Promise<number> {
  const response = await fetch(url(), {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

const change = (action: RealtimeChange['action'], id: string): RealtimeChange => ({
  resource: 'patients',
  id,
  action,
  href: action === 'delete' ? null : sim.recordUrl('patients', id),
});

async function storedNothing(): Promise<void> {
  expect(await sink.list('welkin-v1-realtime')).toEqual([]);
  expect(service.stats().sent).toBe(0);
  expect(sns.confirmations).toEqual([]);
  expect(sim.snsConfirmations()).toEqual([]);
  expect(sim.stats().getRequests).toBe(0);
}

describe('welkin-v1 realtime notifications through SNS, over HTTP', () => {
  it.each(['1', '2'] as const)(
    'confirms a subscription (SignatureVersion %s) by GET of its SubscribeURL, once verified',
    async (version) => {
      // Prepare
      const message = sns.subscriptionConfirmation({}, version);
      // Act
      const status = await deliver(message);
      // Assess
      expect(status).toBe(200);
      expect(sns.certificateFetches).toEqual([sns.certUrl]);
      expect(sns.confirmations).toEqual([message.SubscribeURL]);
      expect(sim.snsConfirmations()).toEqual([message.Token]);
      expect(await sink.list('welkin-v1-realtime/subscriptions')).toHaveLength(1);
      expect(outcomes).toMatchObject([{ kind: 'accepted', realtime: 'confirmed', topicArn: sns.topicArn }]);
    },
  );

  it('pulls create and update, marks delete at once, and the next publish tombstones the deleted record', async () => {
    // Prepare: a full export, then a record created, one updated and one deleted in the API
    const { catalog } = welkinV1Catalog(configOf(sim, 5), new MemoryTokenStore());
    expect((await exportTo(out.path, { catalog, resources: ['patients'] })).failures).toEqual([]);
    const [updated, deleted] = sim.ids('patients');
    const created = sim.insert('patients');
    sim.touch('patients', updated as string);
    sim.remove('patients', deleted as string);
    const send = async (action: RealtimeChange['action'], id: string) =>
      deliver(sns.notification(await realtimeNotification(change(action, id), url(), SIGNING)));
    // Act
    const statuses = [
      await send('create', created),
      await send('update', updated as string),
      await send('delete', deleted as string),
    ];
    await service.drain();
    const markers = await sink.list('welkin-v1-deletions/patients');
    const incremental = await exportTo(out.path, { catalog, resources: ['patients'], mode: 'incremental' });
    // Assess
    expect(statuses).toEqual([200, 200, 200]);
    expect(sim.stats().getRequests).toBe(2);
    const pulled = await sink.list('welkin-v1-changes/patients');
    const ids = await Promise.all(pulled.map(async (key) => JSON.parse((await sink.getText(key)) ?? '').id));
    expect(ids.sort()).toEqual([created, updated].sort());
    expect(markers).toHaveLength(1);
    expect(incremental.failures).toEqual([]);
    const tombstones = await readTombstones(sink, 'welkin-v1', 'patients');
    expect(tombstones.map((tombstone) => tombstone.id)).toEqual([JSON.stringify(deleted)]);
  });

  it('accepts a raw notification (no SNS envelope) when its jwt verifies, and stores a redelivery once', async () => {
    // Prepare
    const [id] = sim.ids('workers');
    const body = await realtimeNotification(
      {
        resource: 'workers',
        id: id as string,
        action: 'update',
        href: sim.recordUrl('workers', id as string),
      },
      url(),
      SIGNING,
    );
    // Act
    const statuses = [await deliver(body), await deliver(body)];
    await service.drain();
    // Assess
    expect(statuses).toEqual([200, 200]);
    expect(outcomes).toMatchObject([
      { kind: 'accepted', realtime: 'notification', action: 'update', duplicate: false },
      { kind: 'accepted', realtime: 'notification', action: 'update', duplicate: true },
    ]);
    expect(await sink.list('welkin-v1-realtime/events')).toHaveLength(1);
    expect(await sink.list('welkin-v1-changes/workers')).toHaveLength(1);
    expect(sns.certificateFetches).toEqual([]);
  });

  it.each([
    ['a forged jwt, raw', async () => forged(false)],
    ['a forged jwt inside a validly signed SNS envelope', async () => forged(true)],
  ])('refuses %s: 401, nothing stored, queued or pulled', async (_label, body) => {
    // Act
    const status = await deliver(await body());
    // Assess
    expect(status).toBe(401);
    expect(outcomes).toMatchObject([{ kind: 'rejected', reason: 'unauthorized', jwt: 'signature' }]);
    await storedNothing();
  });

  it.each([
    [
      'a SubscribeURL off SNS',
      () =>
        sns.signed({
          ...sns.subscriptionConfirmation(),
          SubscribeURL: 'https://evil.example/?Action=ConfirmSubscription',
        }),
      'subscribe_url',
      false,
    ],
    [
      'a plain-http SubscribeURL on an SNS host',
      () =>
        sns.signed({
          ...sns.subscriptionConfirmation(),
          SubscribeURL: 'http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
        }),
      'subscribe_url',
      false,
    ],
    [
      'a SigningCertURL off SNS',
      () =>
        sns.signed({ ...sns.subscriptionConfirmation(), SigningCertURL: 'https://evil.example/cert.pem' }),
      'cert_url',
      false,
    ],
    [
      'a look-alike SNS host',
      () =>
        sns.signed({
          ...sns.subscriptionConfirmation(),
          SigningCertURL: 'https://sns.us-east-1.amazonaws.com.evil.example/cert.pem',
        }),
      'cert_url',
      false,
    ],
    [
      'a bad signature (the SubscribeURL changed after signing)',
      () => ({
        ...sns.subscriptionConfirmation(),
        SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=other',
      }),
      'signature',
      true,
    ],
  ])(
    'refuses a confirmation with %s: nothing confirmed or stored',
    async (_label, message, refusal, certRead) => {
      // Act
      const status = await deliver(message());
      // Assess: the certificate is read only from an SNS URL, and only to check a signature
      expect(status).toBe(403);
      expect(outcomes).toMatchObject([{ kind: 'rejected', reason: 'invalid_sns_message', sns: refusal }]);
      expect(sns.certificateFetches).toEqual(certRead ? [sns.certUrl] : []);
      await storedNothing();
    },
  );
});

describe('welkin-v1 realtime with WELKIN_V1_SNS_TOPIC_ARNS', () => {
  it('refuses a topic not listed before fetching anything, and takes a listed one', async () => {
    // Prepare
    await service.stop();
    service = await startWelkinV1LocalService({
      sink,
      receiver: { credentials: [SIGNING], maxBytes: 64 * 1024, snsTopicArns: [sns.topicArn] },
      api: configOf(sim, 5),
      realtime: {
        verifier: new SnsVerifier(sns.fetchCertificate),
        confirmSubscription: sns.confirmSubscription,
      },
      onReceive: (outcome) => outcomes.push(outcome),
    });
    const other = sns.signed({
      ...sns.subscriptionConfirmation(),
      TopicArn: 'arn:aws:sns:us-east-1:1:other',
    });
    // Act
    const statuses = [await deliver(other), await deliver(sns.subscriptionConfirmation())];
    // Assess
    expect(statuses).toEqual([403, 200]);
    expect(outcomes[0]).toMatchObject({ kind: 'rejected', sns: 'topic' });
    expect(sns.certificateFetches).toEqual([sns.certUrl]);
    expect(sns.confirmations).toHaveLength(1);
  });
});

/** A notification whose jwt is signed with a secret we never gave Welkin. */
async function forged(enveloped: boolean): Promise<unknown> {
  const [id] = sim.ids('patients');
  const body = await realtimeNotification(change('delete', id as string), url(), {
    clientId: SIGNING.clientId,
    secret: 'not-the-secret-we-gave-welkin-at-all',
  });
  return enveloped ? sns.notification(body) : body;
}
