import { WELKIN_V1_RESOURCES } from '../../shared/welkin-v1/resources.js';

/**
 * The fields of each model in seed 001 (besides id, updated_at, created_at), by Find path. The resource list
 * itself comes from the source's resource table, so a resource added there is served here too.
 */
const FIELDS: Record<string, readonly string[]> = {
  assessment_responses: ['spec_id', 'user_id', 'model'],
  calendar_events: [
    'calendar_id',
    'user_id',
    'is_all_day',
    'start_time',
    'end_time',
    'day',
    'outcome',
    'modality',
    'appointment_type',
  ],
  calendars: ['worker_id'],
  careplans: ['user_id', 'careplan'],
  conversations: ['user_id', 'conversation_type'],
  custom_data_type_records: ['body', 'user_id', 'type_name'],
  email_addresses: [
    'email',
    'friendly_name',
    'user_id',
    'verified',
    'opted_in_to_email',
    'automatic_recipient',
  ],
  external_ids: ['resource', 'namespace', 'external_id', 'welkin_id'],
  integration_tasks: [
    'status',
    'user_id',
    'provider_id',
    'args',
    'result',
    'ref_ids',
    'job_id',
    'task_name',
    'errors',
  ],
  app_messages: [
    'user_id',
    'worker_id',
    'conversation_id',
    'direction',
    'contents',
    'automatically_sent',
    'send_time',
  ],
  patient_tasks: ['user_id', 'task_type', 'dismissed'],
  patients: [
    'phase',
    'coach_id',
    'timezone',
    'first_name',
    'last_name',
    'birthday',
    'street',
    'street_line_two',
    'city',
    'county',
    'zip_code',
    'state',
  ],
  phone_numbers: [
    'user_id',
    'phone_number',
    'phone_number_type',
    'friendly_name',
    'verified',
    'opted_in_to_sms',
    'opted_in_to_call_recording',
    'opted_in_to_voicemail',
    'automatic_recipient',
  ],
  workers: ['email', 'first_name', 'last_name', 'phone_number', 'timezone', 'gender'],
};

export interface SimModel {
  path: string;
  fields: readonly string[];
  timestamped: boolean;
}

export const SIM_MODELS: readonly SimModel[] = WELKIN_V1_RESOURCES.map((resource) => ({
  path: resource.path,
  fields: FIELDS[resource.path] ?? [],
  timestamped: resource.timestamped,
}));

const BOOLEAN = /^(is_|opted_|verified|automatic|dismissed)/;
const WORDS = ['alder', 'birch', 'cedar', 'dune', 'ember', 'fjord', 'grove', 'heath', 'iris', 'juniper'];

/** A plausible value for a field, from its name and a row hash: ids, times, dates, flags, text. */
export function fieldValue(field: string, hash: number, uuidOf: (h: number) => string): unknown {
  if (field.endsWith('_id') && field !== 'external_id' && field !== 'job_id') return uuidOf(hash);
  if (BOOLEAN.test(field)) return hash % 2 === 0;
  if (field.endsWith('_time'))
    return new Date(Date.UTC(2026, 0, 1) + (hash % 10_000_000) * 1000).toISOString();
  if (field === 'day' || field === 'birthday')
    return `19${50 + (hash % 50)}-0${1 + (hash % 9)}-1${hash % 10}`;
  if (field === 'email') return `${WORDS[hash % WORDS.length]}.${hash % 997}@example.com`;
  if (['model', 'body', 'careplan', 'args', 'result'].includes(field)) {
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
