import { randomBytes } from 'node:crypto';
import { WEBHOOK_FOLDERS } from '../../shared/layout/index.js';
import type { Sink } from '../../shared/output/sink.js';
import { welkinV1ConfigFrom } from '../../shared/welkin-v1/config.js';
import { SnsVerifier } from '../../shared/welkin-v1/realtime/sns-verifier.js';
import {
  notificationJwt,
  realtimeNotification,
  SnsStandIn,
  sendUpdateNotification,
  startWelkinV1Simulator,
} from '../../simulators/welkin-v1/index.js';
import { startWelkinV1LocalService } from '../local/welkin-v1-local-service.js';

/**
 * The Welkin v1 notifications in the demo. Legacy: two patients change in the v1 simulator, which signs a
 * notification for that window and posts it to the local receiver; a forged one (wrong key) is refused; the
 * worker pulls the window back through the Find pager. Realtime: a stand-in for SNS (test-only certificate)
 * asks to subscribe (the receiver verifies and confirms), then a patient is deleted and its notification
 * becomes a deletion marker.
 */
export async function runWelkinV1WebhookDemo(sink: Sink, say: (line: string) => void): Promise<void> {
  const sim = await startWelkinV1Simulator({ rowsPerResource: 40 });
  const signing = { clientId: 'clinic-pipe', secret: randomBytes(24).toString('hex') };
  const sns = new SnsStandIn(sim.baseUrl);
  const service = await startWelkinV1LocalService({
    sink,
    receiver: { credentials: [signing], maxBytes: 256 * 1024 },
    api: welkinV1ConfigFrom({
      WELKIN_V1_CLIENT_ID: sim.clientId,
      WELKIN_V1_CLIENT_SECRET: sim.clientSecret,
      WELKIN_V1_BASE_URL: sim.baseUrl,
    }),
    realtime: {
      verifier: new SnsVerifier(sns.fetchCertificate),
      confirmSubscription: sns.confirmSubscription,
    },
  });
  try {
    const from = new Date(Date.now() - 1_000).toISOString();
    for (const id of sim.ids('patients').slice(0, 2)) sim.touch('patients', id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const notice = sim.notice('patients', from, new Date().toISOString());
    const notifyUrl = `${service.server.url}welkin-v1`;
    const accepted = await sendUpdateNotification(notifyUrl, [notice], signing);
    const forgedToken = await notificationJwt(notifyUrl, { ...signing, secret: 'not-the-shared-secret' });
    const forged = await fetch(notifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${forgedToken}` },
      body: JSON.stringify([notice]),
    });
    await forged.arrayBuffer();
    await service.drain();
    say(
      `Welkin v1 notification to ${notifyUrl}: signed -> ${accepted}, forged signature -> ${forged.status}`,
    );
    const post = async (body: unknown) => {
      const response = await fetch(notifyUrl, { method: 'POST', body: JSON.stringify(body) });
      await response.arrayBuffer();
      return response.status;
    };
    const confirmed = await post(sns.subscriptionConfirmation());
    const [gone] = sim.ids('patients').slice(-1);
    sim.remove('patients', gone as string);
    const change = { resource: 'patients', id: gone as string, action: 'delete' as const, href: null };
    const deleted = await post(sns.notification(await realtimeNotification(change, notifyUrl, signing)));
    await service.drain();
    say(
      `Welkin v1 realtime (SNS): subscription confirmed -> ${confirmed}, delete notification -> ${deleted}`,
    );
    const { v1Events, v1Changes, v1Realtime, v1Deletions } = WEBHOOK_FOLDERS;
    const folders = [v1Events, v1Changes, v1Realtime, v1Deletions];
    for (const folder of folders) {
      for (const key of await sink.list(folder)) say(`  ${sink.storageKey(key)}`);
    }
  } finally {
    await service.stop();
    await sim.stop();
  }
}
