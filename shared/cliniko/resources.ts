/**
 * Every Cliniko list this product exports, one line per resource, each with the filter fields its list
 * DOCUMENTS and where that came from. Cliniko answers 400 "This column is not searchable." to a filter on a
 * field the list does not document (redguava/cliniko-api issue #231), so every request is derived from this
 * declaration and nothing else:
 * - `id` documented -> paging 'keyset': `sort=id` + `q[]=id:>last` (immune to rows deleted or moved while
 *   paging); otherwise 'links': follows `links.next`, always a full snapshot.
 * - `updated_at` documented (and keyset) -> incremental runs filter `updated_at:>=since` / `<until`.
 * - `reveal`: the documented ones of `archived_at` / `cancelled_at`, sent as `<column>:*` so the rows the
 *   plain list hides come back. `deleted_at` is declared where documented but never sent: no source says
 *   what `deleted_at:*` returns, and the export must not depend on a guess.
 * - an object endpoint (settings) is 'single': one request, no parameters.
 */
export type FilterField = 'id' | 'updated_at' | 'archived_at' | 'cancelled_at' | 'deleted_at';
export type RevealField = 'archived_at' | 'cancelled_at';

export interface ClinikoResource {
  name: string;
  path: string;
  listKey: string;
  /** The filter fields (of those above) the list documents; empty when it has no `q[]` at all. */
  filters: readonly FilterField[];
  /** Where `filters` came from. */
  source: string;
  /** Derived from `filters` (see above); never set by hand. */
  paging: 'keyset' | 'links' | 'single';
  reveal: readonly RevealField[];
  incremental: boolean;
}

const REVEALABLE: readonly RevealField[] = ['archived_at', 'cancelled_at'];

/**
 * The 2023-24 copy of Cliniko's OpenAPI description (`cliniko.json` in the public repository
 * BenKluwe/cliniko-api-client, commit c5c972c of 2024-06-04): the `q[]` parameter of `GET <path>` lists the
 * list's filters.
 */
const COPY = 'cliniko.json 2023-24 copy (BenKluwe/cliniko-api-client), q[] of GET';
/**
 * The four lists the copy lacks. All 58 list routes in the copy that take a `q[]` (top-level and nested) document
 * both `id` and `updated_at`, and the current portal page of appointment_type_billable_items lists id, updated_at,
 * created_at and two foreign keys (no archived_at): so id + updated_at is the safe request (keyset paging,
 * incremental runs). No reveal filter is sent: a wrong guess there is a 400 on every run (the resource never
 * exports), while leaving it out can at worst miss rows the plain list hides.
 */
const NOT_IN_COPY = 'not in the cliniko.json 2023-24 copy: safe request chosen (id, updated_at only)';

const ID_AND_UPDATED: readonly FilterField[] = ['id', 'updated_at'];
const ARCHIVED: readonly FilterField[] = [...ID_AND_UPDATED, 'archived_at'];
const ARCHIVED_DELETED: readonly FilterField[] = [...ARCHIVED, 'deleted_at'];
const APPOINTMENT_LIKE: readonly FilterField[] = [...ARCHIVED_DELETED, 'cancelled_at'];

/** A resource whose requests all follow from its documented `filters`. */
export function clinikoList(
  name: string,
  filters: readonly FilterField[],
  source: string,
  path = `/${name}`,
  listKey = name,
): ClinikoResource {
  const keyset = filters.includes('id');
  return {
    name,
    path,
    listKey,
    filters,
    source,
    paging: keyset ? 'keyset' : 'links',
    reveal: REVEALABLE.filter((field) => filters.includes(field)),
    incremental: keyset && filters.includes('updated_at'),
  };
}

const documented = (name: string, filters: readonly FilterField[], path = `/${name}`, listKey = name) =>
  clinikoList(name, filters, `${COPY} ${path}`, path, listKey);

export const CLINIKO_RESOURCES: readonly ClinikoResource[] = [
  documented('appointment_types', ARCHIVED),
  clinikoList('appointment_type_billable_items', ID_AND_UPDATED, NOT_IN_COPY),
  clinikoList('appointment_type_products', ID_AND_UPDATED, NOT_IN_COPY),
  documented('individual_appointments', APPOINTMENT_LIKE),
  // Documents archived_at and deleted_at but no cancelled_at (its attendees carry the cancellations).
  documented('group_appointments', ARCHIVED_DELETED),
  documented('attendees', APPOINTMENT_LIKE),
  documented('bookings', APPOINTMENT_LIKE),
  documented('unavailable_blocks', ARCHIVED_DELETED),
  clinikoList('unavailable_block_types', ID_AND_UPDATED, NOT_IN_COPY),
  documented('availability_blocks', ID_AND_UPDATED),
  documented('daily_availabilities', ID_AND_UPDATED),
  documented('invoices', ARCHIVED_DELETED),
  documented('invoice_items', ARCHIVED_DELETED),
  documented('billable_items', ARCHIVED),
  documented('products', ARCHIVED),
  documented('product_suppliers', ID_AND_UPDATED),
  documented('stock_adjustments', ID_AND_UPDATED),
  documented('taxes', ID_AND_UPDATED),
  documented('concession_types', ID_AND_UPDATED),
  documented('concession_prices', ID_AND_UPDATED),
  documented('patients', ARCHIVED),
  clinikoList('relationships', ID_AND_UPDATED, NOT_IN_COPY),
  documented('medical_alerts', ARCHIVED_DELETED),
  documented('patient_attachments', ARCHIVED),
  documented('patient_cases', ARCHIVED),
  documented('patient_forms', ID_AND_UPDATED),
  documented('patient_form_templates', ARCHIVED),
  documented('treatment_notes', ARCHIVED_DELETED),
  documented('treatment_note_templates', ARCHIVED_DELETED),
  documented('communications', ARCHIVED),
  documented('contacts', ARCHIVED_DELETED),
  documented('businesses', ARCHIVED_DELETED),
  documented('practitioners', ID_AND_UPDATED),
  documented('practitioners_inactive', ID_AND_UPDATED, '/practitioners/inactive', 'practitioners'),
  documented('practitioner_reference_numbers', ID_AND_UPDATED),
  documented('users', ID_AND_UPDATED),
  documented('referral_source_types', ID_AND_UPDATED),
  // The 2022 docs had no filters here; the 2023-24 copy documents id and updated_at, and the later wins.
  documented('referral_sources', ID_AND_UPDATED),
  // GET /services takes page, per_page and sort, but no q[] at all: links paging, always full.
  documented('services', []),
  {
    name: 'settings',
    path: '/settings',
    listKey: 'settings',
    filters: [],
    source: `${COPY} /settings (an object, no parameters)`,
    paging: 'single',
    reveal: [],
    incremental: false,
  },
];
