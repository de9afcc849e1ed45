import { randomBytes } from 'node:crypto';
import { WEBHOOK_FOLDERS } from '../../shared/layout/index.js';
import type { Sink } from '../../shared/output/sink.js';
import type { WelkinSimulator } from '../../simulators/welkin/index.js';
import { startLocalService } from '../local/local-service.js';

/**
 * The webhook path of the demo: a notice for one patient goes to the local receiver with the shared secret,
 * a forged one without it, and the worker pulls the current record from the Welkin simulator.
 */
export async function runWebhookDemo(
  welkin: WelkinSimulator,
  sink: Sink,
  say: (line: string) => void,
  tokenFile: string,
): Promise<void> {
  const secret = randomBytes(24).toString('hex');
  const service = await startLocalService({
    sink,
    env: {
      WELKIN_WEBHOOK_SECRET: secret,
      WELKIN_TENANT: welkin.tenant,
      WELKIN_INSTANCE: welkin.instance,
      WELKIN_CLIENT_NAME: welkin.clientName,
      WELKIN_CLIENT_SECRET: welkin.secret,
      WELKIN_BASE_URL: welkin.baseUrl,
      WELKIN_TOKEN_FILE: tokenFile,
    },
  });
  try {
    const patientId = welkin.liveIds('PATIENT')[0] ?? '';
    const notice = {
      sourceId: patientId,
      patientId,
      tenantName: welkin.tenant,
      instanceName: welkin.instance,
      eventEntity: 'PATIENT',
      eventSubtype: 'PATIENT_UPDATED',
      initiatedTime: new Date().toISOString(),
    };
    const post = (headers: Record<string, string>) =>
      fetch(service.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(notice),
      });
    const accepted = await post({ 'x-webhook-secret': secret });
    const forged = await post({ 'x-webhook-secret': 'not-the-secret' });
    await service.drain();
    const events = await sink.list(WEBHOOK_FOLDERS.welkinEvents);
    const changes = await sink.list(WEBHOOK_FOLDERS.welkinChanges);
    say(
      `Webhook receiver on ${service.server.url}: notice with the secret -> ${accepted.status}, forged -> ${forged.status}`,
    );
    say(`  stored notice: ${events.map((key) => sink.storageKey(key)).join(', ')}`);
    say(`  pulled record: ${changes.map((key) => sink.storageKey(key)).join(', ')}`);
  } finally {
    await service.stop();
  }
}
