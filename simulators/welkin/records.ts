import { bigDigits } from './json-text.js';
import { hash32, pick, saltOf, uuidFor } from './random.js';

/** Export resource names of the Welkin V8 Export API. */
export const EXPORT_RESOURCES = [
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
] as const;

/** Data sets only reachable through list endpoints (admin users, program definitions). */
export const EXTRA_RESOURCES = ['USER', 'PROGRAM'] as const;

export type ResourceName = (typeof EXPORT_RESOURCES)[number] | (typeof EXTRA_RESOURCES)[number];

/** Big integers are marked strings here (see json-text.ts): served as bare digits. */
export type RecordValue = string | number | boolean | null | RecordValue[] | { [key: string]: RecordValue };
export type SimRecord = { [key: string]: RecordValue };

/** What a generator needs besides the row index. */
export interface RowContext {
  index: number;
  id: string;
  createdAt: number;
  updatedAt: number;
  /** Number of edits applied at run time; edited rows change some fields. */
  revision: number;
  /** Key of the data set, for field hashes. */
  key: number;
  /** Id of a row of another data set (picked by `n` modulo its size), null when that set is empty. */
  ref: (resource: ResourceName, n: number) => string | null;
}

const FIRST = [
  'Charlie',
  'Zoë',
  '李',
  'José',
  'Siobhán',
  'Amara',
  'Noah',
  'Léa',
  'Mateo',
  'Aiyana',
  'Ωmega',
  'Fatima',
];
const LAST = [
  'Schwarzenegger',
  '王',
  "O'Brien",
  'Müller',
  'Nguyễn',
  'Smith',
  'García',
  'Kowalski',
  'Okafor',
  'Da Silva',
];
const CITIES = ['Los Angeles', 'São Paulo', 'Zürich', 'New York', 'Austin', 'Portland', 'Québec'];
const STATES = ['CA', 'NY', 'TX', 'OR', 'WA', 'American Samoa'];
const TIMEZONES = ['America/Los_Angeles', 'America/New_York', 'America/Chicago', 'Pacific/Honolulu', 'UTC'];
// Rotated by row index (not hashed) so every 8 consecutive rows cover each awkward character class.
const NOTES = [
  'Plain note.',
  'Line one\nLine two',
  'Tab\tseparated\tvalues',
  'She said "call me back" at 3pm',
  'Paragraph\u2028line separator\u2029paragraph separator',
  'Emoji check 🩺💊🙂 and 李 and Zoë',
  'Back\\slash and /slash and \r carriage return',
  '',
];
const CDT_NAMES = ['vitals', 'insurance', 'intake-form'];
const PDT_NAMES = ['diagnosis', 'medication'];
const ENCOUNTER_TYPES = ['INTAKE', 'FOLLOW_UP', 'TELEHEALTH', 'CARE_COORDINATION'];
const STATUSES = ['DRAFT', 'IN_PROGRESS', 'FINALIZED', 'CANCELLED'];
const PROGRAMS = [
  'diabetes-care',
  'hypertension',
  'weight-management',
  'behavioral-health',
  'maternal-health',
];
const BIG_BASE = 2n ** 53n;

const iso = (ms: number) => new Date(ms).toISOString();
const user = (c: RowContext, n: number) => c.ref('USER', hash32(c.key, c.index, n));

/** An odd integer above 2^53: JSON.parse into a double cannot keep it, so lossy clients are caught. */
function bigId(c: RowContext, n: number): string {
  return bigDigits(BIG_BASE + BigInt(hash32(c.key, c.index, n)) * 2n + 1n);
}

function base(c: RowContext): SimRecord {
  return {
    id: c.id,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    createdBy: user(c, 90),
    updatedBy: c.revision > 0 ? user(c, 91 + c.revision) : user(c, 90),
  };
}

// Object spread followed by many keys is ~20x slower than Object.assign in V8 here (1M-row exports).
function withBase(c: RowContext, fields: SimRecord): SimRecord {
  return Object.assign(base(c), fields);
}

function h(c: RowContext, field: number): number {
  return hash32(c.key, c.index, field);
}

