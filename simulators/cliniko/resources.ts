/**
 * The simulator's own copy of Cliniko's documented contract, taken from the docs and NOT from the exporter's
 * table (shared/cliniko/resources.ts): a test of the exporter against the simulator proves something only when
 * the two are written separately. Source: the 2023-24 copy of Cliniko's OpenAPI description (`cliniko.json` in
 * BenKluwe/cliniko-api-client), the `q[]` description of each `GET /<list>` and which `GET /<list>/{id}`
 * routes exist. Only the id and date-time filters are simulated; a filter on any other column (documented ones
 * such as patient_id included) is refused like an undocumented one, never silently ignored.
 *
 * Lists missing from that copy (appointment_type_billable_items, appointment_type_products, relationships,
 * unavailable_block_types) get the filters every list of the copy shares (id, created_at, updated_at): the
 * strictest reading, so an exporter guessing more is refused here.
 */
export type SimFilterField =
  | 'id'
  | 'created_at'
  | 'updated_at'
  | 'archived_at'
  | 'cancelled_at'
  | 'deleted_at';

export interface SimList {
  /** Documented filter fields of the list (of those the simulator evaluates). */
  filters: ReadonlySet<SimFilterField>;
  /** Whether `GET /<list>/{id}` is documented. */
  single: boolean;
}

const COMMON = ['id', 'created_at', 'updated_at'] as const;
const A = [...COMMON, 'archived_at'] as const;
const AD = [...A, 'deleted_at'] as const;
const ACD = [...AD, 'cancelled_at'] as const;

const list = (filters: readonly SimFilterField[], single = true): SimList => ({
  filters: new Set(filters),
  single,
});

/** In the order the simulator numbers its stores (ids depend on it): keep new lists at the end. */
const DOCUMENTED: ReadonlyArray<readonly [string, SimList]> = [
  ['appointment_types', list(A)],
  ['appointment_type_billable_items', list(COMMON)],
  ['appointment_type_products', list(COMMON)],
  ['individual_appointments', list(ACD)],
  ['group_appointments', list(AD)],
  ['attendees', list(ACD)],
  ['bookings', list(ACD)],
  ['unavailable_blocks', list(AD)],
  ['unavailable_block_types', list(COMMON)],
  ['availability_blocks', list(COMMON)],
  ['daily_availabilities', list(COMMON)],
  ['invoices', list(AD)],
  ['invoice_items', list(AD)],
  ['billable_items', list(A)],
  ['products', list(A)],
  ['product_suppliers', list(COMMON)],
  ['stock_adjustments', list(COMMON)],
  ['taxes', list(COMMON)],
  ['concession_types', list(COMMON)],
  ['concession_prices', list(COMMON)],
  ['patients', list(A)],
  ['relationships', list(COMMON)],
  ['medical_alerts', list(AD)],
  ['patient_attachments', list(A)],
  ['patient_cases', list(A)],
  ['patient_forms', list(COMMON)],
  ['patient_form_templates', list(A)],
  ['treatment_notes', list(AD)],
  ['treatment_note_templates', list(AD)],
  ['communications', list(A)],
  ['contacts', list(AD)],
  ['businesses', list(AD)],
  // `/practitioners/inactive` documents the same filters as `/practitioners`.
  ['practitioners', list(COMMON)],
  ['practitioner_reference_numbers', list(COMMON)],
  ['users', list(COMMON)],
  ['referral_source_types', list(COMMON)],
  ['referral_sources', list(COMMON, false)],
  ['services', list([], false)],
];

const LISTS: ReadonlyMap<string, SimList> = new Map(DOCUMENTED);

/** The Cliniko lists the simulator serves, in store order. */
export const LIST_RESOURCES: readonly string[] = DOCUMENTED.map(([name]) => name);

export function documentedList(name: string): SimList | undefined {
  return LISTS.get(name);
}

/** Index routes hide cancelled rows of the lists that document cancelled_at, unless a filter names it. */
export function isCancellable(name: string): boolean {
  return LISTS.get(name)?.filters.has('cancelled_at') === true;
}

/** Lists that document archived_at hide archived rows unless a filter names it; others have none. */
export function isArchivable(name: string): boolean {
  return LISTS.get(name)?.filters.has('archived_at') === true;
}

/** Resources whose rows carry an `active` flag that splits `/practitioners` from `/practitioners/inactive`. */
export const HAS_ACTIVE_FLAG: ReadonlySet<string> = new Set(['practitioners', 'users']);

export function isListResource(name: string): boolean {
  return LISTS.has(name);
}
