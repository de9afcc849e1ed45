import type { Dataset } from './dataset.js';
import { type SimError, simError } from './error-body.js';
import { toJsonText } from './json-text.js';
import { exportPage, metaInfoPage, springPage } from './pages.js';
import { EXPORT_RESOURCES, type SimRecord } from './records.js';
import type { SimState } from './state.js';
import { MAX_TIE_GROUP } from './timeline.js';

export interface SimResponse {
  status: number;
  body: string;
}

type Params = Record<string, string>;

interface Route {
  pattern: string[];
  /** Security policy the API client needs (see missingPolicies). */
  policy: string;
  handle: (state: SimState, params: Params, query: URLSearchParams) => SimResponse;
}

export const EXPORT_DEFAULT_PAGE_SIZE = 100;
export const EXPORT_MAX_PAGE_SIZE = 1000;
const LIST_DEFAULT_SIZE = 20;
const LIST_MAX_SIZE = 100;
// Recorded: `admin/users?size=1000` was served whole (metaInfo.pageSize 1000).
const USERS_MAX_SIZE = 1000;
// Sorting by an arbitrary field needs every row in memory; fine for test-sized sets, refused for bench sizes.
const MAX_SORTABLE_ROWS = 20_000;

class BadRequest extends Error {
  constructor(readonly error: SimError) {
    super(error.body);
  }
}

const badRequest = (message: string, details: Record<string, unknown> = {}) =>
  new BadRequest(simError(400, 'VALIDATION_ERROR', message, details));

function intParam(query: URLSearchParams, name: string, fallback: number, min: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min)
    throw badRequest(`Invalid value for parameter ${name}`, { [name]: raw });
  return Number(raw);
}

const text = (record: SimRecord) => toJsonText(record);

/**
 * Export API. Ordering is (updatedAt, id). `start` is INCLUSIVE: the page holds live records with
 * updatedAt >= start. `cursor.end` is the updatedAt of the last record on the page, and the documented way
 * on is `start = cursor.end`, so the records that share the boundary timestamp come again on the next page:
 * clients must drop ids they have already seen. A page whose records all share one timestamp cannot be
 * advanced past with `start` alone, hence page sizes must exceed the largest tie group (MAX_TIE_GROUP = 20;
 * clients use pageSize >= 100). An empty page echoes `start` as `end` with hasNext=false.
 * `hasNextBug` (WEL-5121): the second request per resource after arming answers hasNext=false although more
 * records exist. `exportPageCap` serves smaller pages than asked (cursor.pageSize tells), `hasNextAlwaysFalse`
 * claims the end on every page.
 */
function exportResource(state: SimState, params: Params, query: URLSearchParams): SimResponse {
  const resource = params.resource as string;
  const dataset = (EXPORT_RESOURCES as readonly string[]).includes(resource)
    ? state.dataset(resource)
    : undefined;
  if (!dataset)
    return simError(404, 'NOT_FOUND', `Unknown export resource ${resource}`, { resource }, 'EXPORT');
  const pageSize = intParam(query, 'pageSize', EXPORT_DEFAULT_PAGE_SIZE, 1);
  if (pageSize > EXPORT_MAX_PAGE_SIZE) {
    throw badRequest(`pageSize must be at most ${EXPORT_MAX_PAGE_SIZE}`, {
      pageSize,
      maxTieGroup: MAX_TIE_GROUP,
    });
  }
  const rawStart = query.get('start');
  let start = Number.NEGATIVE_INFINITY;
  if (rawStart !== null && rawStart !== '') {
    start = Date.parse(rawStart);
    if (Number.isNaN(start)) throw badRequest('start must be an ISO-8601 date-time', { start: rawStart });
  }
  state.mutateOnExport(dataset);

  const cap = state.faults.exportPageCap;
  const served = cap > 0 ? Math.min(cap, pageSize) : pageSize;
  const slice = dataset.exportFrom(start, served);
  const records = slice.rows.map((index) => dataset.record(index));
  let hasNext = slice.hasMore && !state.faults.hasNextAlwaysFalse;
  if (state.faults.hasNextBug) {
    const seen = (state.bugRequestCounts.get(resource) ?? 0) + 1;
    state.bugRequestCounts.set(resource, seen);
    if (seen === 2 && hasNext) {
      hasNext = false;
      state.counters.hasNextBugFired++;
    }
  }
  const startIso = Number.isFinite(start) ? new Date(start).toISOString() : null;
  const last = records[records.length - 1];
  const body = exportPage(records.map(text), {
    start: startIso,
    end: last ? (last.updatedAt as string) : startIso,
    pageSize: served,
    hasNext,
  });
  return { status: 200, body };
}

