import { realtimeEventKey, subscriptionKey } from '../../layout/index.js';
import type { Sink } from '../../output/sink.js';
import { jsonReply } from '../../webhooks/json-reply.js';
import { storeThenQueue } from '../../webhooks/store-then-queue.js';
import { readJsonBody } from '../../webhooks/webhook-request.js';
import type { V1NoticeQueue } from '../webhooks/queued-notice.js';
import type {
  V1ReceiveOutcome,
  V1WebhookRequest,
  V1WebhookResponse,
} from '../webhooks/receive-notification.js';
import type { V1ReceiverConfig } from '../webhooks/receiver-config.js';
import {
  type RealtimeNotification,
  realtimeDedupeKey,
  realtimeNotificationSchema,
  toRealtimeQueued,
} from './notification.js';
import { checkRealtimeJwt } from './realtime-jwt.js';
import { type SnsMessage, snsMessageSchema, snsUrl } from './sns-message.js';
import { fetchText, SnsVerifier } from './sns-verifier.js';

/** What realtime delivery needs from outside: SNS signature checks and the confirming GET (injectable). */
export interface RealtimeDeps {
  verifier: SnsVerifier;
  /** GETs a SubscribeURL already checked to be https on an SNS host, and verified by signature. */
  confirmSubscription(url: URL): Promise<void>;
}

/** The production dependencies: certificates and confirmations fetched from SNS over https. */
export function defaultRealtimeDeps(): RealtimeDeps {
  return {
    verifier: new SnsVerifier(),
    confirmSubscription: async (url) => {
      await fetchText(url, 64 * 1024);
    },
  };
}

interface RealtimeContext {
  request: V1WebhookRequest;
  config: V1ReceiverConfig;
  sink: Sink;
  queue: V1NoticeQueue;
  now: () => Date;
  notifyUrl: string;
  deps: RealtimeDeps;
}

function reject(status: number, error: string, message: string, detail: Partial<V1ReceiveOutcome> = {}) {
  const outcome = { kind: 'rejected', reason: error, ...detail } as V1ReceiveOutcome;
  const extra: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer' } : {};
  return jsonReply<V1ReceiveOutcome>(status, { error, message }, outcome, extra);
}

/**
 * A delivery without a bearer token: an SNS message (subscription confirmation, or a notification in SNS's
 * envelope) or a raw realtime notification. SNS messages count only when their SNS signature verifies against
 * a certificate from an SNS host; a notification only when its `jwt` verifies too. Anything else is
 * unauthenticated: 401, nothing fetched, nothing stored.
 */
export async function receiveV1Realtime(context: RealtimeContext): Promise<V1WebhookResponse> {
  const body = readJsonBody(context.request, context.config.maxBytes, JSON.parse);
  if ('refusal' in body) return reject(body.refusal.statusCode, body.refusal.error, body.refusal.message);
  const sns = snsMessageSchema.safeParse(body.raw);
  if (sns.success) return snsDelivery(context, sns.data);
  const raw = realtimeNotificationSchema.safeParse(body.raw);
  if (raw.success) return notificationDelivery(context, raw.data, undefined);
  return reject(401, 'unauthorized', 'missing or invalid bearer token', { jwt: 'missing' });
}

async function snsDelivery(context: RealtimeContext, message: SnsMessage): Promise<V1WebhookResponse> {
  const topics = context.config.snsTopicArns;
  // Before anything is fetched: an unexpected topic costs no request.
  if (topics && !topics.includes(message.TopicArn)) {
    return reject(403, 'invalid_sns_message', 'not a topic this receiver takes', { sns: 'topic' });
  }
  const refusal = await context.deps.verifier.refusal(message);
  if (refusal) return reject(403, 'invalid_sns_message', 'not a verifiable SNS message', { sns: refusal });
  if (message.Type === 'UnsubscribeConfirmation') {
    return jsonReply<V1ReceiveOutcome>(200, { ok: true }, { kind: 'accepted', realtime: 'unsubscribed' });
  }
  if (message.Type === 'SubscriptionConfirmation') return confirm(context, message);
  let inner: unknown;
  try {
    inner = JSON.parse(message.Message);
  } catch {
    return reject(400, 'invalid_notice', 'the SNS Message is not JSON');
  }
  const parsed = realtimeNotificationSchema.safeParse(inner);
  if (!parsed.success) return reject(400, 'invalid_notice', 'the SNS Message is not a realtime notification');
  return notificationDelivery(context, parsed.data, message);
}

/** GET of the SubscribeURL (checked and signature-verified), then the subscription's record, then 200. */
async function confirm(context: RealtimeContext, message: SnsMessage): Promise<V1WebhookResponse> {
  const url = snsUrl(message.SubscribeURL) as URL;
  const { MessageId: messageId, TopicArn: topicArn } = message;
  try {
    await context.deps.confirmSubscription(url);
    const record = { type: message.Type, topicArn, messageId, timestamp: message.Timestamp, host: url.host };
    const line = JSON.stringify({ ...record, _confirmedAt: context.now().toISOString() });
    await context.sink.putText(subscriptionKey(messageId), `${line}\n`, 'application/x-ndjson');
  } catch {
    const outcome: V1ReceiveOutcome = {
      kind: 'failed',
      dedupeKey: messageId,
      stage: 'confirm',
      error: 'confirm',
    };
    return jsonReply(502, { error: 'unavailable', message: 'could not confirm; retry later' }, outcome);
  }
  return jsonReply<V1ReceiveOutcome>(
    200,
    { ok: true },
    { kind: 'accepted', realtime: 'confirmed', topicArn },
  );
}

async function notificationDelivery(
  context: RealtimeContext,
  notification: RealtimeNotification,
  envelope: SnsMessage | undefined,
): Promise<V1WebhookResponse> {
  const { config, notifyUrl } = context;
  const jwt = await checkRealtimeJwt(
    notification.jwt,
    config.credentials,
    notifyUrl,
    context.now().getTime(),
  );
  if (jwt) return reject(401, 'unauthorized', 'the notification jwt does not verify', { jwt });
  if (notification.send_to !== undefined && notification.send_to !== notifyUrl) {
    return reject(401, 'unauthorized', 'the notification was sent to another URL', { jwt: 'audience' });
  }
  const receivedAt = context.now();
  const dedupeKey = realtimeDedupeKey(notification);
  const key = realtimeEventKey(receivedAt, dedupeKey);
  // The jwt is not kept: it is a credential of sorts, and it has done its work.
  const { jwt: _jwt, ...kept } = notification;
  const line = JSON.stringify({
    ...kept,
    ...(envelope ? { _sns: { messageId: envelope.MessageId, topicArn: envelope.TopicArn } } : {}),
    _receivedAt: receivedAt.toISOString(),
    _dedupeKey: dedupeKey,
  });
  const result = await storeThenQueue(context.sink, key, line, () =>
    context.queue.send(toRealtimeQueued(notification, dedupeKey, key, receivedAt)),
  );
  if (!result.ok) {
    const { stage, error, message } = result;
    return jsonReply<V1ReceiveOutcome>(
      500,
      { error: 'unavailable', message },
      { kind: 'failed', dedupeKey, stage, error },
    );
  }
  const outcome: V1ReceiveOutcome = {
    kind: 'accepted',
    realtime: 'notification',
    action: notification.notification.action,
    dedupeKey,
    duplicate: result.duplicate,
  };
  return jsonReply<V1ReceiveOutcome>(200, { ok: true, dedupeKey, duplicate: result.duplicate }, outcome);
}
