/** The Cliniko list endpoints the simulator serves; each list key equals the resource name. */
export const LIST_RESOURCES = [
  'appointment_types',
  'individual_appointments',
  'group_appointments',
  'attendees',
  'bookings',
  'unavailable_blocks',
  'availability_blocks',
  'daily_availabilities',
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
  'patient_form_templates',
  'treatment_notes',
  'treatment_note_templates',
  'communications',
  'contacts',
  'businesses',
  'practitioners',
  'users',
  'referral_source_types',
  'referral_sources',
  'services',
  'appointment_type_billable_items',
  'appointment_type_products',
  'concession_prices',
  'product_suppliers',
  'relationships',
  'unavailable_block_types',
  'practitioner_reference_numbers',
] as const;

export type ResourceName = (typeof LIST_RESOURCES)[number];

/** Index routes hide cancelled rows of these unless the request filters on cancelled_at. */
export const CANCELLABLE: ReadonlySet<string> = new Set([
  'individual_appointments',
  'group_appointments',
  'bookings',
  'attendees',
]);

/** Resources whose rows carry an `active` flag that splits `/practitioners` from `/practitioners/inactive`. */
export const HAS_ACTIVE_FLAG: ReadonlySet<string> = new Set(['practitioners', 'users']);

export function isListResource(name: string): name is ResourceName {
  return (LIST_RESOURCES as readonly string[]).includes(name);
}
