/**
 * Every Welkin v1 ("common APIs", seed 001) resource with a Find endpoint: one line per resource. `name` is
 * the output folder under `<prefix>/welkin-v1/` (never rename one); `path` is the Find path below `/v1/`.
 * `timestamped: false` marks a model without `updated_at` (external ids): it cannot be windowed or advanced
 * by time, so it is always a full snapshot paged by next links.
 *
 * Paths NEED VERIFICATION against a real account: the seed documents `/v1/careplans` and `/v1/messages` for
 * Get; the public reference lists the Find for messages as `app_messages`.
 */
export interface WelkinV1Resource {
  name: string;
  path: string;
  timestamped: boolean;
}

const find = (name: string, path = name, timestamped = true): WelkinV1Resource => ({
  name,
  path,
  timestamped,
});

export const WELKIN_V1_RESOURCES: readonly WelkinV1Resource[] = [
  find('assessment_responses'),
  find('calendar_events'),
  find('calendars'),
  find('care_plans', 'careplans'),
  find('conversations'),
  find('custom_data_type_records'),
  find('email_addresses'),
  find('external_ids', 'external_ids', false),
  find('integration_tasks'),
  find('messages', 'app_messages'),
  find('patient_tasks'),
  find('patients'),
  find('phone_numbers'),
  find('workers'),
];

/** The resource a name or a Find path (as webhook notices spell it) refers to. */
export function welkinV1Resource(nameOrPath: string): WelkinV1Resource | undefined {
  return WELKIN_V1_RESOURCES.find((resource) => resource.name === nameOrPath || resource.path === nameOrPath);
}