function patient(c: RowContext): SimRecord {
  const first = pick(FIRST, h(c, 1));
  const last = pick(LAST, h(c, 2));
  const birth = Date.UTC(1940 + (h(c, 3) % 70), h(c, 4) % 12, 1 + (h(c, 5) % 28));
  return withBase(c, {
    externalGuid: h(c, 6) % 3 === 0 ? null : uuidFor(saltOf('EXT'), c.index),
    externalNumericId: bigId(c, 7),
    firstName: first,
    lastName: last,
    middleName: h(c, 8) % 4 === 0 ? 'Mc' : null,
    birthDate: iso(birth),
    email: `patient${c.index}.r${c.revision}@example.com`,
    phone: `+1555${String(h(c, 9) % 10_000_000).padStart(7, '0')}`,
    country: 'USA',
    state: pick(STATES, h(c, 10)),
    city: pick(CITIES, h(c, 11)),
    zip: String(10000 + (h(c, 12) % 89999)),
    addressLine1: `${1 + (h(c, 13) % 9999)} Hollywood Blvd`,
    addressLine2: null,
    timezone: pick(TIMEZONES, h(c, 14)),
    notes: NOTES[c.index % NOTES.length] as string,
    patientTerritories: [],
    careTeam: h(c, 15) % 2 === 0 ? [{ userId: user(c, 16), role: 'COACH' }] : [],
  });
}

function cdt(c: RowContext, names: readonly string[], kind: string): SimRecord {
  const name = pick(names, h(c, 20));
  return withBase(c, {
    patientId: c.ref('PATIENT', h(c, 0)),
    [kind]: name,
    jsonBody: {
      'cdtf-blood-pressure': `${100 + (h(c, 21) % 60)}/${60 + (h(c, 22) % 30)}`,
      'cdtf-heart-rate': 50 + (h(c, 23) % 70),
      'cdtf-temperature': 97 + (h(c, 24) % 30) / 10,
      'cdtf-insurance-member-number': bigId(c, 25),
      'cdtf-comment': NOTES[c.index % NOTES.length] as string,
      'cdtf-revision': c.revision,
      nested: { level: { deeper: [1, 'two', null, true, { k: `v${c.index}` }] } },
    },
  });
}

function encounter(c: RowContext): SimRecord {
  const start = c.createdAt + (h(c, 30) % 86_400_000);
  return withBase(c, {
    patientId: c.ref('PATIENT', h(c, 0)),
    encounterType: pick(ENCOUNTER_TYPES, h(c, 31)),
    status: pick(STATUSES, h(c, 32) + c.revision),
    title: `Visit ${c.index} — ${pick(FIRST, h(c, 33))}`,
    startDate: iso(start),
    endDate: iso(start + 1_800_000),
    userId: user(c, 34),
  });
}

const encounterOf = (c: RowContext) => c.ref('ENCOUNTER', h(c, 40));

function assessment(c: RowContext): SimRecord {
  return withBase(c, {
    patientId: c.ref('PATIENT', h(c, 0)),
    assessmentName: pick(['PHQ-9', 'GAD-7', 'Intake'], h(c, 50)),
    status: pick(['IN_PROGRESS', 'COMPLETED'], h(c, 51) + c.revision),
    score: h(c, 52) % 27,
    answers: [
      { question: 'Little interest or pleasure in doing things?', answer: h(c, 53) % 4 },
      { question: 'Comments', answer: NOTES[c.index % NOTES.length] as string },
    ],
  });
}

function calendarEvent(c: RowContext): SimRecord {
  const allDay = h(c, 60) % 5 === 0;
  const start = c.createdAt + 86_400_000 * (1 + (h(c, 61) % 30));
  return withBase(c, {
    patientId: c.ref('PATIENT', h(c, 0)),
    calendarId: uuidFor(saltOf('CALENDAR'), h(c, 62) % 20),
    userId: user(c, 63),
    isAllDay: allDay,
    startTime: allDay ? null : iso(start),
    endTime: allDay ? null : iso(start + 3_600_000),
    day: allDay ? iso(start).slice(0, 10) : null,
    eventStatus: pick(['SCHEDULED', 'COMPLETED', 'CANCELLED'], h(c, 64) + c.revision),
    outcome: pick(['completed', 'no_show', 'rescheduled', null] as const, h(c, 65)),
    modality: pick(['call', 'visit', 'video'], h(c, 66)),
    appointmentType: pick(['intake_call', 'follow_up', 'coaching'], h(c, 67)),
  });
}

function email(c: RowContext): SimRecord {
  return withBase(c, {
    patientId: c.ref('PATIENT', h(c, 0)),
    direction: pick(['INBOUND', 'OUTBOUND'], h(c, 70)),
    subject: `Re: your appointment #${c.index} ✉️`,
    body: NOTES[c.index % NOTES.length] as string,
    fromAddress: 'care@example.com',
    toAddress: `patient${h(c, 71) % 1000}@example.com`,
    sentAt: iso(c.createdAt),
  });
}

