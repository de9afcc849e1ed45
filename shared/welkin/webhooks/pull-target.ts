import type { QueuedNotice } from './queued-notice.js';

/** Where the Welkin API for this tenant and instance lives. */
export interface WelkinApiLocation {
  /** API root, e.g. https://api.live.welkincloud.io/ (the simulator's baseUrl locally). */
  baseUrl: URL;
  tenant: string;
  instance: string;
}

export interface PullTarget {
  /** The notice's entity, e.g. PATIENT. */
  entity: string;
  /** The id of the record pulled. */
  id: string;
  /** Absolute URL of the single-record GET; always on the API's origin, below `/{tenant}/{instance}/`. */
  url: URL;
}

type Notice = QueuedNotice['notice'];

/**
 * Fallback single-record GETs below `{tenant}/{instance}/` per notice entity, used when the notice has no
 * usable `url`. Only `patients/{id}` is in the V8 reference (seed 000). The others are the simulator's routes
 * and NEED VERIFICATION against a real Welkin account before production use: `calendar/events/{id}` matches
 * a recorded response in a public client's test cassettes (Lightmatter/welkin-health) but is not in our
 * documents; `assessment-records/{id}`, `cdts/{id}` and `encounters/{id}` are guesses (recorded and
 * documented routes nest them under `patients/{patientId}/...`, CDTs also under the CDT name). Welkin may
 * answer an unknown route with a 404 whose code reads like a missing record (the simulator does: both are
 * NOT_FOUND), which would write a deletion marker for a live record; see welkin-not-found.ts.
 */
const PATHS: Record<string, (notice: Notice) => [id: string, path: string]> = {
  PATIENT: (n) => {
    const id = n.patientId ?? n.sourceId;
    return [id, `patients/${encodeURIComponent(id)}`];
  },
  CALENDAR: (n) => [n.sourceId, `calendar/events/${encodeURIComponent(n.sourceId)}`],
  ASSESSMENT: (n) => [n.sourceId, `assessment-records/${encodeURIComponent(n.sourceId)}`],
  CDT: (n) => [n.sourceId, `cdts/${encodeURIComponent(n.sourceId)}`],
  ENCOUNTER: (n) => [n.sourceId, `encounters/${encodeURIComponent(n.sourceId)}`],
};
const ALIASES: Record<string, string> = {
  CALENDAR_EVENT: 'CALENDAR',
  ASSESSMENT_RECORD: 'ASSESSMENT',
  CDT_RECORD: 'CDT',
};

export function instanceRoot(api: WelkinApiLocation): URL {
  const root = api.baseUrl.pathname.replace(/\/$/, '');
  return new URL(
    `${root}/${encodeURIComponent(api.tenant)}/${encodeURIComponent(api.instance)}/`,
    api.baseUrl,
  );
}

/**
 * Which record a notice is about. The notice's own `url` wins when it is an API URL on the same origin and
 * below this tenant's instance (so a notice can never steer the token elsewhere, e.g. to admin routes);
 * otherwise the per-entity path table. Undefined when neither applies (an entity we do not know).
 */
export function pullTargetOf(notice: Notice, api: WelkinApiLocation): PullTarget | undefined {
  const root = instanceRoot(api);
  const entity = notice.eventEntity.toUpperCase();
  const known = PATHS[ALIASES[entity] ?? entity];
  if (notice.url) {
    let url: URL | undefined;
    try {
      url = new URL(notice.url);
    } catch {
      url = undefined;
    }
    if (
      url &&
      url.origin === root.origin &&
      url.pathname.startsWith(root.pathname) &&
      url.pathname.length > root.pathname.length &&
      !url.username &&
      !url.password
    ) {
      url.hash = '';
      return { entity: notice.eventEntity, id: known ? known(notice)[0] : notice.sourceId, url };
    }
  }
  if (!known) return undefined;
  const [id, path] = known(notice);
  return { entity: notice.eventEntity, id, url: new URL(path, root) };
}
