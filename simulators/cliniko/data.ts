import type { JsonValue } from './json-body.js';
import { RawNumber } from './json-body.js';
import { hash32, hashString } from './prng.js';
import { DATA_EPOCH_S, isoSeconds } from './row-meta.js';

// Name and note pools deliberately include non-ASCII, emoji, quotes, control characters and U+2028/U+2029
// so exporters are exercised on lossless NDJSON.
const FIRST = [
  'Zoë',
  'James',
  'Olivia',
  '李',
  'Noah',
  'Amélie',
  'Liam',
  'Siobhán',
  'Mia',
  'Jack',
  'Charlotte',
];
const FIRST2 = ['Łukasz', 'Aarav', 'Hana', 'José', 'Grace', 'Mohammed', 'Chloé', 'William', 'Thảo', 'Ava'];
const LAST = [
  'Smith',
  'Nguyễn',
  'Williams',
  "O'Brien",
  'Brown',
  'Müller',
  'Wilson',
  '王',
  'Taylor',
  'García',
];
const LAST2 = ['Anderson', 'Kowalski', 'Martin', 'Sørensen', 'Thompson', 'White', 'Björk', 'Patel', 'Lee'];
const FIRST_NAMES = [...FIRST, ...FIRST2];
const LAST_NAMES = [...LAST, ...LAST2];
const NOTES = [
  'Follow up in 2 weeks.',
  'Line one\nline two',
  'Tab\tseparated\tvalues',
  'Patient said "much better"',
  'Separators\u2028line\u2029paragraph',
  'Feeling great 😀👍',
  'Zoë prefers mornings',
  '李 – interpreter required',
  'Back\\slash and </script>',
  'Ünïcödé ✓',
  '',
  'Plain note',
];
const STREETS = [
  'Collins St',
  'Rue de Rivoli',
  'Königstraße',
  'George St',
  'Queen St',
  'Chapel Rd',
  'Main St',
];
const CITIES = ['Melbourne', 'Sydney', 'Brisbane', 'Perth', 'Hobart', 'Adelaide', 'Darwin', 'Canberra'];
const STATES = ['VIC', 'NSW', 'QLD', 'WA', 'TAS', 'SA', 'NT', 'ACT'];
const ITEMS = [
  'Initial consult',
  'Follow-up',
  'Massage 60 min',
  'Dry needling',
  'Report writing',
  'Home visit',
];
const PRODUCTS = ['Theraband (red)', 'Foam roller', 'Heat pack', 'Kinesio tape', 'Orthotics', 'Ice pack'];

/** Where generated rows look up the ids of rows they link to. */
export interface RowWorld {
  seed: number;
  baseUrl: string;
  rowCount(resource: string): number;
  baseIdOf(resource: string, index: number): bigint;
  /** Every free-text note this long (real treatment notes run to tens of KB); absent: the short pool. */
  noteChars?: number;
  /** Keep each row's JSON text once rendered (benches: serving must cost far less than exporting). */
  cacheRowText?: boolean;
  /** Spell each row's `id` as a JSON string of the int64 (`"id":"1"`, as Cliniko's OpenAPI description does). */
  stringIds?: boolean;
}

/** Generator for one row: each call draws the next value of that row's deterministic stream. */
export class RowGen {
  private draws = 0;
  private readonly salt: number;
  first = '';
  last = '';

  constructor(
    private readonly world: RowWorld,
    readonly resource: string,
    readonly index: number,
  ) {
    this.salt = hashString(resource) ^ world.seed;
  }

  int(n: number): number {
    this.draws += 1;
    return hash32(this.salt, this.index, this.draws, 11) % Math.max(n, 1);
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }

  firstName(): string {
    this.first = this.pick(FIRST_NAMES);
    return this.first;
  }

  lastName(): string {
    this.last = this.pick(LAST_NAMES);
    return this.last;
  }

