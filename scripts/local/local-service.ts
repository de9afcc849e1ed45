import { FileTokenStore } from '../../shared/auth/file-token-store.js';
import type { TokenStore } from '../../shared/auth/token-store.js';
import { configProblem } from '../../shared/config-error.js';
import type { Sink } from '../../shared/output/sink.js';
import { safeReason } from '../../shared/webhooks/safe-reason.js';
import { WelkinClient } from '../../shared/welkin/client.js';
import { welkinConfigFrom } from '../../shared/welkin/config.js';
import { welkinSource } from '../../shared/welkin/source.js';
import { type PullOutcome, pullChange } from '../../shared/welkin/webhooks/pull-change.js';
import type { QueuedNotice } from '../../shared/welkin/webhooks/queued-notice.js';
import type { ReceiveOutcome } from '../../shared/welkin/webhooks/receive-webhook.js';
import { DEFAULT_MAX_BYTES, DEFAULT_SECRET_HEADER } from '../../shared/welkin/webhooks/receiver-config.js';
import { webhookSecretsFrom } from '../../shared/welkin/webhooks/receiver-env.js';
import { WelkinRecordFetcher } from '../../shared/welkin/webhooks/welkin-record-fetcher.js';
import { InProcessQueue } from './in-process-queue.js';
import { startLocalWebhookServer } from './local-server.js';
import {
  type LocalServiceHandle,
  type LocalServiceReports,
  localServiceHandle,
} from './local-service-handle.js';

export interface LocalServiceOptions extends LocalServiceReports<ReceiveOutcome, PullOutcome> {
  port?: number;
  sink: Sink;
  /** WELKIN_WEBHOOK_SECRET, WEBHOOK_SECRET_HEADER, WEBHOOK_MAX_BYTES, and the WELKIN_* API settings. */
  env: Record<string, string | undefined>;
  /** Pulls at once (default 8). */
  concurrency?: number;
  tokenStore?: TokenStore;
}

export interface LocalService extends LocalServiceHandle<QueuedNotice> {
  client: WelkinClient;
}

/**
 * Receiver and pull worker in one process, wired as in AWS but with an in-process queue: what
 * `npm run webhook:serve` runs, and what the integration tests drive.
 */
export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const { env, sink } = options;
  const welkin = welkinConfigFrom(env);
  const secret = env.WELKIN_WEBHOOK_SECRET;
  const remedy = 'set it to a random string of at least 16 characters, e.g. "$(openssl rand -hex 24)"';
  if (!secret) throw configProblem('WELKIN_WEBHOOK_SECRET', 'not set', remedy);
  // Checked here too (webhookSecretsFrom applies the same rule) so the message comes before anything starts.
  if (secret.trim().length < 16)
    throw configProblem('WELKIN_WEBHOOK_SECRET', 'shorter than 16 characters', remedy);
  const maxBytes = env.WEBHOOK_MAX_BYTES ? Number(env.WEBHOOK_MAX_BYTES) : DEFAULT_MAX_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes <= 0)
    throw configProblem(
      'WEBHOOK_MAX_BYTES',
      'not a positive whole number',
      `set it to bytes, or unset it for ${DEFAULT_MAX_BYTES}`,
    );
  // The CLI's token file by default, so the receiver and local exports share one token.
  const store = options.tokenStore ?? new FileTokenStore(welkinSource.localTokenFile(welkin, env));
  const client = new WelkinClient(welkin, store);
  const fetcher = new WelkinRecordFetcher(client);
  const queue = new InProcessQueue(
    async (message) => {
      const outcome = await pullChange({ message, api: fetcher.api, fetcher, sink });
      options.onPull?.(outcome);
    },
    {
      concurrency: options.concurrency ?? 8,
      onFailure: (_message, error, attempt) => options.onPullFailure?.(safeReason(error), attempt),
    },
  );
  const server = await startLocalWebhookServer({
    port: options.port,
    sink,
    queue,
    onOutcome: options.onReceive,
    config: {
      secrets: webhookSecretsFrom(secret, 'WELKIN_WEBHOOK_SECRET'),
      secretHeader: (env.WEBHOOK_SECRET_HEADER || DEFAULT_SECRET_HEADER).toLowerCase(),
      maxBytes,
      tenant: welkin.tenant,
      instance: welkin.instance,
    },
  });
  return { ...localServiceHandle(server, queue), client };
}
