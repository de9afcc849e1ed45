import { IdHashSet } from '../../export/id-hash-set.js';
import { v1ChangeKey } from '../../layout/index.js';
import type { Sink, Upload } from '../../output/sink.js';
import type { WelkinV1Client } from '../client.js';
import { FindPager } from '../find-pager.js';
import { welkinV1Resource } from '../resources.js';
import type { V1QueuedNotice } from './queued-notice.js';

/** Safe to log: names, counts and keys only. */
export type V1PullOutcome =
  | { kind: 'pulled'; resource: string; dedupeKey: string; entry: number; records: number; key?: string }
  | { kind: 'skipped'; resource: string; dedupeKey: string; entry: number; reason: string };

/**
 * The "pull" of ping and pull: each entry's window is asked for again through the v1 Find pager (its token,
 * origin pinning, next links, tie handling and end confirmation), and the changed records go to the entry's
 * change folder, `_pulled.json` last. The notice's `href` is checked, never followed: the request is built
 * from our resource table, so a notice cannot steer the token anywhere. Records stream into one upload per
 * entry, visible only once complete (none for an empty window). A repeat (SQS or Welkin redelivery) rewrites
 * the same key with fresher data. A failure aborts the upload and throws, so the queue retries and finally
 * dead-letters the notice.
 */
export async function pullV1Notice(options: {
  message: V1QueuedNotice;
  client: WelkinV1Client;
  sink: Sink;
  now?: () => Date;
}): Promise<V1PullOutcome[]> {
  const outcomes: V1PullOutcome[] = [];
  for (const [entry, notice] of options.message.entries.entries()) {
    outcomes.push(await pullEntry(options, entry, notice));
  }
  return outcomes;
}

async function pullEntry(
  options: { message: V1QueuedNotice; client: WelkinV1Client; sink: Sink; now?: () => Date },
  entry: number,
  notice: V1QueuedNotice['entries'][number],
): Promise<V1PullOutcome> {
  const { client, sink, message } = options;
  const ids = { resource: notice.resource, dedupeKey: message.dedupeKey, entry };
  const resource = welkinV1Resource(notice.resource);
  if (!resource) return { kind: 'skipped', ...ids, reason: 'not a resource of the table' };
  if (!hrefMatches(notice.href, client, resource.path)) {
    return { kind: 'skipped', ...ids, reason: 'href is not this API’s Find URL for the resource' };
  }
  const pulledAt = (options.now ?? (() => new Date()))();
  const key = v1ChangeKey(resource.name, pulledAt, message.dedupeKey, entry);
  // A window can be large (a bulk edit): the engine's compact id set, not a Set of strings.
  const seen = new IdHashSet();
  let upload: Upload | undefined;
  let records = 0;
  try {
    // The window as notified, both ends as Welkin wrote them (microseconds kept).
    for await (const page of new FindPager(client, resource).pages({
      since: notice.from,
      until: notice.to,
    })) {
      const lines = page.records.filter((record) => seen.add(record.id)).map((record) => record.json);
      if (lines.length === 0) continue;
      upload ??= sink.openUpload(key, 'application/x-ndjson');
      await upload.write(Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
      records += lines.length;
    }
    await upload?.finish();
  } catch (error) {
    await upload?.abort().catch(() => undefined);
    throw error;
  }
  return { kind: 'pulled', ...ids, records, ...(upload ? { key } : {}) };
}

/** The notice's href must be a Find URL on the API's origin for that very resource. */
function hrefMatches(href: string, client: WelkinV1Client, path: string): boolean {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  const base = client.config.baseUrl;
  const expected = `${base.pathname.replace(/\/$/, '')}/v1/${path}`;
  return url.origin === base.origin && url.pathname === expected && !url.username && !url.password;
}
