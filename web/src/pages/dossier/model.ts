/**
 * The dossier as the page works with it: the document the server sends, how its resources are
 * grouped on screen, which fields a table shows, and moments in Brussels time.
 */
import type { FieldMeta, ResourceMeta } from '../../data.ts';

export type Rec = Record<string, unknown> & { id: string; version: number; recordedAt?: string; recordedBy?: string; validFrom?: string };

export interface DossierDoc {
  asOf: string | null;
  withheld: string[];
  person: Rec;
  /** When the data go, by the retention rules (today's dossier only). */
  retention?: DossierRetention | null;
  [resource: string]: unknown;
}

export interface DossierRetention {
  deletionDate: string | null;
  anonymisedOn: string | null;
  clusters: { cluster: string; rule: string; action: 'DELETE' | 'ANONYMISE'; startsFrom: string; termMonths: number; date: string | null }[];
}

export interface TimelineItem {
  resource: string;
  cluster?: string;
  recordId: string;
  change: 'created' | 'updated' | 'deleted';
  version: number;
  at: string;
  by: string;
  /** Where the change came from (the server says): a staff member's screen, a partner, the system. */
  source?: 'screen' | 'partner' | 'system';
  validFrom: string;
  /** For a change: each field before and after (API names). */
  changes?: { field: string; before: unknown; after: unknown }[];
}

export const recordsOf = (doc: DossierDoc | null, resource: string): Rec[] => {
  const v = doc?.[resource];
  return Array.isArray(v) ? (v as Rec[]) : [];
};

/** The screen's groups, in the order a caseworker follows a dossier. Unknown resources go to "other". */
export const GROUPS = [
  { id: 'caseLead', resources: ['caseLead'] },
  { id: 'registration', resources: ['invitations', 'registrations', 'registrationPostponements', 'targetGroupDeterminations'] },
  { id: 'contract', resources: ['contracts', 'contractParts', 'contractAddenda', 'contractSuspensions', 'signingPostponements'] },
  { id: 'trajectory', resources: ['trajectories', 'trajectoryComponents', 'componentSuspensions'] },
  { id: 'courses', resources: ['enrolments', 'participations', 'waitingListEntries', 'clientPreferences'] },
  { id: 'language', resources: ['languageSkills', 'literacyAssessments', 'testResults', 'levelAttainments'] },
  { id: 'advice', resources: ['languageIntakes', 'advice', 'perspectives', 'diplomaRecognitionSupport'] },
  { id: 'certificates', resources: ['certificates'] },
  { id: 'conversations', resources: ['conversations'] },
  { id: 'appointments', resources: ['appointments', 'referrals'] },
  { id: 'infringements', resources: ['infringementCases', 'infringements', 'infringementFacts', 'infringementDecisions', 'livingWageRecords'] },
  { id: 'other', resources: ['dvzAdvice', 'housingRequirements'] },
] as const;

export type GroupId = (typeof GROUPS)[number]['id'];

/** Resources shown inside another one's table rather than as a table of their own. */
export const SUMMARISED = new Set(['participations']);

/** The columns of each table; every other field is in the row's details. */
const COLUMNS: Record<string, string[]> = {
  caseLead: ['dossierNumber', 'caseLeadOrganisationId', 'caseLeadSince', 'managingOfficeId', 'contactStaffId', 'openedOn', 'closedOn'],
  invitations: ['sentOn', 'status', 'officeId', 'registeredLetter', 'respondBy'],
  targetGroupDeterminations: ['determinedOn', 'determined', 'type', 'subtype', 'startDate', 'endDate'],
  registrations: ['registeredOn', 'type', 'reason', 'officeId'],
  contracts: ['kind', 'signedOn', 'registeredOn', 'endDate', 'officeId'],
  contractAddenda: ['contractId', 'signedOn', 'description'],
  contractParts: ['part', 'contractId', 'addendumId'],
  certificates: ['kind', 'issuedOn', 'documentType', 'documentId', 'officeId'],
  trajectories: ['type', 'startDate', 'endDate', 'status', 'statusSince', 'managingOfficeId', 'decision'],
  trajectoryComponents: ['type', 'startDate', 'endDate', 'status', 'statusSince', 'exempted', 'decision'],
  enrolments: ['courseId', 'status', 'enrolledOn', 'startDate', 'endDate', 'result'],
  waitingListEntries: ['courseType', 'appliedOn', 'status', 'statusSince', 'providerId'],
  conversations: ['heldAt', 'channel', 'officeId', 'staffId', 'text'],
  appointments: ['reason', 'wishedDate', 'timeWindow', 'status', 'plannedAt', 'requestedById'],
  referrals: ['referredOn', 'fromId', 'toId', 'reason', 'status', 'decidedOn'],
  advice: ['givenOn', 'source', 'adviceType', 'advisedLevel', 'intensity', 'givenById'],
  languageIntakes: ['intakeOn', 'houseId', 'officeId', 'referredBy'],
  infringements: ['establishedOn', 'type', 'sanctioningAuthority', 'noticeSentOn', 'caseId'],
};

