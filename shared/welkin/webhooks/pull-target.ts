import { PipelineError } from '../../errors.js';
import type { QueuedNotice } from './queued-notice.js';

/** Where the Welkin API for this tenant and instance lives. */
export interface WelkinApiLocation {
  /** API root, e.g. https://api.live.welkincloud.io/ (the simulator's baseUrl locally). */
  baseUrl: URL;
  tenant: string;
  instance: string;
}

/** A documented single-record route of one entity, and how it says that the record itself is missing. */
export interface DocumentedRoute {
  /** Below `{tenant}/{instance}/`, with placeholders instead of ids: safe in logs. */
  template: string;
  /** Error codes of a 404 from this route that mean "this record does not exist" (see welkin-not-found.ts). */
  goneCodes: readonly string[];
}

export interface PullTarget {
  /** The notice's entity, e.g. PATIENT. */
  entity: string;
  /** The id of the record pulled. */
  id: string;
  /** Absolute URL of the single-record GET; always on the API's origin, below `/{tenant}/{instance}/`. */
  url: URL;
  /** The documented route the URL follows; absent when it is the notice's own `url`, which no source documents. */
  route?: DocumentedRoute;
}

/** A notice of a known entity that lacks what its documented route needs: it fails (dead-letter), never guessed. */
export class NoticeRouteError extends PipelineError {}

type Notice = QueuedNotice['notice'];

interface RouteRule extends DocumentedRoute {
  /** The path segments, from the notice; an undefined one means the notice lacks that field. */
  segments(notice: Notice): (string | null | undefined)[];
}

/**
 * Single-record GETs per notice entity, below `{tenant}/{instance}/`: only routes the V8 reference documents
 * (welkincloud-io/slate source/includes) and recorded real responses show (Lightmatter/welkin-health
 * test/cassettes: test_patient_read, test_calendar_event_read, test_cdt_patient_read,
 * test_encounter_patient_read, test_assessment_record_get_w_patient_id; Lightmatter/django-welkin
 * tests/cassettes: test_patient, test_cdt_record, test_calendar_event, pulled from notices without a `url`).
 * A CDT notice's `sourceName` is the CDT's name ("insurance"); a CALENDAR notice's is the event type
 * ("ENCOUNTER") and plays no part in its route.
 *
 * The gone codes are those recorded after a deletion on the same route (test_cdt_delete and
 * test_encounter_delete: DT_RECORD_NOT_FOUND; test_assessment_record_delete: ASSESSMENT_RECORD_NOT_FOUND).
 * For patients and calendar events no deletion is recorded; NOT_FOUND is taken as "gone" there. A generic
 * NOT_FOUND from a route whose own code is recorded is what an unknown route answers, so it is not "gone".
 */
const ROUTES: Record<string, RouteRule> = {
  PATIENT: {
    template: 'patients/{sourceId}',
    segments: (n) => ['patients', n.sourceId],
    goneCodes: ['NOT_FOUND'],
  },
  CALENDAR: {
    template: 'calendar/events/{sourceId}',
    segments: (n) => ['calendar', 'events', n.sourceId],
    goneCodes: ['NOT_FOUND'],
  },
  CDT: {
    template: 'patients/{patientId}/cdts/{sourceName}/{sourceId}',
    segments: (n) => ['patients', n.patientId, 'cdts', n.sourceName, n.sourceId],
    goneCodes: ['DT_RECORD_NOT_FOUND'],
  },
  ENCOUNTER: {
    template: 'patients/{patientId}/encounters/{sourceId}',
    segments: (n) => ['patients', n.patientId, 'encounters', n.sourceId],
    goneCodes: ['DT_RECORD_NOT_FOUND'],
  },
  ASSESSMENT: {
    template: 'patients/{patientId}/assessment-records/{sourceId}',
    segments: (n) => ['patients', n.patientId, 'assessment-records', n.sourceId],
    goneCodes: ['ASSESSMENT_RECORD_NOT_FOUND'],
  },
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

/** The notice's own `url` when it is an API URL on the same origin below this instance (never admin routes). */
function noticeUrl(notice: Notice, root: URL): URL | undefined {
  if (!notice.url) return undefined;
  let url: URL;
  try {
    url = new URL(notice.url);
  } catch {
    return undefined;
  }
  const inside =
    url.origin === root.origin &&
    url.pathname.startsWith(root.pathname) &&
    url.pathname.length > root.pathname.length &&
    !url.username &&
    !url.password;
  if (!inside) return undefined;
  url.hash = '';
  return url;
}

/**
 * Which record a notice is about. A known entity is pulled on its documented route, built from the notice's
 * fields (real notices carry no `url`). Only when that cannot be built (an entity without a documented route,
 * or a notice lacking a field) is the notice's own `url` followed, when it is an API URL of this instance; a
 * target without `route` can never produce a deletion marker. Undefined for an unknown entity without a
 * usable `url`; a known entity with neither fails the notice.
 */
export function pullTargetOf(notice: Notice, api: WelkinApiLocation): PullTarget | undefined {
  const root = instanceRoot(api);
  const entity = notice.eventEntity.toUpperCase();
  const rule = ROUTES[ALIASES[entity] ?? entity];
  const segments = rule?.segments(notice);
  if (rule && segments?.every((segment) => typeof segment === 'string' && segment.length > 0)) {
    const path = (segments as string[]).map((segment) => encodeURIComponent(segment)).join('/');
    const route = { template: rule.template, goneCodes: rule.goneCodes };
    return { entity: notice.eventEntity, id: notice.sourceId, url: new URL(path, root), route };
  }
  const url = noticeUrl(notice, root);
  if (url) return { entity: notice.eventEntity, id: notice.sourceId, url };
  if (!rule) return undefined;
  throw new NoticeRouteError(
    `Welkin ${safeEntity(notice.eventEntity)} notice: lacks a field its route ${rule.template} needs, and has no usable url; not pulled`,
  );
}

/** The entity as it may appear in a log line (it comes from the notice). */
export function safeEntity(entity: string): string {
  return entity.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}
