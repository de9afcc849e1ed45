import { parseLossless, toNdjsonLine } from '../../json/lossless.js';
import { eventKey } from '../../layout/index.js';
import type { Sink } from '../../output/sink.js';
import { type JsonReply, jsonReply } from '../../webhooks/json-reply.js';
import { secretMatches } from '../../webhooks/secret-compare.js';
import { storeThenQueue } from '../../webhooks/store-then-queue.js';
import {
  type HeaderValue,
  headerValue,
  readJsonBody,
  type WebhookRequest,
} from '../../webhooks/webhook-request.js';
import { dedupeKeyOf } from './dedupe-key.js';
import { eventDateOf } from './event-date.js';
import { describeNoticeIssue, welkinNoticeSchema } from './notice.js';
import { type NoticeQueue, toQueuedNotice } from './queued-notice.js';
import type { ReceiverConfig } from './receiver-config.js';

export type { HeaderValue, WebhookRequest };

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

export type WebhookResponse = JsonReply<ReceiveOutcome>;

function reject(statusCode: number, error: string, message: string, extra = {}): WebhookResponse {
  return jsonReply<ReceiveOutcome>(
    statusCode,
    { error, message },
    { kind: 'rejected', reason: error },
    extra,
  );
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
  const body = readJsonBody(request, config.maxBytes, (text) => parseLossless(text, 'webhook body'));
  if ('refusal' in body) return reject(body.refusal.statusCode, body.refusal.error, body.refusal.message);
  const { raw } = body;
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
  const result = await storeThenQueue(sink, key, line, () =>
    queue.send(toQueuedNotice(notice, dedupeKey, key, receivedAt)),
  );
  if (!result.ok) {
    const { stage, error, message } = result;
    return jsonReply<ReceiveOutcome>(
      500,
      { error: 'unavailable', message },
      { kind: 'failed', ...ids, stage, error },
    );
  }
  return jsonReply<ReceiveOutcome>(
    200,
    { ok: true, dedupeKey, duplicate: result.duplicate },
    {
      kind: 'accepted',
      ...ids,
      duplicate: result.duplicate,
      ...(notice.initiatedTime ? {} : { withoutInitiatedTime: true as const }),
    },
  );
}
