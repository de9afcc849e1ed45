import { describeError } from '../../errors.js';
import { parseLossless, toNdjsonLine } from '../../json/lossless.js';
import type { Sink } from '../../output/sink.js';
import { secretMatches } from '../../webhooks/secret-compare.js';
import { dedupeKeyOf } from './dedupe-key.js';
import { eventDateOf, eventKey } from './layout.js';
import { describeNoticeIssue, welkinNoticeSchema } from './notice.js';
import { type NoticeQueue, toQueuedNotice } from './queued-notice.js';
import type { ReceiverConfig } from './receiver-config.js';

export type HeaderValue = string | string[] | undefined;

export interface WebhookRequest {
  method: string;
  headers: Record<string, HeaderValue>;
  /** The raw body; `truncated` says the transport stopped reading it past the size limit. */
  body: string | Uint8Array | undefined;
  truncated?: boolean;
}

export interface ReceiveOptions {
  request: WebhookRequest;
  config: ReceiverConfig;
  sink: Sink;
  queue: NoticeQueue;
  now?: () => Date;
}

/** Safe to log: never the secret, the body, or names from the notice. */
export type ReceiveOutcome =
  | { kind: 'rejected'; reason: string }
  | {
      kind: 'accepted';
      entity: string;
      subtype: string;
      dedupeKey: string;
      duplicate: boolean;
      /**
       * Set when the notice had no initiatedTime: every such notice for the record and subtype shares its dedupe
       * key, so a second change on the same day reads as a duplicate (its record is still pulled). Logged so
       * operators can count how often that happens.
       */
      withoutInitiatedTime?: true;
    }
  | {
      kind: 'failed';
      entity: string;
      subtype: string;
      dedupeKey: string;
      stage: 'store' | 'enqueue';
      error: string;
    };

export interface WebhookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  outcome: ReceiveOutcome;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function reply(statusCode: number, body: object, outcome: ReceiveOutcome, extra = {}): WebhookResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...extra }, body: JSON.stringify(body), outcome };
}

function reject(statusCode: number, error: string, message: string, extra = {}): WebhookResponse {
  return reply(statusCode, { error, message }, { kind: 'rejected', reason: error }, extra);
}

function headerValue(headers: Record<string, HeaderValue>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    // A repeated header is ambiguous; treat it as not presented.
    return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
  }
  return undefined;
}

function byteLength(body: string | Uint8Array | undefined): number {
  if (body === undefined) return 0;
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(body: string | Uint8Array | undefined): string | undefined {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

/**
 * One webhook delivery, transport-independent (Lambda Function URL and the local server share it). Checks
 * run cheapest-and-least-revealing first; nothing is stored unless all pass. An accepted notice is written
 * (once, keyed by its dedupe key) before the 2xx, then queued for the pull. Every delivery is queued, a
 * redelivery too: if the store succeeded but the enqueue did not, the 5xx makes Welkin retry, and the
 * retry must still reach the queue.
 */
export async function receiveWebhook(options: ReceiveOptions): Promise<WebhookResponse> {
  const { request, config, sink, queue } = options;
  if (request.method.toUpperCase() !== 'POST') {
    return reject(405, 'method_not_allowed', 'only POST is accepted', { allow: 'POST' });
  }
  if (!secretMatches(headerValue(request.headers, config.secretHeader), config.secrets)) {
    return reject(401, 'unauthorized', `missing or wrong ${config.secretHeader} header`);
  }
  if (request.truncated || byteLength(request.body) > config.maxBytes) {
    return reject(413, 'payload_too_large', `body exceeds ${config.maxBytes} bytes`);
  }
  const text = decode(request.body);
  if (text === undefined) return reject(400, 'invalid_body', 'body is not valid UTF-8');
  let raw: unknown;
  try {
    raw = parseLossless(text.replace(/^\uFEFF/, ''), 'webhook body');
  } catch {
    return reject(400, 'invalid_json', 'body is not valid JSON');
  }
  const parsed = welkinNoticeSchema.safeParse(raw);
  if (!parsed.success) {
    return reject(400, 'invalid_notice', `not a Welkin notice: ${describeNoticeIssue(parsed.error)}`);
  }
  const notice = parsed.data;
  if (notice.tenantName !== config.tenant || notice.instanceName !== config.instance) {
    return reject(403, 'wrong_tenant', 'notice is for another tenant or instance');
  }

  const receivedAt = (options.now ?? (() => new Date()))();
  const dedupeKey = dedupeKeyOf(notice);
  const key = eventKey(eventDateOf(notice.initiatedTime, receivedAt), dedupeKey);
  const ids = { entity: notice.eventEntity, subtype: notice.eventSubtype, dedupeKey };
  // The stored line is the body as received (lossless numbers, unknown fields, key order) plus our fields.
  const line = toNdjsonLine({
    ...(raw as Record<string, unknown>),
    _receivedAt: receivedAt.toISOString(),
    _dedupeKey: dedupeKey,
  });
  let stored: boolean;
  try {
    stored = await sink.putTextIfAbsent(key, `${line}\n`, 'application/x-ndjson');
  } catch (error) {
    return reply(
      500,
      { error: 'unavailable', message: 'could not store the notice; retry later' },
      { kind: 'failed', ...ids, stage: 'store', error: describeError(error) },
    );
  }
  try {
    await queue.send(toQueuedNotice(notice, dedupeKey, key, receivedAt));
  } catch (error) {
    return reply(
      500,
      { error: 'unavailable', message: 'could not queue the notice; retry later' },
      { kind: 'failed', ...ids, stage: 'enqueue', error: describeError(error) },
    );
  }
  return reply(
    200,
    { ok: true, dedupeKey, duplicate: !stored },
    {
      kind: 'accepted',
      ...ids,
      duplicate: !stored,
      ...(notice.initiatedTime ? {} : { withoutInitiatedTime: true as const }),
    },
  );
}
