import { toNdjsonLine } from '../../json/lossless.js';
import { changeKey } from '../../layout/index.js';
import type { Sink } from '../../output/sink.js';
import { type PullTarget, pullTargetOf, type WelkinApiLocation } from './pull-target.js';
import type { QueuedNotice } from './queued-notice.js';
import type { RecordFetcher } from './record-fetcher.js';
import { isRecordGone, unconfirmedDeletion } from './welkin-not-found.js';

export interface PullOptions {
  message: QueuedNotice;
  api: WelkinApiLocation;
  fetcher: RecordFetcher;
  sink: Sink;
  now?: () => Date;
}

/** Safe to log: ids and keys only. */
export type PullOutcome =
  | { kind: 'pulled' | 'deleted'; entity: string; subtype: string; dedupeKey: string; key: string }
  | { kind: 'skipped'; entity: string; subtype: string; dedupeKey: string; reason: string };

/** Ids from the notice, kept with the pulled record so a change can be traced to its event. */
function noticeSummary(message: QueuedNotice, target: PullTarget) {
  const { notice } = message;
  return {
    eventEntity: notice.eventEntity,
    eventSubtype: notice.eventSubtype,
    sourceId: notice.sourceId,
    patientId: notice.patientId ?? null,
    initiatedTime: notice.initiatedTime ?? null,
    recordId: target.id,
    dedupeKey: message.dedupeKey,
    eventKey: message.eventKey,
    receivedAt: message.receivedAt,
  };
}

/**
 * The record's text as the API sent it with our fields appended as its last members (a record that is not an
 * object is kept under `_record`). The record is never parsed, so every number and escape stays as sent.
 */
function withStamp(json: string, stamp: Record<string, unknown>): string {
  const members = toNdjsonLine(stamp).slice(1, -1);
  if (!json.startsWith('{')) return `{"_record":${json},${members}}`;
  const body = json.slice(1, -1);
  return /^\s*$/.test(body) ? `{${members}}` : `{${body},${members}}`;
}

/**
 * Ping and pull for one queued notice: fetch the record as it is now and write it as one NDJSON line under
 * the notice's dedupe key. A record its own documented route says is missing becomes a deletion marker; any
 * other 404 fails the notice with nothing written (welkin-not-found.ts). The file is overwritten on a repeat
 * (SQS redelivery, Welkin redelivery): a later pull is never staler.
 */
export async function pullChange(options: PullOptions): Promise<PullOutcome> {
  const { message, sink } = options;
  const ids = {
    entity: message.notice.eventEntity,
    subtype: message.notice.eventSubtype,
    dedupeKey: message.dedupeKey,
  };
  const target = pullTargetOf(message.notice, options.api);
  if (!target) return { kind: 'skipped', ...ids, reason: 'no single-record path for this entity' };
  const result = await options.fetcher.fetch(target.url, target.entity);
  if (!result.found && !isRecordGone(target, result.codes)) {
    throw unconfirmedDeletion(target, result.status, result.codes);
  }
  const pulledAt = (options.now ?? (() => new Date()))();
  const stamp = { _notice: noticeSummary(message, target), _pulledAt: pulledAt.toISOString() };
  const line = result.found
    ? withStamp(result.json, stamp)
    : toNdjsonLine({ _deleted: true, _entity: target.entity, _id: target.id, ...stamp });
  const key = changeKey(target.entity, pulledAt, message.dedupeKey);
  await sink.putText(key, `${line}\n`, 'application/x-ndjson');
  return { kind: result.found ? 'pulled' : 'deleted', ...ids, key };
}
