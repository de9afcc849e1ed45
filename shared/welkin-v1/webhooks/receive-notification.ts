import { describeError } from '../../errors.js';
import type { Sink } from '../../output/sink.js';
import { v1EventKey } from './layout.js';
import { describeNotificationIssue, v1NotificationSchema } from './notice.js';
import { checkNotificationJwt, type JwtRefusal } from './notification-jwt.js';
import { toV1QueuedNotice, type V1NoticeQueue, v1DedupeKeyOf } from './queued-notice.js';
import type { V1ReceiverConfig } from './receiver-config.js';

export type HeaderValue = string | string[] | undefined;

export interface V1WebhookRequest {
  method: string;
  headers: Record<string, HeaderValue>;
  /** The raw body; `truncated` says the transport stopped reading it past the size limit. */
  body: string | Uint8Array | undefined;
  truncated?: boolean;
  /** The URL the request arrived at, without query: the JWT's `aud` unless the config names one. */
  url: string;
}

export interface V1ReceiveOptions {
  request: V1WebhookRequest;
  config: V1ReceiverConfig;
  sink: Sink;
  queue: V1NoticeQueue;
  now?: () => Date;
}

/** Safe to log: never the token, the body, or a URL from the notice. */
export type V1ReceiveOutcome =
  | { kind: 'rejected'; reason: string; jwt?: JwtRefusal }
  | { kind: 'accepted'; dedupeKey: string; entries: number; duplicate: boolean }
  | { kind: 'failed'; dedupeKey: string; stage: 'store' | 'enqueue'; error: string };

export interface V1WebhookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  outcome: V1ReceiveOutcome;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const utf8 = new TextDecoder('utf-8', { fatal: true });

function reply(statusCode: number, body: object, outcome: V1ReceiveOutcome, extra = {}): V1WebhookResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...extra }, body: JSON.stringify(body), outcome };
}

function reject(statusCode: number, error: string, message: string, extra = {}, jwt?: JwtRefusal) {
  return reply(
    statusCode,
    { error, message },
    { kind: 'rejected', reason: error, ...(jwt ? { jwt } : {}) },
    extra,
  );
}

function bearerOf(headers: Record<string, HeaderValue>): string | undefined {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === 'authorization');
  const value = entry?.[1];
  // A repeated header is ambiguous; treat it as not presented.
  const text = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
  return /^Bearer\s+([A-Za-z0-9_=.-]+)$/i.exec(text ?? '')?.[1];
}

function byteLength(body: string | Uint8Array | undefined): number {
  if (body === undefined) return 0;
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

function decode(body: string | Uint8Array | undefined): string | undefined {
  if (body === undefined || typeof body === 'string') return body ?? '';
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

/** The URL with and without a trailing slash: Welkin signs the URL it was given, either way. */
function audiencesOf(url: string): string[] {
  const bare = url.replace(/\/+$/, '');
  return [bare, `${bare}/`];
}

/**
 * One v1 update notification, transport-independent (Lambda Function URL and the local server share it).
 * Authentication first, then size, encoding, JSON and schema; nothing is stored unless all pass. An accepted
 * notification is stored once (by its dedupe key) before the 2xx, then queued for the pull; a redelivery is
 * queued again, since the first enqueue may be the step that failed.
 */
export async function receiveV1Notification(options: V1ReceiveOptions): Promise<V1WebhookResponse> {
  const { request, config, sink, queue } = options;
  const now = options.now ?? (() => new Date());
  if (request.method.toUpperCase() !== 'POST') {
    return reject(405, 'method_not_allowed', 'only POST is accepted', { allow: 'POST' });
  }
  const audiences = audiencesOf(config.notifyUrl ?? request.url);
  const refusal = await checkNotificationJwt(
    bearerOf(request.headers),
    config.credentials,
    audiences,
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
  if (request.truncated || byteLength(request.body) > config.maxBytes) {
    return reject(413, 'payload_too_large', `body exceeds ${config.maxBytes} bytes`);
  }
  const text = decode(request.body);
  if (text === undefined) return reject(400, 'invalid_body', 'body is not valid UTF-8');
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return reject(400, 'invalid_json', 'body is not valid JSON');
  }
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
  const stored = JSON.stringify({
    notices: raw,
    _receivedAt: receivedAt.toISOString(),
    _dedupeKey: dedupeKey,
  });
  let fresh: boolean;
  try {
    fresh = await sink.putTextIfAbsent(key, `${stored}\n`, 'application/x-ndjson');
  } catch (error) {
    const outcome = { kind: 'failed', dedupeKey, stage: 'store', error: describeError(error) } as const;
    return reply(500, { error: 'unavailable', message: 'could not store the notice; retry later' }, outcome);
  }
  try {
    await queue.send(toV1QueuedNotice(entries, dedupeKey, key, receivedAt));
  } catch (error) {
    const outcome = { kind: 'failed', dedupeKey, stage: 'enqueue', error: describeError(error) } as const;
    return reply(500, { error: 'unavailable', message: 'could not queue the notice; retry later' }, outcome);
  }
  const outcome = { kind: 'accepted', dedupeKey, entries: entries.length, duplicate: !fresh } as const;
  return reply(200, { ok: true, dedupeKey, duplicate: !fresh }, outcome);
}
