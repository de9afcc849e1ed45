/**
 * Every Find resource of the final public Welkin v1 reference (welkinhealth/slate, `source/data_api.html.md`,
 * last changed 2020) that is a window on update time: one line per resource. `name` is the output folder under
 * `<prefix>/welkin-v1/` and the Find path below `/v1/` (the final reference's names).
 *
 * - `timestamped: false`: the model documents no `updated_at` (alerts, audit_logs, external_ids,
 *   file_attachments, file_uploads). Such rows give the pager no time to advance or window by, so the resource
 *   is a full snapshot every run, paged by the API's next links only.
 * - `params`: fixed parameters the Find requires (alerts: `alert_type=app_message`, its only documented value).
 * - audit_logs requires an `event_type` whose values the reference does not list: it is exported only when
 *   WELKIN_V1_AUDIT_LOG_EVENT_TYPES names them (see catalog.ts).
 * - Not here: `availability` (a live lookup with required `start`/`end`, not a window), and `patient_tasks`
 *   (removed from the reference on 2018-09-28; the API has no such resource).
 */
export interface WelkinV1Resource {
  name: string;
  path: string;
  timestamped: boolean;
  params?: Readonly<Record<string, string>>;
}

const find = (name: string, timestamped = true, params?: Record<string, string>): WelkinV1Resource => ({
  name,
  path: name,
  timestamped,
  ...(params ? { params } : {}),
});

export const WELKIN_V1_RESOURCES: readonly WelkinV1Resource[] = [
  find('alerts', false, { alert_type: 'app_message' }),
  find('app_messages'),
  find('assessment_responses'),
  find('calendar_events'),
  find('calendars'),
  find('calls'),
  find('care_flows'),
  find('conversations'),
  find('custom_data_type_records'),
  find('email_addresses'),
  find('email_messages'),
  find('event_labels'),
  find('external_ids', false),
  find('file_attachments', false),
  find('file_uploads', false),
  find('integration_tasks'),
  find('patient_facing_assessment_links'),
  find('patients'),
  find('phone_numbers'),
  find('profile_phone_numbers'),
  find('profiles'),
  find('relationship_records'),
  find('sms_messages'),
  find('unavailable_times'),
  find('visits'),
  find('workers'),
  find('working_hours'),
];

/** Off by default: paged once per configured `event_type` value (the reference lists none). */
export const AUDIT_LOGS: WelkinV1Resource = find('audit_logs', false);

/**
 * Names of the first (2018-09-05) draft that still exist under another name, per the reference's git history:
 * `careplans` became `care_flows` (2018-09-18), `messages` became `app_messages` (2018-10-03). `care_plans` was
 * this project's folder name for careplans.
 */
export const WELKIN_V1_ALIASES: Readonly<Record<string, string>> = {
  careplans: 'care_flows',
  care_plans: 'care_flows',
  messages: 'app_messages',
};

/** The resource a name, alias or Find path (as notifications spell it) refers to; audit_logs included. */
export function welkinV1Resource(nameOrPath: string): WelkinV1Resource | undefined {
  const name = WELKIN_V1_ALIASES[nameOrPath] ?? nameOrPath;
  return [...WELKIN_V1_RESOURCES, AUDIT_LOGS].find((resource) => resource.name === name);
}