export function columnsOf(meta: ResourceMeta): FieldMeta[] {
  const wanted = COLUMNS[meta.resource];
  if (wanted) return wanted.map((n) => meta.fields.find((f) => f.name === n)).filter((f): f is FieldMeta => !!f);
  // Short fields first; long free text only when there is room.
  return meta.fields.filter((f) => !isLongText(f)).slice(0, 6);
}

export const isLongText = (f: FieldMeta) => f.type === 'text' && (f.maxLength ?? 200) > 200;

/** The fields that name a record in a list or a choice: its first code and first date. */
export function nameFieldsOf(meta: ResourceMeta): { code?: FieldMeta; date?: FieldMeta } {
  const columns = columnsOf(meta);
  return {
    code: columns.find((f) => f.type === 'code') ?? meta.fields.find((f) => f.type === 'code'),
    date: columns.find((f) => f.type === 'date' || f.type === 'datetime') ?? meta.fields.find((f) => f.type === 'date' || f.type === 'datetime'),
  };
}

// ---------------------------------------------------------------------------------------------
// Moments in Brussels time. The server speaks UTC with offsets; people think in Brussels time.

const TZ = 'Europe/Brussels';
const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const pad = (n: number) => String(n).padStart(2, '0');

function brusselsParts(ms: number) {
  const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: Number(p.year), mo: Number(p.month), d: Number(p.day), h: Number(p.hour), mi: Number(p.minute), s: Number(p.second) };
}

/** Minutes Brussels is ahead of UTC at that instant (60 in winter, 120 in summer). */
function offsetAt(ms: number): number {
  const b = brusselsParts(ms);
  return Math.round((Date.UTC(b.y, b.mo - 1, b.d, b.h, b.mi, b.s) - Math.floor(ms / 1000) * 1000) / 60000);
}

/** A wall-clock moment in Brussels ('2023-01-15', '14:05[:30]') as ISO 8601 with its offset. */
export function brusselsIso(date: string, time: string, fraction = ''): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h = 0, mi = 0, s = 0] = time.split(':').map(Number);
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  const offset = offsetAt(naive - offsetAt(naive) * 60000);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${date}T${pad(h)}:${pad(mi)}:${pad(s)}${fraction}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The last moment of a day in Brussels: "as known on that date" includes everything recorded that day. */
export const endOfBrusselsDay = (date: string) => brusselsIso(date, '23:59:59', '.999999');

/** An ISO instant as the value of a datetime-local input, in Brussels time ('2023-01-15T14:05'). */
export function toBrusselsLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const b = brusselsParts(ms);
  return `${b.y}-${pad(b.mo)}-${pad(b.d)}T${pad(b.h)}:${pad(b.mi)}`;
}

/** A datetime-local value read as Brussels time, as ISO with offset. */
export function fromBrusselsLocal(local: string): string {
  const [date, time = '00:00'] = local.split('T') as [string, string?];
  return brusselsIso(date, time);
}

/** Today's date in Brussels, YYYY-MM-DD. */
export function brusselsToday(): string {
  const b = brusselsParts(Date.now());
  return `${b.y}-${pad(b.mo)}-${pad(b.d)}`;
}

export const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));
export const isTime = (s: string) => /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(s);

/** Figures of a part (component or enrolment) as GET /persons/:id/attendance gives them. */
export interface AttendanceFigures {
  countedMinutes: number;
  presentMinutes: number;
  absentMinutes: number;
  justifiedMinutes: number;
  suspendedMinutes: number;
  lessons: number;
  presentPercent: number | null;
  status: 'REGULAR' | 'BELOW_REGULAR' | 'EARLY_TERMINATION' | 'NO_LESSONS';
}

/** The person's attendance against the rule, judged by the server (never restated here). */
export interface PersonAttendance {
  on: string;
  rule: { id: string; validFrom: string; validTo: string | null; regularPercent: number; earlyTerminationAbsentPercent: number | null; source: string };
  outcome: 'REGULAR' | 'IRREGULAR' | 'EARLY_TERMINATION' | 'NOT_REGULAR' | 'NO_LESSONS';
  infringementType: string | null;
  components: {
    componentId: string | null;
    type: string | null;
    status: string | null;
    figures: AttendanceFigures;
    suspensions: { start: string; end: string | null }[];
    enrolments: (AttendanceFigures & { enrolmentId: string; course: string; module: string | null })[];
  }[];
}
