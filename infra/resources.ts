/**
 * Resource lists the stack needs at synth time (Map defaults and one Glue table each).
 * TODO(switch): replace with `CLINIKO_RESOURCES` from shared/cliniko/resources.ts and `WELKIN_RESOURCES`
 * from shared/welkin/resources.ts once they land, so the exporters and the catalog cannot drift.
 */
export interface ColumnSpec {
  readonly name: string;
  /** Athena/Hive type; defaults to string (nested values then arrive as JSON text). */
  readonly type?: string;
  /** Field name in the JSON record when it differs from the (lowercase) column name. */
  readonly jsonKey?: string;
}

export interface ResourceSpec {
  readonly name: string;
  readonly columns?: readonly ColumnSpec[];
}

export const CLINIKO_RESOURCE_SPECS: readonly ResourceSpec[] = [
  'appointment_types',
  'individual_appointments',
  'group_appointments',
  'attendees',
  'unavailable_blocks',
  'invoices',
  'invoice_items',
  'billable_items',
  'products',
  'stock_adjustments',
  'taxes',
  'concession_types',
  'patients',
  'medical_alerts',
  'patient_attachments',
  'patient_cases',
  'patient_forms',
  'treatment_notes',
  'communications',
  'contacts',
  'businesses',
  'practitioners',
  'users',
  'referral_sources',
  'services',
].map((name) => ({ name }));

export const WELKIN_RESOURCE_SPECS: readonly ResourceSpec[] = [
  'PATIENT',
  'CDT_RECORD',
  'ENCOUNTER',
  'ENCOUNTER_COMMENT',
  'ENCOUNTER_DISPOSITION',
  'ASSESSMENT',
  'CALENDAR_EVENT',
  'EMAIL',
  'SMS',
  'TASK',
  'VOICE_CALL',
  'PATIENT_PROGRAM',
  'PDT_RECORD',
].map((name) => ({ name }));

/** Columns every Cliniko table gets when the resource declares none (the JSON SerDe ignores the rest). */
export const CLINIKO_DEFAULT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'id' },
  { name: 'created_at' },
  { name: 'updated_at' },
  { name: 'archived_at' },
];

/** Welkin records are camelCase; Glue columns are lowercase, so map them explicitly. */
export const WELKIN_DEFAULT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'id' },
  { name: 'created_at', jsonKey: 'createdAt' },
  { name: 'updated_at', jsonKey: 'updatedAt' },
];
