/**
 * Every Cliniko list this product exports: one line per resource.
 * - paging 'keyset': `sort=id` + `q[]=id:>last`, immune to rows deleted or moved while paging; also
 *   filterable by `updated_at`, so incremental runs work.
 * - paging 'links': follows `links.next` (lists the docs mark as not filterable by updated_at); always full.
 * - paging 'single': an object, exported as a one-record file.
 * `reveal` names the date-time columns whose rows the plain list hides; `<column>:*` brings them back.
 */
export interface ClinikoResource {
  name: string;
  path: string;
  listKey: string;
  paging: 'keyset' | 'links' | 'single';
  reveal?: readonly string[];
}

const ARCHIVED = ['archived_at'] as const;
const ARCHIVED_OR_CANCELLED = ['archived_at', 'cancelled_at'] as const;

const keyset = (
  name: string,
  reveal?: readonly string[],
  path = `/${name}`,
  listKey = name,
): ClinikoResource => ({
  name,
  path,
  listKey,
  paging: 'keyset',
  reveal,
});

export const CLINIKO_RESOURCES: readonly ClinikoResource[] = [
  keyset('appointment_types', ARCHIVED),
  keyset('appointment_type_billable_items'),
  keyset('appointment_type_products'),
  keyset('individual_appointments', ARCHIVED_OR_CANCELLED),
  keyset('group_appointments', ARCHIVED_OR_CANCELLED),
  keyset('attendees', ARCHIVED_OR_CANCELLED),
  keyset('bookings', ARCHIVED_OR_CANCELLED),
  keyset('unavailable_blocks', ARCHIVED),
  keyset('unavailable_block_types', ARCHIVED),
  keyset('availability_blocks', ARCHIVED),
  keyset('daily_availabilities'),
  keyset('invoices', ARCHIVED),
  keyset('invoice_items', ARCHIVED),
  keyset('billable_items', ARCHIVED),
  keyset('products', ARCHIVED),
  keyset('product_suppliers', ARCHIVED),
  keyset('stock_adjustments'),
  keyset('taxes', ARCHIVED),
  keyset('concession_types', ARCHIVED),
  keyset('concession_prices'),
  keyset('patients', ARCHIVED),
  keyset('relationships', ARCHIVED),
  keyset('medical_alerts', ARCHIVED),
  keyset('patient_attachments', ARCHIVED),
  keyset('patient_cases', ARCHIVED),
  keyset('patient_forms', ARCHIVED),
  keyset('patient_form_templates', ARCHIVED),
  keyset('treatment_notes', ARCHIVED),
  keyset('treatment_note_templates', ARCHIVED),
  keyset('communications', ARCHIVED),
  keyset('contacts', ARCHIVED),
  keyset('businesses', ARCHIVED),
  keyset('practitioners'),
  keyset('practitioners_inactive', undefined, '/practitioners/inactive', 'practitioners'),
  keyset('practitioner_reference_numbers'),
  keyset('users'),
  keyset('referral_source_types', ARCHIVED),
  { name: 'referral_sources', path: '/referral_sources', listKey: 'referral_sources', paging: 'links' },
  { name: 'services', path: '/services', listKey: 'services', paging: 'links' },
  { name: 'settings', path: '/settings', listKey: 'settings', paging: 'single' },
];