function parseSort(query: URLSearchParams): { field: string; direction: 'ASC' | 'DESC' } | undefined {
  const raw = query.get('sort');
  if (!raw) return undefined;
  const [field, dir = 'asc'] = raw.split(',');
  if (!field || !/^(asc|desc)$/i.test(dir)) throw badRequest('sort must be field,asc|desc', { sort: raw });
  return { field, direction: dir.toUpperCase() as 'ASC' | 'DESC' };
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return a < b ? -1 : 1;
}

/** One page of live records, in export order unless sorted by a field other than updatedAt. */
function listPage(
  dataset: Dataset,
  page: number,
  size: number,
  sort: { field: string; direction: 'ASC' | 'DESC' } | undefined,
): { items: string[]; total: number } {
  const total = dataset.liveCount;
  const from = page * size;
  if (!sort || sort.field === 'updatedAt') {
    const desc = sort?.direction === 'DESC';
    const items: string[] = [];
    for (let k = from; k < Math.min(total, from + size); k++) {
      items.push(text(dataset.record(dataset.nthLive(desc ? total - 1 - k : k))));
    }
    return { items, total };
  }
  if (total > MAX_SORTABLE_ROWS)
    throw badRequest(`Sorting by ${sort.field} is not supported for this data set`);
  const records = dataset.liveSlice(0, total).map((index) => dataset.record(index));
  const sign = sort.direction === 'DESC' ? -1 : 1;
  records.sort((a, b) => sign * compareValues(a[sort.field], b[sort.field]) || compareValues(a.id, b.id));
  return { items: records.slice(from, from + size).map(text), total };
}

function springList(resource: string) {
  return (state: SimState, _params: Params, query: URLSearchParams): SimResponse => {
    const dataset = state.dataset(resource) as Dataset;
    const page = intParam(query, 'page', 0, 0);
    const size = Math.min(LIST_MAX_SIZE, intParam(query, 'size', LIST_DEFAULT_SIZE, 1));
    const sort = parseSort(query);
    const email = query.get('email');
    if (resource === 'PATIENT' && email !== null) {
      const items = findPatientByEmail(dataset, email);
      return {
        status: 200,
        body: springPage({ page, size, total: items.length, items: items.slice(page * size) }, sort),
      };
    }
    const { items, total } = listPage(dataset, page, size, sort);
    return { status: 200, body: springPage({ page, size, total, items }, sort) };
  };
}

// Generated emails carry the row index, so the email search is a lookup rather than a scan of 1M rows.
function findPatientByEmail(dataset: Dataset, email: string): string[] {
  const match = /^patient(\d+)\.r\d+@example\.com$/.exec(email);
  if (!match) return [];
  const index = Number(match[1]);
  if (!dataset.isLive(index)) return [];
  const record = dataset.record(index);
  return record.email === email ? [text(record)] : [];
}

/**
 * `{data, metaInfo}` pages of admin users: `page` from 0 and `size` (recorded: `admin/users?size=1000&page=0`
 * answered metaInfo.pageSize 1000). Parameters this endpoint was never seen to take (`pageSize`, `sort`) are
 * ignored, as a Spring controller ignores unknown parameters: a client relying on them gets 20 rows a page.
 */
function metaInfoList(resource: string) {
  return (state: SimState, _params: Params, query: URLSearchParams): SimResponse => {
    const dataset = state.dataset(resource) as Dataset;
    const page = intParam(query, 'page', 0, 0);
    const size = Math.min(USERS_MAX_SIZE, intParam(query, 'size', LIST_DEFAULT_SIZE, 1));
    const { items, total } = listPage(dataset, page, size, undefined);
    return { status: 200, body: metaInfoPage({ page, size, total, items }) };
  };
}

/**
 * Program definitions at `formations/current/programs`: a bare JSON array of every definition, keyed by
 * `name` (recorded with `?page=0`; the V8 reference shows the same array). What the real API does with a page
 * past 0 is not recorded; the whole array is answered whatever `page` says, so a client that pages it would
 * see the same rows again.
 */
function programDefinitions(state: SimState, _params: Params, query: URLSearchParams): SimResponse {
  intParam(query, 'page', 0, 0);
  const dataset = state.dataset('PROGRAM') as Dataset;
  const items = dataset.liveSlice(0, dataset.liveCount).map((index) => text(dataset.record(index)));
  return { status: 200, body: `[${items.join(',')}]` };
}

/**
 * What a single-record route answers for a record it does not hold, as recorded after deletions
 * (Lightmatter/welkin-health test/cassettes: test_cdt_delete and test_encounter_delete answer
 * DT_RECORD_NOT_FOUND with componentType CDT, test_assessment_record_delete ASSESSMENT_RECORD_NOT_FOUND).
 * Patients and calendar events: no recorded answer; NOT_FOUND.
 */
interface Missing {
  code: string;
  componentType: string;
  message: string;
}