  email(): string {
    const slug = `${this.first}.${this.last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '');
    return `${slug.replace(/^\.|\.$/g, '') || 'person'}.${this.index}@example.com`;
  }

  /** Cycles through the pool by index so any 12 consecutive rows cover every awkward string. */
  notes(): string {
    const note = NOTES[(this.index + (this.salt % NOTES.length)) % NOTES.length] as string;
    const chars = this.world.noteChars;
    if (!chars) return note;
    const unit = note || 'Plain note';
    return unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);
  }

  money(maxDollars: number): string {
    const cents = this.int(maxDollars * 100);
    return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  }

  date(fromYear: number, toYear: number): string {
    const y = fromYear + this.int(toYear - fromYear + 1);
    return `${y}-${String(1 + this.int(12)).padStart(2, '0')}-${String(1 + this.int(28)).padStart(2, '0')}`;
  }

  /** A slot in the year before the data epoch, as [starts_at, ends_at]. */
  slot(): [string, string] {
    const start = DATA_EPOCH_S - 365 * 86_400 + this.int(365) * 86_400 + (8 + this.int(10)) * 3600;
    return [isoSeconds(start), isoSeconds(start + (1 + this.int(4)) * 15 * 60)];
  }

  phones(): JsonValue {
    const n = () => `04${String(this.int(100_000_000)).padStart(8, '0')}`;
    return [
      { number: n(), phone_type: 'Mobile' },
      { number: n(), phone_type: 'Home' },
    ];
  }

  street(): string {
    return `${1 + this.int(400)} ${this.pick(STREETS)}`;
  }

  city(): string {
    return this.pick(CITIES);
  }

  state(): string {
    return this.pick(STATES);
  }

  item(): string {
    return this.pick(ITEMS);
  }

  product(): string {
    return this.pick(PRODUCTS);
  }

  /** `{ links: { self } }` to a row of another resource, as Cliniko links related records. */
  link(resource: string): JsonValue {
    const count = this.world.rowCount(resource);
    const id = this.world.baseIdOf(resource, this.int(count));
    return { links: { self: `${this.world.baseUrl}/${resource}/${id}` } };
  }

  rawInt(n: number): RawNumber {
    return new RawNumber(String(this.int(n)));
  }
}

type Fields = (g: RowGen) => Record<string, JsonValue>;

const person: Fields = (g) => ({
  title: g.pick(['Mr', 'Ms', 'Mx', 'Dr', '']),
  first_name: g.firstName(),
  last_name: g.lastName(),
  email: g.email(),
  phone_numbers: g.phones(),
});

const appointment: Fields = (g) => {
  const [starts, ends] = g.slot();
  return {
    starts_at: starts,
    ends_at: ends,
    notes: g.notes(),
    did_not_arrive: g.int(10) === 0,
    patient_name: `${g.firstName()} ${g.lastName()}`,
    patient: g.link('patients'),
    practitioner: g.link('practitioners'),
    appointment_type: g.link('appointment_types'),
    business: g.link('businesses'),
  };
};

const named =
  (names: readonly string[], extra?: Fields): Fields =>
  (g) => ({ name: g.pick(names), ...(extra ? extra(g) : {}) });

/** A handful of realistic fields per resource, after id/created_at/updated_at/archived_at. */
const FIELDS: Record<string, Fields> = {
  patients: (g) => ({
    ...person(g),
    date_of_birth: g.date(1935, 2020),
    address_1: g.street(),
    city: g.city(),
    state: g.state(),
    post_code: String(3000 + g.int(1000)),
    country: 'Australia',
    notes: g.notes(),
    medicare: String(2_000_000_000 + g.int(1_000_000_000)),
  }),
  contacts: (g) => ({
    ...person(g),
    company_name: g.pick(['', 'Bayside Medical', 'Café Physio & Co']),
    address_1: g.street(),
    city: g.city(),
    notes: g.notes(),
    type: 'Doctor',
    type_code: 1,
  }),
  practitioners: (g) => ({
    ...person(g),
    designation: g.pick(['Physiotherapist', 'Osteopath', 'Psychologist', 'Podiatrist']),
    show_in_online_bookings: g.int(2) === 0,
    description: g.notes(),
  }),
  users: (g) => ({ ...person(g), role: g.pick(['administrator', 'practitioner', 'receptionist']) }),
  individual_appointments: appointment,
  bookings: (g) => ({ ...appointment(g), kind: g.pick(['appointment', 'unavailable_block']) }),
  group_appointments: (g) => {
    const [starts, ends] = g.slot();
    return {
      starts_at: starts,
      ends_at: ends,
      max_attendees: 4 + g.int(12),
      notes: g.notes(),
      practitioner: g.link('practitioners'),
      business: g.link('businesses'),
    };
  },
  attendees: (g) => ({
    arrived: g.int(3) > 0,
    notes: g.notes(),
    patient: g.link('patients'),
    booking: g.link('group_appointments'),
  }),
  unavailable_blocks: (g) => {
    const [starts, ends] = g.slot();
    return { starts_at: starts, ends_at: ends, notes: g.notes(), practitioner: g.link('practitioners') };
  },
  availability_blocks: (g) => {
    const [starts, ends] = g.slot();
    return {
      starts_at: starts,
      ends_at: ends,
      practitioner: g.link('practitioners'),
      business: g.link('businesses'),
    };
  },
  daily_availabilities: (g) => ({
    date: g.date(2024, 2024),
    availabilities: [{ starts_at: '09:00', ends_at: '17:00' }],
    practitioner: g.link('practitioners'),
  }),
  invoices: (g) => ({
    number: g.rawInt(1_000_000),
    issue_date: g.date(2021, 2024),
    status: g.pick(['Open', 'Paid', 'Closed']),
    net_amount: g.money(400),
    tax_amount: g.money(40),
    total_amount: g.money(440),
    notes: g.notes(),
    patient: g.link('patients'),
    practitioner: g.link('practitioners'),
  }),
  invoice_items: (g) => ({
    name: g.item(),
    quantity: g.money(3),
    unit_price: g.money(250),
    discounted_amount: '0.00',
    tax_amount: g.money(25),
    total_including_tax: g.money(275),
    invoice: g.link('invoices'),
  }),
  billable_items: named(ITEMS, (g) => ({
    item_code: `BI${g.int(1000)}`,
    price: g.money(300),
    item_type: 'Service',
  })),
  products: named(PRODUCTS, (g) => ({
    item_code: `P${g.int(1000)}`,
    price: g.money(80),
    stock_level: g.int(50),
  })),
  stock_adjustments: (g) => ({
    quantity: g.int(20) - 10,
    adjustment_type: g.pick(['Stock Purchase', 'Damaged', 'Returned']),
    comment: g.notes(),
    product: g.link('products'),
  }),
  taxes: named(['GST', 'VAT', 'No tax'], (g) => ({ rate: g.money(20) })),
  concession_types: named(['Pensioner', 'Student', 'Health care card']),
  medical_alerts: (g) => ({
    name: g.pick(['Penicillin allergy', 'Latex allergy', 'Asthma']),
    patient: g.link('patients'),
  }),
  patient_attachments: (g) => ({
    filename: g.pick(['referral.pdf', 'x-ray (1).png', 'résumé.docx']),
    content_type: 'application/pdf',
    size: g.int(5_000_000),
    description: g.notes(),
    patient: g.link('patients'),
  }),
  patient_cases: (g) => ({
    name: g.pick(['Lower back', 'Knee rehab', 'Shoulder']),
    notes: g.notes(),
    patient: g.link('patients'),
  }),
  patient_forms: (g) => ({ name: 'Intake form', completed: g.int(2) === 0, patient: g.link('patients') }),
  patient_form_templates: named(['Intake form', 'COVID screening', 'Consent']),
  treatment_notes: (g) => ({
    title: g.pick(['Initial assessment', 'Treatment', 'Discharge']),
    draft: g.int(5) === 0,
    content: { sections: [{ name: 'Subjective', questions: [{ name: 'Notes', answer: g.notes() }] }] },
    patient: g.link('patients'),
    practitioner: g.link('practitioners'),
  }),
  treatment_note_templates: named(['SOAP', 'Physio initial', 'Psychology session']),
  communications: (g) => ({
    category: g.pick(['Email', 'SMS', 'Letter']),
    content: g.notes(),
    patient: g.link('patients'),
  }),
  businesses: (g) => ({
    business_name: g.pick(['Bayside Physio', 'Café Health', 'Northside Clinic']),
    address_1: g.street(),
    city: g.city(),
    country: 'Australia',
  }),
  referral_source_types: named(['Doctor', 'Google', 'Friend']),
  referral_sources: (g) => ({
    notes: g.notes(),
    patient: g.link('patients'),
    referral_source_type: g.link('referral_source_types'),
  }),
  services: named(ITEMS, (g) => ({ duration_in_minutes: 15 * (1 + g.int(4)) })),
  appointment_types: named(ITEMS, (g) => ({
    duration_in_minutes: 15 * (1 + g.int(4)),
    color: `#${g.int(0xffffff).toString(16).padStart(6, '0')}`,
    description: g.notes(),
  })),
  appointment_type_billable_items: (g) => ({
    quantity: g.money(2),
    appointment_type: g.link('appointment_types'),
    billable_item: g.link('billable_items'),
  }),
  appointment_type_products: (g) => ({
    quantity: g.money(2),
    appointment_type: g.link('appointment_types'),
    product: g.link('products'),
  }),
  concession_prices: (g) => ({
    price: g.money(200),
    concession_type: g.link('concession_types'),
    billable_item: g.link('billable_items'),
  }),
  product_suppliers: named(['Physio Supplies Pty Ltd', 'Müller GmbH', 'Ōtaki Health']),
  relationships: (g) => ({
    relationship_type: g.pick(['Parent', 'Guardian', 'Spouse']),
    patient: g.link('patients'),
    related_patient: g.link('patients'),
  }),
  unavailable_block_types: named(['Lunch', 'Admin', 'Leave']),
  practitioner_reference_numbers: (g) => ({
    name: g.pick(['Medicare provider', 'HICAPS']),
    reference_number: `${g.int(10_000_000)}X`,
    practitioner: g.link('practitioners'),
    business: g.link('businesses'),
  }),
};

/** The resource-specific fields of one row; an edit count > 0 is shown in the first text field. */
export function generateFields(
  world: RowWorld,
  resource: string,
  index: number,
  edits: number,
): Record<string, JsonValue> {
  const fields = (FIELDS[resource] ?? named(['Unnamed']))(new RowGen(world, resource, index));
  if (edits > 0) {
    const key = Object.keys(fields).find((k) => typeof fields[k] === 'string');
    if (key) fields[key] = `${fields[key] as string} (edit ${edits})`;
    else fields.simulator_revision = edits;
  }
  return fields;
}
