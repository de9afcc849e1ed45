import { IdHashSet } from '../../export/id-hash-set.js';
import { NdjsonPartWriter } from '../../output/ndjson-part-writer.js';
import { joinKey, type Sink } from '../../output/sink.js';
import type { WelkinV1Client } from '../client.js';
import { FindPager } from '../find-pager.js';
import { welkinV1Resource } from '../resources.js';
import { v1ChangeFolder } from './layout.js';
import type { V1QueuedNotice } from './queued-notice.js';

/** Safe to log: names, counts and keys only. */
export type V1PullOutcome =
  | { kind: 'pulled'; resource: string; dedupeKey: string; entry: number; records: number; folder: string }
  | { kind: 'skipped'; resource: string; dedupeKey: string; entry: number; reason: string };

const MAX_PART_BYTES = 64 * 1024 * 1024;

/**
 * The "pull" of ping and pull: each entry's window is asked for again through the v1 Find pager (its token,
 * origin pinning, next links, tie handling and end confirmation), and the changed records go to the entry's
 * change folder, `_pulled.json` last. The notice's `href` is checked, never followed: the request is built
 * from our resource table, so a notice cannot steer the token anywhere. A repeat (SQS or Welkin redelivery)
 * rewrites the same keys with fresher data. A failure deletes what this attempt wrote and throws, so the
 * queue retries and finally dead-letters it.
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
  const folder = v1ChangeFolder(resource.name, pulledAt, message.dedupeKey, entry);
  const writer = new NdjsonPartWriter({ sink, folder, compress: false, maxPartBytes: MAX_PART_BYTES });
  // A window can be large (a bulk edit): the engine's compact id set, not a Set of strings.
  const seen = new IdHashSet();
  let records = 0;
  try {
    const pager = new FindPager(client, resource);
    // The window as notified, both ends as Welkin wrote them (microseconds kept).
    for await (const page of pager.pages({ since: notice.from, until: notice.to })) {
      const lines = page.records.filter((record) => seen.add(record.id));
      await writer.writeLines(lines.map((record) => record.json));
      records += lines.length;
    }
    const files = await writer.close();
    const summary = {
      ...ids,
      from: notice.from,
      to: notice.to,
      pulledAt: pulledAt.toISOString(),
      records,
      files,
    };
    await sink.putText(joinKey(folder, '_pulled.json'), `${JSON.stringify(summary)}\n`);
    return { kind: 'pulled', ...ids, records, folder };
  } catch (error) {
    await writer.abort().catch(() => undefined);
    await Promise.all(
      writer.files.map((file) => sink.delete(joinKey(folder, file.path)).catch(() => undefined)),
    );
    throw error;
  }
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