const MISSING_DT: Missing = {
  code: 'DT_RECORD_NOT_FOUND',
  componentType: 'CDT',
  message: 'DT record not found',
};

/** Single-record GET; optional checks tie the record to the patient (and CDT name) named in the path. */
function single(resource: string, missing: Missing) {
  return (state: SimState, params: Params): SimResponse => {
    const dataset = state.dataset(resource) as Dataset;
    const id = params.id as string;
    const index = dataset.indexOf(id);
    const record = index !== undefined && dataset.isLive(index) ? dataset.record(index) : undefined;
    const belongs =
      record &&
      (params.patientId === undefined || record.patientId === params.patientId) &&
      (params.cdtName === undefined || record.cdtName === params.cdtName);
    if (!record || !belongs) {
      const details = params.patientId === undefined ? {} : { recordId: id, patientId: params.patientId };
      return simError(404, missing.code, missing.message, details, missing.componentType);
    }
    return { status: 200, body: text(record) };
  };
}

/**
 * The encounter with its related data, as recorded (test_encounter_assessments: `{encounter, disposition,
 * calendarEvent, userRelatedToCalendarEvent, assessmentLinks, comments}`); the related parts are left empty.
 */
function fullEncounter(state: SimState, params: Params): SimResponse {
  const answer = single('ENCOUNTER', MISSING_DT)(state, params);
  if (answer.status !== 200) return answer;
  const related =
    '"disposition":null,"calendarEvent":null,"userRelatedToCalendarEvent":null,"assessmentLinks":[],"comments":[]';
  return { status: 200, body: `{"encounter":${answer.body},${related}}` };
}

/**
 * GET routes below `/{tenant}`; `:x` segments are parameters. Only routes the V8 reference documents and
 * recorded real responses show (Lightmatter/welkin-health and Lightmatter/django-welkin test cassettes):
 * there is no top-level `cdts/{id}`, `encounters/{id}` or `assessment-records/{id}`, and any other path is a
 * 404 NOT_FOUND (server.ts), as Welkin answers it.
 */
export const ROUTES: Route[] = [
  { pattern: ['admin', 'users'], policy: 'USERS', handle: metaInfoList('USER') },
  { pattern: [':instance', 'export', ':resource'], policy: 'EXPORT', handle: exportResource },
  { pattern: [':instance', 'patients'], policy: 'PATIENTS', handle: springList('PATIENT') },
  {
    pattern: [':instance', 'patients', ':id'],
    policy: 'PATIENTS',
    handle: single('PATIENT', { code: 'NOT_FOUND', componentType: 'PATIENT', message: 'Patient not found' }),
  },
  { pattern: [':instance', 'calendar', 'events'], policy: 'CALENDAR', handle: springList('CALENDAR_EVENT') },
  {
    pattern: [':instance', 'calendar', 'events', ':id'],
    policy: 'CALENDAR',
    handle: single('CALENDAR_EVENT', {
      code: 'NOT_FOUND',
      componentType: 'CALENDAR',
      message: 'Event not found',
    }),
  },
  {
    pattern: [':instance', 'patients', ':patientId', 'encounters', ':id'],
    policy: 'ENCOUNTERS',
    handle: single('ENCOUNTER', MISSING_DT),
  },
  {
    pattern: [':instance', 'patients', ':patientId', 'full-encounters', ':id'],
    policy: 'ENCOUNTERS',
    handle: fullEncounter,
  },
  {
    pattern: [':instance', 'formations', 'current', 'programs'],
    policy: 'PROGRAMS',
    handle: programDefinitions,
  },
  {
    pattern: [':instance', 'patients', ':patientId', 'assessment-records', ':id'],
    policy: 'ASSESSMENTS',
    handle: single('ASSESSMENT', {
      code: 'ASSESSMENT_RECORD_NOT_FOUND',
      componentType: 'ASSESSMENT',
      message: 'Assessment record for patient not found',
    }),
  },
  {
    pattern: [':instance', 'patients', ':patientId', 'cdts', ':cdtName', ':id'],
    policy: 'CDTS',
    handle: single('CDT_RECORD', MISSING_DT),
  },
];

export function matchRoute(segments: string[]): { route: Route; params: Params } | undefined {
  for (const route of ROUTES) {
    if (route.pattern.length !== segments.length) continue;
    const params: Params = {};
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const want = route.pattern[i] as string;
      const got = segments[i] as string;
      if (want.startsWith(':')) params[want.slice(1)] = got;
      else ok = want === got;
    }
    if (ok) return { route, params };
  }
  return undefined;
}

/** Runs a matched route, turning validation failures into 400 error arrays. */
export function runRoute(state: SimState, route: Route, params: Params, query: URLSearchParams): SimResponse {
  try {
    return route.handle(state, params, query);
  } catch (error) {
    if (error instanceof BadRequest) return error.error;
    throw error;
  }
}
