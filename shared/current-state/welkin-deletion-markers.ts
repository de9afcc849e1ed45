import { SinkError } from '../errors.js';
import { deletionMarkerFolder, webhookDayFolder, welkinChangesFolder } from '../layout/index.js';
import type { Sink } from '../output/sink.js';
import { welkinV1Resource } from '../welkin-v1/resources.js';

/**
 * The `welkin-changes/<entity>/` folders whose deletion markers remove records of a Welkin resource. Entity
 * folders are the notice's entity in lower case, as the webhook worker names them (aliases included).
 */
const MARKER_FOLDERS: Record<string, readonly string[]> = {
  patients: ['patient'],
  calendar_events: ['calendar', 'calendar_event'],
  assessments: ['assessment', 'assessment_record'],
  cdt_records: ['cdt', 'cdt_record'],
  encounters: ['encounter'],
};

const DAY_MS = 86_400_000;

/**
 * The folders holding deletion markers of a resource: V8's worker writes them among its pulled records under
 * `welkin-changes/<entity>/`; the welkin-v1 realtime worker writes them alone under
 * `welkin-v1-deletions/<resource>/` (its change folders hold whole windows, never read here).
 */
function markerFolders(source: string, resource: string): string[] {
  if (source === 'welkin-v1') {
    const found = welkinV1Resource(resource);
    return found ? [deletionMarkerFolder(found.name)] : [];
  }
  if (source !== 'welkin') return [];
  return (MARKER_FOLDERS[resource] ?? []).map(welkinChangesFolder);
}

export function hasDeletionMarkers(source: string, resource: string): boolean {
  return markerFolders(source, resource).length > 0;
}

/**
 * Deletion markers pulled at or after `since`: id value (record-id.ts: a string id's characters) -> when the
 * worker found the record gone. Re-reading a marker already applied is harmless: only ids still live are
 * tombstoned.
 */
export async function deletionMarkersSince(
  sink: Sink,
  resource: string,
  since: Date,
  today: Date,
  source = 'welkin',
): Promise<Map<string, string>> {
  const markers = new Map<string, string>();
  const first = Date.parse(`${since.toISOString().slice(0, 10)}T00:00:00Z`);
  for (const folder of markerFolders(source, resource)) {
    for (const key of await markerKeys(sink, folder, first, today)) {
      const marker = deletionMarkerOf(await sink.getText(key), `${sink.location}/${key}`);
      if (!marker || marker.pulledAt < since.toISOString()) continue;
      // Keyed by the id's value (record-id.ts), as the merge compares ids.
      const id = marker.id;
      const known = markers.get(id);
      if (!known || known < marker.pulledAt) markers.set(id, marker.pulledAt);
    }
  }
  return markers;
}

/** Day folders from `first` to today; the whole marker folder when that would be more than two months. */
async function markerKeys(sink: Sink, folder: string, first: number, today: Date): Promise<string[]> {
  const days = Math.floor((today.getTime() - first) / DAY_MS) + 1;
  if (days > 62) return sink.list(folder);
  const keys: string[] = [];
  for (let day = 0; day < days; day += 1) {
    const dt = new Date(first + day * DAY_MS).toISOString().slice(0, 10);
    keys.push(...(await sink.list(webhookDayFolder(folder, dt))));
  }
  return keys;
}

/** A marker line is `{"_deleted":true,"_entity":…,"_id":…,"_pulledAt":…}`; pulled records are skipped. */
function deletionMarkerOf(
  text: string | undefined,
  where: string,
): { id: string; pulledAt: string } | undefined {
  if (!text?.includes('"_deleted":true')) return undefined;
  let value: { _deleted?: unknown; _id?: unknown; _pulledAt?: unknown };
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SinkError(`${where} is not a JSON deletion marker`, { cause: error });
  }
  if (value._deleted !== true || typeof value._id !== 'string' || typeof value._pulledAt !== 'string')
    return undefined;
  return { id: value._id, pulledAt: value._pulledAt };
}
