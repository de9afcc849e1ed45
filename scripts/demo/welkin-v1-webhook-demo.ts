import { randomBytes } from 'node:crypto';
import type { Sink } from '../../shared/output/sink.js';
import { welkinV1ConfigFrom } from '../../shared/welkin-v1/config.js';
import {
  notificationJwt,
  sendUpdateNotification,
  startWelkinV1Simulator,
} from '../../simulators/welkin-v1/index.js';
import { startWelkinV1LocalService } from '../local/welkin-v1-local-service.js';

/**
 * The Welkin v1 ping and pull in the demo: two patients change in the v1 simulator, which signs a notification
 * for that window and posts it to the local receiver; a forged one (wrong key) is refused. The worker pulls
 * the window back through the Find pager.
 */
export async function runWelkinV1WebhookDemo(sink: Sink, say: (line: string) => void): Promise<void> {
  const sim = await startWelkinV1Simulator({ rowsPerResource: 40 });
  const signing = { clientId: 'clinic-pipe', secret: randomBytes(24).toString('hex') };
  const service = await startWelkinV1LocalService({
    sink,
    receiver: { credentials: [signing], maxBytes: 256 * 1024 },
    api: welkinV1ConfigFrom({
      WELKIN_V1_CLIENT_ID: sim.clientId,
      WELKIN_V1_CLIENT_SECRET: sim.clientSecret,
      WELKIN_V1_BASE_URL: sim.baseUrl,
    }),
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
    for (const key of [...(await sink.list('welkin-v1-events')), ...(await sink.list('welkin-v1-changes'))]) {
      say(`  ${sink.storageKey(key)}`);
    }
  } finally {
    await service.stop();
    await sim.stop();
  }
}
