import { AUDIT_LOGS, WELKIN_V1_RESOURCES } from '../../shared/welkin-v1/resources.js';

/**
 * A few fields of each model of the final v1 reference (besides id, updated_at, created_at), by Find path. The
 * resource list itself comes from the source's resource table, so a resource added there is served here too;
 * a path not in it (the draft's `careplans`, the removed `patient_tasks`) answers 404.
 */
const FIELDS: Record<string, readonly string[]> = {
  alerts: ['patient_id', 'worker_id', 'alert_type', 'active_time', 'completed', 'dismissed'],
  app_messages: ['patient_id', 'worker_id', 'conversation_id', 'direction', 'contents', 'send_time'],
  assessment_responses: ['spec_id', 'patient_id', 'model'],
  audit_logs: ['env_id', 'actor_id', 'actor_type', 'event_time', 'event_type'],
  calendar_events: ['calendar_id', 'patient_id', 'is_all_day', 'start_time', 'end_time', 'day', 'outcome'],
  calendars: ['worker_id'],
  calls: ['patient_id', 'worker_id', 'call_type', 'from_number', 'to_number', 'duration'],
  care_flows: ['patient_id', 'care_flow'],
  conversations: ['patient_id', 'conversation_type'],
  custom_data_type_records: ['body', 'patient_id', 'type_name'],
  email_addresses: ['email', 'friendly_name', 'patient_id', 'verified', 'opted_in_to_email'],
  email_messages: ['patient_id', 'worker_id', 'conversation_id', 'direction', 'subject', 'send_time'],
  event_labels: ['ref_name', 'label'],
  external_ids: ['resource', 'namespace', 'external_id', 'welkin_id'],
  file_attachments: ['patient_id', 'worker_id', 'attachment_type', 'description'],
  file_uploads: ['mime_type', 'url'],
  integration_tasks: ['status', 'patient_id', 'provider_id', 'args', 'result', 'job_id', 'task_name'],
  patient_facing_assessment_links: ['patient_id', 'spec_name', 'url', 'expire_time'],
  patients: [
    'phase',
    'primary_worker_id',
    'timezone',
    'first_name',
    'last_name',
    'birthday',
    'city',
    'state',
  ],
  phone_numbers: ['patient_id', 'phone_number', 'phone_number_type', 'friendly_name', 'verified'],
  profile_phone_numbers: ['profile_id', 'phone_number', 'phone_number_type', 'friendly_name'],
  profiles: ['profile_type_name', 'fields'],
  relationship_records: ['relationship_type_id', 'entity_id_1', 'entity_id_2'],
  sms_messages: ['patient_id', 'worker_id', 'conversation_id', 'direction', 'contents', 'send_time'],
  unavailable_times: ['worker_id', 'start_time', 'end_time', 'description'],
  visits: ['patient_id', 'worker_id', 'start_time', 'end_time', 'outcome'],
  workers: ['email', 'first_name', 'last_name', 'phone_number', 'timezone', 'gender'],
  working_hours: ['worker_id', 'day', 'start_time', 'end_time'],
};

export interface SimModel {
  path: string;
  fields: readonly string[];
  timestamped: boolean;
  /** Parameters the Find requires, with the values it accepts (undefined: any value). */
  required: Readonly<Record<string, readonly string[] | undefined>>;
}

/** alerts requires alert_type=app_message; audit_logs requires an event_type (any value here). */
const REQUIRED: Record<string, SimModel['required']> = {
  alerts: { alert_type: ['app_message'] },
  audit_logs: { event_type: undefined },
};

export const SIM_MODELS: readonly SimModel[] = [...WELKIN_V1_RESOURCES, AUDIT_LOGS].map((resource) => ({
  path: resource.path,
  fields: FIELDS[resource.path] ?? [],
  timestamped: resource.timestamped,
  required: REQUIRED[resource.path] ?? {},
}));

const BOOLEAN = /^(is_|opted_|verified|automatic|dismissed|completed)/;
const WORDS = ['alder', 'birch', 'cedar', 'dune', 'ember', 'fjord', 'grove', 'heath', 'iris', 'juniper'];

/** A plausible value for a field, from its name and a row hash: ids, times, dates, flags, text. */
export function fieldValue(field: string, hash: number, uuidOf: (h: number) => string): unknown {
  if ((field.endsWith('_id') || /_id_\d$/.test(field)) && field !== 'external_id' && field !== 'job_id')
    return uuidOf(hash);
  if (BOOLEAN.test(field)) return hash % 2 === 0;
  if (field.endsWith('_time'))
    return new Date(Date.UTC(2026, 0, 1) + (hash % 10_000_000) * 1000).toISOString();
  if (field === 'day' || field === 'birthday')
    return `19${50 + (hash % 50)}-0${1 + (hash % 9)}-1${hash % 10}`;
  if (field === 'email') return `${WORDS[hash % WORDS.length]}.${hash % 997}@example.com`;
  if (['model', 'body', 'care_flow', 'args', 'result', 'fields'].includes(field)) {
    return {
      score: hash % 100,
      note: `${WORDS[hash % WORDS.length]} \u2028 "quoted" ünïcode`,
      big: BIG_MARK,
    };
  }
  if (field === 'ref_ids' || field === 'errors') return [];
  return `${WORDS[hash % WORDS.length]}-${hash % 10_000}`;
}

/** Served as the bare digits 9007199254740993 (beyond 2^53): a client parsing into doubles would round it. */
export const BIG_MARK = '\u0000big:9007199254740993';
const MARKED = /"\\u0000big:(-?\d+)"/g;

/** JSON text of a generated value with the marked big integers as bare digits. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(MARKED, '$1');
}
