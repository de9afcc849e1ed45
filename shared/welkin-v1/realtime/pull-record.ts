import { HttpError, MalformedResponseError } from '../../errors.js';
import { isRecord, parseLossless, toNdjsonLine } from '../../json/lossless.js';
import { deletionMarkerKey, realtimeChangeKey } from '../../layout/index.js';
import type { Sink } from '../../output/sink.js';
import type { WelkinV1Client } from '../client.js';
import { welkinV1Resource } from '../resources.js';
import type { RealtimeQueued } from './notification.js';

/** Safe to log: names, ids of records (GUIDs), keys. */
export type RealtimeOutcome =
  | { kind: 'pulled' | 'deleted'; resource: string; dedupeKey: string; key: string }
  | { kind: 'skipped'; resource: string; dedupeKey: string; reason: string };

/**
 * One realtime notification. `delete` writes a deletion marker at once (no request: the API said so, signed),
 * which the next current-state publish of the resource turns into a tombstone. `create`/`update` GETs the
 * record at `href`, only when it is this API's own `/v1/<resource>/<resource_id>` (the token never goes
 * elsewhere), and writes it as sent to the resource's change folder. Keys are the notification's dedupe key,
 * so a redelivery rewrites the same object. A 404 is never read as a deletion: the delete notification says
 * that. Failures throw, so the queue retries and finally dead-letters the message.
 */
export async function pullV1Record(options: {
  message: RealtimeQueued;
  client: WelkinV1Client;
  sink: Sink;
  now?: () => Date;
}): Promise<RealtimeOutcome> {
  const { message, client, sink } = options;
  const at = (options.now ?? (() => new Date()))();
  const resource = welkinV1Resource(message.resource);
  const ids = { resource: message.resource, dedupeKey: message.dedupeKey };
  if (!resource) return { kind: 'skipped', ...ids, reason: 'not a resource of the table' };
  const stamp = {
    _entity: resource.name,
    _id: message.resourceId,
    _action: message.action,
    _updatedAt: message.updatedAt,
    _pulledAt: at.toISOString(),
  };
  if (message.action === 'delete') {
    const key = deletionMarkerKey(resource.name, at, message.dedupeKey);
    await sink.putText(key, `${toNdjsonLine({ _deleted: true, ...stamp })}\n`, 'application/x-ndjson');
    return { kind: 'deleted', ...ids, resource: resource.name, key };
  }
  const url = recordUrl(message.href, client, resource.path, message.resourceId);
  if (!url) return { kind: 'skipped', ...ids, reason: 'href is not this API’s URL of the record' };
  let text: string;
  try {
    ({ text } = await client.http.request('GET', url.toString()));
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) {
      return { kind: 'skipped', ...ids, reason: 'the record is not found (a delete notification says so)' };
    }
    throw error;
  }
  const key = realtimeChangeKey(resource.name, at, message.dedupeKey);
  await sink.putText(key, `${recordLine(text, resource.name)}\n`, 'application/x-ndjson');
  return { kind: 'pulled', ...ids, resource: resource.name, key };
}

/** The Get answer `{data: {...}}` (the reference's), or a bare record, as one line, numbers as sent. */
function recordLine(text: string, resource: string): string {
  const where = `Welkin v1 ${resource} record`;
  const body = parseLossless(text, where);
  const record = isRecord(body) && isRecord(body.data) ? body.data : body;
  if (!isRecord(record) || record.id === undefined) {
    throw new MalformedResponseError(`${where}: the answer is not a record with an id`);
  }
  return toNdjsonLine(record);
}

/** `href` only when it is exactly `{base}/v1/<path>/<id>` on the API's origin. */
function recordUrl(href: string | null, client: WelkinV1Client, path: string, id: string): URL | undefined {
  if (!href) return undefined;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  const base = client.config.baseUrl;
  const expected = `${base.pathname.replace(/\/$/, '')}/v1/${path}/${encodeURIComponent(id)}`;
  const same = url.origin === base.origin && url.pathname === expected && !url.username && !url.password;
  return same ? new URL(`${url.origin}${url.pathname}`) : undefined;
}
