/**
 * Every Welkin data set this product exports: one line per resource. Output names are stable snake_case
 * plurals of the upstream name (they are folder names under `<prefix>/welkin/`; never rename one).
 * - paging 'export': the Export API (`{tenant}/{instance}/export/{RESOURCE}`), ordered by updatedAt, whose
 *   `start` is also the incremental cursor. Needs the "Export Data" security policy.
 * - paging 'metaInfo': `{data, metaInfo}` list pages (`page` from 0, `size`); always a full snapshot.
 * - paging 'array': one request answered with a bare JSON array of every row; always a full snapshot.
 *
 * Choices:
 * - Calendar events, encounters and patients come from the Export API (CALENDAR_EVENT, ENCOUNTER, PATIENT)
 *   rather than their list endpoints: one cursor, incremental, no offset drift.
 * - CDT records come from the Export API's CDT_RECORD, all CDT types in one stream. The per-patient endpoint
 *   `{instance}/patients/{id}/cdts/{cdtName}` would need patients x CDT types requests (N+1: 100k patients
 *   x 5 types = 500k requests a night) and cannot be incremental.
 * - Users (`{tenant}/admin/users`) and program definitions have no export equivalent; they are small
 *   configuration lists, snapshotted in full each run.
 *
 * Routes and shapes as recorded from the real API (Lightmatter/welkin-health test/cassettes) and, where it
 * documents them, the V8 reference (welkincloud-io/slate source/includes):
 * - users: `{tenant}/admin/users?page=0&size=…` → `{data, metaInfo}` (test_user_read_all;
 *   fixtures/users__test_work_hours_read_all sent `size=1000` and got metaInfo.pageSize 1000). No sort
 *   parameter is recorded or documented, so none is sent.
 * - programs: `{instance}/formations/current/programs?page=0` → a bare array of program definitions keyed by
 *   `name`, with no `id` (TestFormation.test_programs_read; _programs.md "Get all programs").
 */
export interface WelkinResource {
  name: string;
  /**
   * 'export': Export API pages. 'metaInfo': `{data, metaInfo}` list pages. 'array': one request answered with
   * a bare JSON array of every row.
   */
  paging: 'export' | 'metaInfo' | 'array';
  /** Export API resource name, or the list path below the tenant ('admin/...') or the instance. */
  upstream: string;
  scope?: 'tenant' | 'instance';
  /** The member that identifies a row when it is not `id` (dedupe and the current state key on it). */
  key?: string;
}

const exported = (name: string, upstream: string): WelkinResource => ({ name, paging: 'export', upstream });

export const WELKIN_RESOURCES: readonly WelkinResource[] = [
  exported('patients', 'PATIENT'),
  exported('cdt_records', 'CDT_RECORD'),
  exported('pdt_records', 'PDT_RECORD'),
  exported('encounters', 'ENCOUNTER'),
  exported('encounter_comments', 'ENCOUNTER_COMMENT'),
  exported('encounter_dispositions', 'ENCOUNTER_DISPOSITION'),
  exported('assessments', 'ASSESSMENT'),
  exported('calendar_events', 'CALENDAR_EVENT'),
  exported('emails', 'EMAIL'),
  exported('sms_messages', 'SMS'),
  exported('tasks', 'TASK'),
  exported('voice_calls', 'VOICE_CALL'),
  exported('patient_programs', 'PATIENT_PROGRAM'),
  { name: 'users', paging: 'metaInfo', upstream: 'admin/users', scope: 'tenant' },
  {
    name: 'programs',
    paging: 'array',
    upstream: 'formations/current/programs',
    scope: 'instance',
    key: 'name',
  },
];
