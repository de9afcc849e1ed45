import { v1EventKey } from '../../layout/index.js';
import type { Sink } from '../../output/sink.js';
import { type JsonReply, jsonReply } from '../../webhooks/json-reply.js';
import { storeThenQueue } from '../../webhooks/store-then-queue.js';
import {
  type HeaderValue,
  headerValue,
  readJsonBody,
  type WebhookRequest,
} from '../../webhooks/webhook-request.js';
import { defaultRealtimeDeps, type RealtimeDeps, receiveV1Realtime } from '../realtime/receive-realtime.js';
import type { SnsRefusal } from '../realtime/sns-verifier.js';
import { describeNotificationIssue, v1NotificationSchema } from './notice.js';
import { checkNotificationJwt, type JwtRefusal } from './notification-jwt.js';
import { toV1QueuedNotice, type V1NoticeQueue, v1DedupeKeyOf } from './queued-notice.js';
import type { V1ReceiverConfig } from './receiver-config.js';

export type { HeaderValue };

export interface V1WebhookRequest extends WebhookRequest {
  /** The URL the request arrived at, without query: the JWT's `aud` unless the config names one. */
  url: string;
}

export interface V1ReceiveOptions {
  request: V1WebhookRequest;
  config: V1ReceiverConfig;
  sink: Sink;
  queue: V1NoticeQueue;
  now?: () => Date;
  /** SNS signature checks and the subscription's confirming GET; default: the real ones over https. */
  realtime?: RealtimeDeps;
}

/** Safe to log: never the token, the body, or a URL from the notice. */
export type V1ReceiveOutcome =
  | { kind: 'rejected'; reason: string; jwt?: JwtRefusal; sns?: SnsRefusal }
  | { kind: 'accepted'; dedupeKey: string; entries: number; duplicate: boolean }
  | { kind: 'accepted'; realtime: 'confirmed'; topicArn: string }
  | { kind: 'accepted'; realtime: 'unsubscribed' }
  | {
      kind: 'accepted';
      realtime: 'notification';
      action: 'create' | 'update' | 'delete';
      dedupeKey: string;
      duplicate: boolean;
    }
  | { kind: 'failed'; dedupeKey: string; stage: 'store' | 'enqueue' | 'confirm'; error: string };

export type V1WebhookResponse = JsonReply<V1ReceiveOutcome>;

function reject(statusCode: number, error: string, message: string, extra = {}, jwt?: JwtRefusal) {
  const outcome: V1ReceiveOutcome = { kind: 'rejected', reason: error, ...(jwt ? { jwt } : {}) };
  return jsonReply(statusCode, { error, message }, outcome, extra);
}

function bearerOf(headers: Record<string, HeaderValue>): string | undefined {
  return /^Bearer\s+([A-Za-z0-9_=.-]+)$/i.exec(headerValue(headers, 'authorization') ?? '')?.[1];
}

let productionRealtime: RealtimeDeps | undefined;

/**
 * One v1 delivery, transport-independent (Lambda Function URL and the local server share it). With an
 * Authorization header it is a legacy update notification: the bearer JWT (`aud` = our notify URL exactly, as
 * the reference says) first, then size, encoding, JSON and schema; nothing is stored unless all pass. Without
 * one it is an SNS message or a raw realtime notification (realtime/receive-realtime.ts). An accepted
 * notification is stored once (by its dedupe key) before the 2xx, then queued for the pull; a redelivery is
 * queued again, since the first enqueue may be the step that failed.
 */
export async function receiveV1Notification(options: V1ReceiveOptions): Promise<V1WebhookResponse> {
  const { request, config, sink, queue } = options;
  const now = options.now ?? (() => new Date());
  if (request.method.toUpperCase() !== 'POST') {
    return reject(405, 'method_not_allowed', 'only POST is accepted', { allow: 'POST' });
  }
  const notifyUrl = config.notifyUrl ?? request.url;
  if (headerValue(request.headers, 'authorization') === undefined) {
    // One verifier per process in production, so fetched SNS certificates are cached across deliveries.
    productionRealtime ??= options.realtime ? undefined : defaultRealtimeDeps();
    const deps = options.realtime ?? (productionRealtime as RealtimeDeps);
    return receiveV1Realtime({ request, config, sink, queue, now, notifyUrl, deps });
  }
  const refusal = await checkNotificationJwt(
    bearerOf(request.headers),
    config.credentials,
    [notifyUrl],
    now().getTime(),
  );
  if (refusal) {
    return reject(
      401,
      'unauthorized',
      'missing or invalid bearer token',
      { 'www-authenticate': 'Bearer' },
      refusal,
    );
  }
  const body = readJsonBody(request, config.maxBytes, JSON.parse);
  if ('refusal' in body) return reject(body.refusal.statusCode, body.refusal.error, body.refusal.message);
  const { raw } = body;
  const parsed = v1NotificationSchema.safeParse(raw);
  if (!parsed.success) {
    return reject(
      400,
      'invalid_notice',
      `not a v1 update notification: ${describeNotificationIssue(parsed.error)}`,
    );
  }
  const entries = parsed.data;
  const receivedAt = now();
  const dedupeKey = v1DedupeKeyOf(entries);
  const key = v1EventKey(receivedAt, dedupeKey);
  const line = JSON.stringify({
    notices: raw,
    _receivedAt: receivedAt.toISOString(),
    _dedupeKey: dedupeKey,
  });
  const result = await storeThenQueue(sink, key, line, () =>
    queue.send(toV1QueuedNotice(entries, dedupeKey, key, receivedAt)),
  );
  if (!result.ok) {
    const { stage, error, message } = result;
    return jsonReply<V1ReceiveOutcome>(
      500,
      { error: 'unavailable', message },
      { kind: 'failed', dedupeKey, stage, error },
    );
  }
  const { duplicate } = result;
  const outcome = { kind: 'accepted', dedupeKey, entries: entries.length, duplicate } as const;
  return jsonReply<V1ReceiveOutcome>(200, { ok: true, dedupeKey, duplicate }, outcome);
}