function sms(c: RowContext): SimRecord {
  return withBase(c, {
    patientId: c.ref('PATIENT', h(c, 0)),
    direction: pick(['INBOUND', 'OUTBOUND'], h(c, 80)),
    text: `${NOTES[c.index % NOTES.length]} 📱`,
    phoneNumber: `+1555${String(h(c, 81) % 10_000_000).padStart(7, '0')}`,
    sentAt: iso(c.createdAt),
  });
}

function task(c: RowContext): SimRecord {
  return withBase(c, {
    patientId: c.ref('PATIENT', h(c, 0)),
    title: `Follow up with patient (${c.index})`,
    description: NOTES[c.index % NOTES.length] as string,
    status: pick(['OPEN', 'DONE', 'DISMISSED'], h(c, 100) + c.revision),
    priority: h(c, 101) % 3,
    dueDate: iso(c.createdAt + 86_400_000 * (h(c, 102) % 14)).slice(0, 10),
    assigneeId: user(c, 103),
  });
}

function voiceCall(c: RowContext): SimRecord {
  return withBase(c, {
    patientId: c.ref('PATIENT', h(c, 0)),
    direction: pick(['INBOUND', 'OUTBOUND'], h(c, 110)),
    status: pick(['COMPLETED', 'MISSED', 'VOICEMAIL'], h(c, 111)),
    durationSeconds: h(c, 112) % 3600,
    fromNumber: '+15550000000',
    toNumber: `+1555${String(h(c, 113) % 10_000_000).padStart(7, '0')}`,
    startedAt: iso(c.createdAt),
    recordingSid: bigId(c, 114),
  });
}

function patientProgram(c: RowContext): SimRecord {
  return withBase(c, {
    patientId: c.ref('PATIENT', h(c, 0)),
    programName: pick(PROGRAMS, h(c, 120)),
    phase: pick(['enrolled', 'active', 'graduated', 'discharged'], h(c, 121) + c.revision),
    status: 'ACTIVE',
    enrolledAt: iso(c.createdAt),
  });
}

function adminUser(c: RowContext): SimRecord {
  return withBase(c, {
    username: `worker${c.index}@example.com`,
    firstName: pick(FIRST, h(c, 130)),
    lastName: pick(LAST, h(c, 131)),
    email: `worker${c.index}@example.com`,
    roles: [pick(['Coach', 'Physician', 'Admin'], h(c, 132))],
    enabled: h(c, 133) % 10 !== 0,
  });
}

/**
 * A program definition as `formations/current/programs` serves it: keyed by `name`, with no id and no
 * timestamps (recorded: Lightmatter/welkin-health TestFormation.test_programs_read; the V8 reference's sample).
 */
function program(c: RowContext): SimRecord {
  const name = PROGRAMS[c.index % PROGRAMS.length] as string;
  return {
    name: c.index < PROGRAMS.length ? name : `${name}-${c.index}`,
    title: name.replace(/-/g, ' '),
    description: NOTES[c.index % NOTES.length] as string,
    phases: [
      { name: 'start', title: 'Start', type: 'START', description: '', navigateTo: [{ name: 'finish' }] },
      { name: 'finish', title: 'Finish', type: 'FINISH', description: '', navigateTo: [] },
    ],
  };
}

export const GENERATORS: Record<ResourceName, (c: RowContext) => SimRecord> = {
  PATIENT: patient,
  CDT_RECORD: (c) => cdt(c, CDT_NAMES, 'cdtName'),
  PDT_RECORD: (c) => cdt(c, PDT_NAMES, 'pdtName'),
  ENCOUNTER: encounter,
  ENCOUNTER_COMMENT: (c) =>
    withBase(c, {
      patientId: c.ref('PATIENT', h(c, 0)),
      encounterId: encounterOf(c),
      text: NOTES[c.index % NOTES.length] as string,
      authorId: user(c, 41),
    }),
  ENCOUNTER_DISPOSITION: (c) =>
    withBase(c, {
      patientId: c.ref('PATIENT', h(c, 0)),
      encounterId: encounterOf(c),
      disposition: pick(['RESOLVED', 'ESCALATED', 'REFERRED'], h(c, 42) + c.revision),
      reason: NOTES[c.index % NOTES.length] as string,
    }),
  ASSESSMENT: assessment,
  CALENDAR_EVENT: calendarEvent,
  EMAIL: email,
  SMS: sms,
  TASK: task,
  VOICE_CALL: voiceCall,
  PATIENT_PROGRAM: patientProgram,
  USER: adminUser,
  PROGRAM: program,
};
