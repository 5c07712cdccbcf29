/**
 * What the dossier holds, table by table: the fields of each record, the code list every coded
 * field draws from, the records it refers to and the periods that must be in order. One
 * definition drives the JSON schemas (and so the OpenAPI document), input validation, the
 * queries and the dossier read, so a rule is stated once.
 */
import type { Row } from '../../platform/db.ts';

export type FieldType = 'text' | 'date' | 'datetime' | 'boolean' | 'integer' | 'number' | 'ref' | 'code' | 'codes' | 'texts' | 'kbo';

export interface FieldDef {
  /** Column in the table (snake_case); the API name is its camelCase form. */
  column: string;
  type: FieldType;
  /** Needed when a record is created. */
  required?: boolean;
  /** Code list of a `code`/`codes` field. */
  list?: string;
  /**
   * Table a `ref` field points to; `samePerson` demands the record belongs to the same person;
   * `kinds`, for an office or an organisation, the organisation kinds that fit the field (a contract
   * is signed at an agency office, not at an OCMW).
   */
  ref?: { table: string; samePerson?: boolean; kinds?: readonly string[] };
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  /** Set once at creation, never changed afterwards. */
  immutable?: boolean;
  /** Allowed values of a small closed set that is not a code table. */
  enum?: string[];
  pattern?: string;
  description?: string;
}

/**
 * The data clusters of SPEC.md "The dossier" (seed 003 §61) plus the other kinds of record KBI keeps;
 * authorisations and audit records speak in these names.
 */
export const DATA_CLUSTERS = [
  'caseLead',
  'languages',
  'contracts',
  'certificates',
  'registration',
  'targetGroup',
  'level',
  'advice',
  'perspective',
  'trajectories',
  'trajectoryOffice',
  'sanctioningPartner',
  'components',
  'componentSuspensions',
  'courses',
  'diplomaRecognition',
  'conversations',
] as const;
export const OTHER_CLUSTERS = ['personalia', 'invitations', 'appointments', 'referrals', 'infringements', 'dvzAdvice', 'housingRequirement'] as const;
export type ClusterName = (typeof DATA_CLUSTERS)[number] | (typeof OTHER_CLUSTERS)[number];

export interface ResourceDef {
  table: string;
  /** URL segment and key in the dossier document (lowerCamelCase plural). */
  resource: string;
  /** Singular name used in messages and OpenAPI titles. */
  title: string;
  description: string;
  /** Data cluster it belongs to (null for reference data that is not personal). */
  cluster: ClusterName | null;
  /** Dossier records belong to one person; reference data (offices, courses, …) does not. */
  personScoped: boolean;
  fields: FieldDef[];
  /** Pairs of [start, end] columns: the end may not lie before the start. */
  periods?: [string, string][];
  /** Order of a list, as SQL column names. */
  orderBy: string[];
  /** Extra rule in words a caseworker understands; returns the failing field and why. */
  rule?: (row: Record<string, unknown>) => { field: string; detail: string } | null;
}

const text = (column: string, o: Partial<FieldDef> = {}): FieldDef => ({ column, type: 'text', maxLength: 200, ...o });
const longText = (column: string, maxLength: number, o: Partial<FieldDef> = {}): FieldDef => ({ column, type: 'text', maxLength, ...o });
const date = (column: string, o: Partial<FieldDef> = {}): FieldDef => ({ column, type: 'date', ...o });
const datetime = (column: string, o: Partial<FieldDef> = {}): FieldDef => ({ column, type: 'datetime', ...o });
const bool = (column: string, o: Partial<FieldDef> = {}): FieldDef => ({ column, type: 'boolean', ...o });
const code = (column: string, list: string, o: Partial<FieldDef> = {}): FieldDef => ({ column, type: 'code', list, ...o });
const ref = (column: string, table: string, o: Partial<FieldDef> & { kinds?: readonly string[] } = {}): FieldDef => {
  const { kinds, ...rest } = o;
  return { column, type: 'ref', ref: { table, ...(kinds ? { kinds } : {}) }, ...rest };
};
/** The organisation kinds that fit a field (code list organisation_kind). */
const AGENCY = ['AGENCY'] as const;
const LANGUAGE_PROVIDERS = ['HOUSE_OF_DUTCH', 'CVO', 'CBE', 'AHOVOKS'] as const;
const own = (column: string, table: string, o: Partial<FieldDef> = {}): FieldDef => ({ column, type: 'ref', ref: { table, samePerson: true }, ...o });
const kbo = (column: string, o: Partial<FieldDef> = {}): FieldDef => ({ column, type: 'kbo', ...o });
const req = { required: true } as const;

export const PERSON_RESOURCE: ResourceDef = {
  table: 'persons',
  resource: 'persons',
  title: 'Person',
  cluster: 'personalia',
  personScoped: false,
  description: 'A newcomer (inburgeraar), identified by INSZ: national register number or bis number.',
  fields: [
    text('insz', { ...req, maxLength: 15, description: 'INSZ (national register or bis number): 11 digits, dots and dash allowed; check digits verified.' }),
    text('family_name', req),
    text('given_names', req),
    date('birth_date', { description: 'Filled from the INSZ when it encodes a full date and none is given.' }),
    code('gender', 'gender', req),
    code('nationality', 'nationality', req),
    code('residence_status', 'residence_status'),
    text('street'),
    text('house_number', { maxLength: 20 }),
    text('box', { maxLength: 10 }),
    text('postcode', { maxLength: 4, pattern: '^[1-9][0-9]{3}$' }),
    text('municipality'),
    date('first_extraction_date', { description: 'Date of first extraction from the national register.' }),
    text('correspondence_language', { enum: ['nl', 'fr', 'en'] }),
    ref('created_by_organisation_id', 'organisations', { immutable: true }),
    ref('created_by_office_id', 'offices', { immutable: true, description: 'The office (KBI-vestiging) that created the person in KBI.' }),
    kbo('created_by_kbo', {
      immutable: true,
      description: "KBO number (enterprise or establishment unit) of the creator as the source gave it; absent: its organisation's.",
    }),
  ],
  orderBy: ['family_name', 'given_names', 'id'],
};

export const REFERENCE_RESOURCES: ResourceDef[] = [
  {
    table: 'organisations',
    resource: 'organisations',
    title: 'Organisation',
    cluster: null,
    personScoped: false,
    description: 'An organisation taking part in KBI: agency, House of Dutch, OCMW, VDAB, VMSW, CVO/CBE, AHOVOKS, DVZ.',
    fields: [
      code('kind', 'organisation_kind', req),
      text('name', req),
      kbo('enterprise_number'),
      code('agency', 'agency'),
      code('region', 'region'),
      ref('parent_id', 'organisations'),
      text('municipality_nis', { maxLength: 5 }),
      text('davinci_number', {
        maxLength: 10,
        pattern: '^[0-9]{1,10}$',
        description: 'Institution number in Davinci, the Flemish education register (adult-education centres).',
      }),
    ],
    orderBy: ['name', 'id'],
  },
  {
    table: 'offices',
    resource: 'offices',
    title: 'Office',
    cluster: null,
    personScoped: false,
    description: 'A KBI office (KBI-vestiging): centre, office or desk, by KBO number or KBI key.',
    fields: [
      ref('organisation_id', 'organisations', { ...req, immutable: true }),
      text('name', req),
      kbo('kbo_number'),
      text('kbi_key', { maxLength: 32, immutable: true, description: 'Unique KBI key (32 hexadecimal characters); generated when absent.' }),
      text('street'),
      text('house_number', { maxLength: 20 }),
      text('postcode', { maxLength: 4, pattern: '^[1-9][0-9]{3}$' }),
      text('municipality'),
      text('phone', { maxLength: 40 }),
      text('email'),
      text('contact_name'),
      longText('opening_hours', 1000),
    ],
    orderBy: ['name', 'id'],
  },
  {
    table: 'staff',
    resource: 'staff',
    title: 'Staff member',
    cluster: null,
    personScoped: false,
    description: 'A staff member of an organisation (caseworker, trajectory counsellor, contact person).',
    fields: [
      ref('organisation_id', 'organisations', req),
      ref('office_id', 'offices'),
      text('family_name', req),
      text('given_name', req),
      text('email'),
      text('phone', { maxLength: 40 }),
      text('function_title'),
    ],
    orderBy: ['family_name', 'given_name', 'id'],
  },
  {
    table: 'courses',
    resource: 'courses',
    title: 'Course',
    cluster: null,
    personScoped: false,
    description: 'A course: social orientation, NT2, career orientation or participation, with its variant.',
    fields: [
      ref('provider_id', 'organisations', req),
      ref('office_id', 'offices'),
      code('course_type', 'course_type', req),
      text('variant'),
      text('name', req),
      text('training_code', { maxLength: 40 }),
      code('language', 'language'),
      text('location_code', { maxLength: 40 }),
      text('location_name'),
      date('start_date', req),
      date('end_date'),
      code('target_level', 'cefr_level'),
      {
        column: 'places',
        type: 'integer',
        minimum: 0,
        maximum: 1000,
        description: 'How many learners the course takes; the House of Dutch sees the free places.',
      },
    ],
    periods: [['start_date', 'end_date']],
    orderBy: ['start_date', 'id'],
  },
  {
    table: 'course_modules',
    resource: 'courseModules',
    title: 'Course module',
    cluster: null,
    personScoped: false,
    description: 'A module of a course.',
    fields: [
      ref('course_id', 'courses', { ...req, immutable: true }),
      text('code', { ...req, maxLength: 40 }),
      text('name', req),
      { column: 'hours', type: 'number', minimum: 0, maximum: 10000 },
      { column: 'sequence', type: 'integer', minimum: 1, maximum: 1000 },
    ],
    orderBy: ['course_id', 'sequence', 'id'],
  },
  {
    table: 'lessons',
    resource: 'lessons',
    title: 'Lesson',
    cluster: null,
    personScoped: false,
    description: 'A lesson moment of a course module.',
    fields: [
      ref('module_id', 'course_modules', { ...req, immutable: true }),
      datetime('starts_at', req),
      { column: 'duration_minutes', type: 'integer', minimum: 1, maximum: 720, required: true },
    ],
    orderBy: ['starts_at', 'id'],
  },
];

export const DOSSIER_RESOURCES: ResourceDef[] = [
  {
    table: 'dossiers',
    resource: 'caseLead',
    title: 'Case lead',
    cluster: 'caseLead',
    personScoped: true,
    description: 'Which partner leads the dossier (regie) and since when; the managing office and its contact person.',
    fields: [
      text('dossier_number', { maxLength: 8, immutable: true, description: 'Letter followed by 7 digits; generated when absent.' }),
      ref('case_lead_organisation_id', 'organisations'),
      date('case_lead_since'),
      ref('managing_office_id', 'offices', { kinds: AGENCY }),
      ref('contact_staff_id', 'staff'),
      date('opened_on', req),
      date('closed_on'),
    ],
    periods: [['opened_on', 'closed_on']],
    orderBy: ['opened_on', 'id'],
  },
  {
    table: 'invitations',
    resource: 'invitations',
    title: 'Invitation',
    cluster: 'invitations',
    personScoped: true,
    description: 'A letter of invitation sent by an agency.',
    fields: [
      ref('office_id', 'offices', { kinds: AGENCY }),
      date('sent_on', req),
      bool('registered_letter'),
      code('status', 'invitation_status', req),
      date('respond_by'),
    ],
    periods: [['sent_on', 'respond_by']],
    orderBy: ['sent_on', 'id'],
  },
  {
    table: 'target_group_determinations',
    resource: 'targetGroupDeterminations',
    title: 'Target-group determination',
    cluster: 'targetGroup',
    personScoped: true,
    description: 'Doelgroepbepaling: obliged, entitled, minor or no target group, with the reasons.',
    fields: [
      date('determined_on', req),
      bool('determined', req),
      code('type', 'target_group_type'),
      code('subtype', 'target_group_subtype'),
      date('start_date'),
      date('end_date'),
      code('no_target_group_reason', 'no_target_group_reason'),
      code('exemption_reason', 'exemption_reason'),
      ref('office_id', 'offices', { kinds: AGENCY }),
      text('proposed_outcome', {
        enum: ['PLICHT', 'RECHT', 'MINDERJARIG', 'NONE'],
        description: 'What the target-group assistant proposed (NONE: not in the target group).',
      }),
      text('proposal_rule_id', { maxLength: 40, description: 'The version of the target-group rules that proposed it.' }),
      longText('override_reason', 1000, { description: 'Why the determination differs from the proposal; required then.' }),
    ],
    periods: [['start_date', 'end_date']],
    orderBy: ['determined_on', 'id'],
    rule: (r) =>
      r.proposed_outcome != null && (r.determined === true ? r.type : 'NONE') !== r.proposed_outcome && !String(r.override_reason ?? '').trim()
        ? { field: 'overrideReason', detail: 'say why the determination differs from the proposal' }
        : r.determined === false && r.type != null
          ? { field: 'type', detail: 'a person without a determined target group has no target-group type' }
          : r.determined === false && r.no_target_group_reason == null
            ? { field: 'noTargetGroupReason', detail: 'say why no target group applies' }
            : r.determined === true && r.type == null
              ? { field: 'type', detail: 'a determined target group needs its type' }
              : null,
  },
  {
    table: 'registrations',
    resource: 'registrations',
    title: 'Registration',
    cluster: 'registration',
    personScoped: true,
    description: 'Aanmelding at an agency office: when, why and where.',
    fields: [
      date('registered_on', req),
      code('type', 'registration_type', req),
      code('reason', 'registration_reason', req),
      ref('office_id', 'offices', { kinds: AGENCY }),
      own('invitation_id', 'invitations'),
    ],
    orderBy: ['registered_on', 'id'],
  },
  {
    table: 'registration_postponements',
    resource: 'registrationPostponements',
    title: 'Postponement of registration',
    cluster: 'registration',
    personScoped: true,
    description: 'Uitstel van aanmelding, with its reason.',
    fields: [date('start_date', req), date('end_date'), code('reason', 'registration_postponement_reason', req)],
    periods: [['start_date', 'end_date']],
    orderBy: ['start_date', 'id'],
  },
  {
    table: 'signing_postponements',
    resource: 'signingPostponements',
    title: 'Postponement of signing',
    cluster: 'contracts',
    personScoped: true,
    description: 'Uitstel van ondertekening of the integration contract, with its reason.',
    fields: [date('start_date', req), date('end_date'), code('reason', 'signing_postponement_reason', req)],
    periods: [['start_date', 'end_date']],
    orderBy: ['start_date', 'id'],
  },
  {
    table: 'contracts',
    resource: 'contracts',
    title: 'Integration contract',
    cluster: 'contracts',
    personScoped: true,
    description: 'Inburgeringscontract: mother or takeover contract.',
    fields: [
      code('kind', 'contract_kind', {
        ...req,
        description: 'Mother or takeover contract. Empty only in a contract imported from KBI 01.00, known by its registration alone.',
      }),
      date('signed_on', { ...req, description: 'Empty only in a contract imported from KBI 01.00, known by its registration alone.' }),
      date('registered_on', req),
      date('end_date'),
      ref('office_id', 'offices', { kinds: AGENCY }),
      kbo('created_by_kbo'),
      own('previous_contract_id', 'contracts'),
    ],
    periods: [['signed_on', 'end_date']],
    orderBy: ['signed_on', 'id'],
    rule: (r) =>
      typeof r.registered_on === 'string' && typeof r.signed_on === 'string' && r.registered_on < r.signed_on
        ? { field: 'registeredOn', detail: 'a contract is registered on or after the day it was signed' }
        : null,
  },
  {
    table: 'contract_addenda',
    resource: 'contractAddenda',
    title: 'Contract addendum',
    cluster: 'contracts',
    personScoped: true,
    description: 'An addendum to an integration contract.',
    fields: [own('contract_id', 'contracts', { ...req, immutable: true }), date('signed_on', req), longText('description', 2000)],
    orderBy: ['signed_on', 'id'],
  },
  {
    table: 'contract_parts',
    resource: 'contractParts',
    title: 'Contract part',
    cluster: 'contracts',
    personScoped: true,
    description: 'A part (onderdeel) of a contract, added by the contract itself or by an addendum.',
    fields: [own('contract_id', 'contracts', { ...req, immutable: true }), own('addendum_id', 'contract_addenda'), code('part', 'contract_part', req)],
    orderBy: ['contract_id', 'part', 'id'],
  },
  {
    table: 'contract_suspensions',
    resource: 'contractSuspensions',
    title: 'Contract suspension',
    cluster: 'contracts',
    personScoped: true,
    description: 'Opschorting of a contract, with its reason.',
    fields: [
      own('contract_id', 'contracts', { ...req, immutable: true }),
      date('start_date', req),
      date('end_date'),
      code('reason', 'contract_suspension_reason', req),
    ],
    periods: [['start_date', 'end_date']],
    orderBy: ['start_date', 'id'],
  },
  {
    table: 'certificates',
    resource: 'certificates',
    title: 'Certificate',
    cluster: 'certificates',
    personScoped: true,
    description: 'Attest: integration certificate, EVC, exemption or suspension certificate.',
    fields: [
      code('kind', 'certificate_kind', req),
      code('document_type', 'certificate_type'),
      text('document_class', { maxLength: 20, pattern: '^[A-Z_]{1,20}$', description: 'Class of the document (MAGDA Soort), e.g. ATTEST.' }),
      text('document_id', { maxLength: 64 }),
      date('issued_on', req),
      date('signed_on'),
      date('expires_on'),
      kbo('issued_by_kbo'),
      ref('office_id', 'offices', { kinds: ['AGENCY', 'HOUSE_OF_DUTCH'] }),
    ],
    periods: [
      ['issued_on', 'signed_on'],
      ['issued_on', 'expires_on'],
    ],
    orderBy: ['issued_on', 'id'],
  },
  {
    table: 'trajectories',
    resource: 'trajectories',
    title: 'Trajectory',
    cluster: 'trajectories',
    personScoped: true,
    description: 'Traject by type, with period, managing office, sanctioning partner, status and general decision.',
    fields: [
      code('type', 'trajectory_type', req),
      date('start_date', req),
      date('end_date'),
      ref('managing_office_id', 'offices', { kinds: AGENCY }),
      date('managed_since', { description: 'Since when the managing office manages the trajectory; absent: since the start.' }),
      ref('contact_staff_id', 'staff'),
      ref('sanctioning_partner_id', 'organisations', { kinds: ['ABB', 'AGENCY', 'OCMW', 'VDAB'] }),
      code('status', 'trajectory_status', req),
      date('status_since', req),
      code('decision', 'trajectory_decision'),
      date('decision_date'),
      longText('decision_reason', 500),
      text('decision_reason_short', { maxLength: 25, description: 'Short form of the decision reason (at most 25 characters).' }),
      code('end_reason', 'trajectory_end_reason'),
    ],
    periods: [
      ['start_date', 'end_date'],
      ['start_date', 'status_since'],
    ],
    orderBy: ['start_date', 'id'],
    rule: (r) => (r.decision != null && r.decision_date == null ? { field: 'decisionDate', detail: 'a decision needs the date it was taken' } : null),
  },
  {
    table: 'trajectory_components',
    resource: 'trajectoryComponents',
    title: 'Trajectory component',
    cluster: 'components',
    personScoped: true,
    description: 'Trajectonderdeel: social orientation, NT2, career orientation, participation; exemption, remarks, most recent decision.',
    fields: [
      own('trajectory_id', 'trajectories', { ...req, immutable: true }),
      code('type', 'trajectory_component_type', req),
      date('start_date', req),
      date('end_date'),
      code('status', 'trajectory_component_status', req),
      date('status_since', req),
      bool('exempted'),
      longText('remarks', 2000),
      code('decision', 'trajectory_component_decision'),
      date('decision_date'),
      longText('decision_reason', 500),
      text('decision_reason_short', { maxLength: 25, description: 'Short form of the decision reason (at most 25 characters).' }),
    ],
    periods: [['start_date', 'end_date']],
    orderBy: ['start_date', 'id'],
    rule: (r) => (r.decision != null && r.decision_date == null ? { field: 'decisionDate', detail: 'a decision needs the date it was taken' } : null),
  },
  {
    table: 'component_suspensions',
    resource: 'componentSuspensions',
    title: 'Component suspension',
    cluster: 'componentSuspensions',
    personScoped: true,
    description: 'Opschorting of a trajectory component; while it runs no infringement is reported.',
    fields: [
      own('component_id', 'trajectory_components', { ...req, immutable: true }),
      date('start_date', req),
      date('end_date'),
      code('reason', 'component_suspension_reason', req),
    ],
    periods: [['start_date', 'end_date']],
    orderBy: ['start_date', 'id'],
  },
  {
    table: 'enrolments',
    resource: 'enrolments',
    title: 'Enrolment',
    cluster: 'courses',
    personScoped: true,
    description: 'Enrolment in a course: target attendance rate, status, exit reason, result.',
    fields: [
      ref('course_id', 'courses', { ...req, immutable: true }),
      ref('module_id', 'course_modules'),
      own('component_id', 'trajectory_components'),
      date('enrolled_on', req),
      date('start_date'),
      date('end_date'),
      code('status', 'enrolment_status', req),
      { column: 'target_attendance_rate', type: 'number', minimum: 0, maximum: 100, description: 'Percent; seed 003 §35: 80 % in every part.' },
      code('exit_reason', 'enrolment_exit_reason'),
      code('result', 'enrolment_result'),
      text('external_id', { maxLength: 64, immutable: true }),
    ],
    periods: [['start_date', 'end_date']],
    orderBy: ['enrolled_on', 'id'],
  },
  {
    table: 'participations',
    resource: 'participations',
    title: 'Participation',
    cluster: 'courses',
    personScoped: true,
    description: 'Attendance of an enrolled person at one lesson.',
    fields: [
      own('enrolment_id', 'enrolments', { ...req, immutable: true }),
      ref('lesson_id', 'lessons', { ...req, immutable: true }),
      code('attendance', 'attendance', req),
    ],
    orderBy: ['enrolment_id', 'lesson_id'],
  },
  {
    table: 'waiting_list_entries',
    resource: 'waitingListEntries',
    title: 'Waiting-list entry',
    cluster: 'courses',
    personScoped: true,
    description: 'A course application; on the waiting list while not cancelled, placed or refused.',
    fields: [
      code('course_type', 'course_type', req),
      date('applied_on', req),
      ref('provider_id', 'organisations', { kinds: LANGUAGE_PROVIDERS }),
      ref('office_id', 'offices', { kinds: LANGUAGE_PROVIDERS }),
      code('status', 'waiting_list_status', req),
      date('status_since', req),
      own('enrolment_id', 'enrolments'),
    ],
    periods: [['applied_on', 'status_since']],
    orderBy: ['applied_on', 'id'],
  },
  {
    table: 'client_preferences',
    resource: 'clientPreferences',
    title: 'Client preferences',
    cluster: 'courses',
    personScoped: true,
    description: 'Preferences for course placement: wished start, intensity, postal areas, lesson moments.',
    fields: [
      date('wished_start_date'),
      { column: 'intensity', type: 'integer', minimum: 1, maximum: 5 },
      { column: 'postcodes', type: 'texts', maxLength: 4 },
      { column: 'lesson_moments', type: 'codes', list: 'lesson_moment' },
      date('lesson_moments_valid_from', { description: 'From when the preferred lesson moments hold.' }),
    ],
    orderBy: ['id'],
  },
  {
    table: 'test_results',
    resource: 'testResults',
    title: 'Test result',
    cluster: 'level',
    personScoped: true,
    description: 'A test taken and its result.',
    fields: [
      code('test_type', 'test_type', req),
      date('taken_on', req),
      code('result', 'test_result', req),
      code('level', 'cefr_level'),
      { column: 'score', type: 'number', minimum: 0, maximum: 10000 },
      { column: 'max_score', type: 'number', minimum: 0, maximum: 10000 },
      ref('provider_id', 'organisations', { kinds: [...LANGUAGE_PROVIDERS, 'AGENCY'] }),
    ],
    orderBy: ['taken_on', 'id'],
    rule: (r) =>
      typeof r.score === 'number' && typeof r.max_score === 'number' && r.score > r.max_score
        ? { field: 'score', detail: 'the score cannot exceed the maximum score' }
        : null,
  },
  {
    table: 'level_attainments',
    resource: 'levelAttainments',
    title: 'Level reached',
    cluster: 'level',
    personScoped: true,
    description: 'Level reached (NT2 on the CEFR scale) by test, career or certificate.',
    fields: [
      text('domain', { maxLength: 10 }),
      code('level', 'cefr_level', req),
      date('obtained_on', req),
      text('basis', { ...req, maxLength: 20 }),
      own('test_result_id', 'test_results'),
    ],
    orderBy: ['obtained_on', 'id'],
  },
  {
    table: 'language_skills',
    resource: 'languageSkills',
    title: 'Language',
    cluster: 'languages',
    personScoped: true,
    description: 'A language the person uses with the agency, with proficiency.',
    fields: [code('language', 'language', req), code('proficiency', 'language_proficiency', req), bool('contact_language')],
    orderBy: ['language', 'id'],
  },
  {
    table: 'literacy_assessments',
    resource: 'literacyAssessments',
    title: 'Literacy',
    cluster: 'languages',
    personScoped: true,
    description: 'Degree of literacy (alfabetiseringsgraad) per script.',
    fields: [text('script', { maxLength: 20 }), code('level', 'literacy_level', req), date('assessed_on', req)],
    orderBy: ['assessed_on', 'id'],
  },
  {
    table: 'language_intakes',
    resource: 'languageIntakes',
    title: 'Language intake',
    cluster: 'advice',
    personScoped: true,
    description:
      'Intake at a House of Dutch: the start of the language path (placement test, advice, place on a course or on the waiting list); makes the person a client of the House.',
    fields: [
      ref('house_id', 'organisations', { ...req, immutable: true, kinds: ['HOUSE_OF_DUTCH'] }),
      ref('office_id', 'offices', { kinds: ['HOUSE_OF_DUTCH'] }),
      date('intake_on', req),
      code('referred_by', 'intake_referrer'),
      longText('remarks', 2000),
    ],
    orderBy: ['intake_on', 'id'],
  },
  {
    table: 'advice',
    resource: 'advice',
    title: 'Advice',
    cluster: 'advice',
    personScoped: true,
    description: 'Advice from a partner: House of Dutch, VDAB, labour-market advice.',
    fields: [
      code('source', 'advice_source', req),
      code('advice_type', 'advice_type', {
        ...req,
        description: 'What is advised. Empty only in an advice imported from KBI 01.00, described in words (label) without a code.',
      }),
      date('given_on', { ...req, description: 'Empty only in an advice imported from KBI 01.00 without its date.' }),
      text('label_short', { maxLength: 25, description: 'The advice as its sender described it, short form, for an advice that came without a code.' }),
      text('label', { maxLength: 200, description: 'The advice as its sender described it, for an advice that came without a code.' }),
      ref('given_by_id', 'organisations', { kinds: ['HOUSE_OF_DUTCH', 'AGENCY'] }),
      code('advised_level', 'cefr_level'),
      code('course_type', 'course_type'),
      code('intensity', 'course_intensity'),
      own('intake_id', 'language_intakes'),
      longText('text', 4000),
    ],
    orderBy: ['given_on', 'id'],
    rule: (r) =>
      r.advice_type == null && r.label == null
        ? { field: 'adviceType', detail: 'an advice needs what it advises: its type, or its description (label)' }
        : null,
  },
  {
    table: 'perspectives',
    resource: 'perspectives',
    title: 'Perspective',
    cluster: 'perspective',
    personScoped: true,
    description: 'Perspective of the person in a trajectory.',
    fields: [own('trajectory_id', 'trajectories'), code('perspective', 'perspective', req), date('start_date', req), date('end_date')],
    periods: [['start_date', 'end_date']],
    orderBy: ['start_date', 'id'],
  },
  {
    table: 'diploma_recognition_support',
    resource: 'diplomaRecognitionSupport',
    title: 'Diploma-recognition support',
    cluster: 'diplomaRecognition',
    personScoped: true,
    description: 'Support given for the recognition of a foreign diploma.',
    fields: [
      code('support_type', 'diploma_recognition_support_type', req),
      date('given_on', req),
      ref('office_id', 'offices', { kinds: AGENCY }),
      longText('remarks', 2000),
    ],
    orderBy: ['given_on', 'id'],
  },
  {
    table: 'conversations',
    resource: 'conversations',
    title: 'Conversation',
    cluster: 'conversations',
    personScoped: true,
    description: 'A conversation noted by a staff member; free text, shared with a partner kind only when flagged relevant for it.',
    fields: [
      datetime('held_at', req),
      ref('office_id', 'offices', { kinds: ['AGENCY', 'HOUSE_OF_DUTCH'] }),
      ref('staff_id', 'staff'),
      code('channel', 'conversation_channel'),
      longText('text', 8000, { description: 'Free text: share no more than strictly needed. Absent when only the date and office are known.' }),
      { column: 'relevant_for', type: 'codes', list: 'organisation_kind' },
    ],
    orderBy: ['held_at', 'id'],
  },
  {
    table: 'appointments',
    resource: 'appointments',
    title: 'Appointment',
    cluster: 'appointments',
    personScoped: true,
    description: 'An appointment requested by a partner for its client (seed 002 §2.1).',
    fields: [
      ref('requested_by_id', 'organisations', { ...req, immutable: true }),
      code('reason', 'appointment_reason', req),
      longText('extra_information', 2000),
      date('wished_date'),
      code('time_window', 'time_window'),
      code('status', 'appointment_status', req),
      datetime('planned_at'),
      ref('office_id', 'offices', { kinds: AGENCY }),
    ],
    orderBy: ['id'],
    rule: (r) =>
      r.wished_date != null && r.time_window == null ? { field: 'timeWindow', detail: 'a wished date requires a time window (seed 002 §2.1)' } : null,
  },
  {
    table: 'referrals',
    resource: 'referrals',
    title: 'Referral',
    cluster: 'referrals',
    personScoped: true,
    description: 'Toeleiding: a partner refers the person to an agency.',
    fields: [
      ref('from_id', 'organisations', { ...req, immutable: true }),
      ref('to_id', 'organisations', { ...req, kinds: AGENCY }),
      code('reason', 'referral_reason', req),
      longText('description', 2000),
      date('referred_on', req),
      date('respond_by'),
      code('status', 'referral_status', req),
      date('decided_on'),
      longText('decision_reason', 500),
    ],
    periods: [
      ['referred_on', 'decided_on'],
      ['referred_on', 'respond_by'],
    ],
    orderBy: ['referred_on', 'id'],
  },
  {
    table: 'infringement_cases',
    resource: 'infringementCases',
    title: 'Infringement case',
    cluster: 'infringements',
    personScoped: true,
    description: 'Inbreukdossier sent to the sanctioning authority.',
    fields: [
      ref('agency_office_id', 'offices', { kinds: AGENCY }),
      date('opened_on', req),
      date('received_on'),
      code('status', 'infringement_case_status', req),
      ref('ocmw_id', 'organisations', {
        kinds: ['OCMW'],
        description: 'The OCMW the case was handed to: the person lives on a living wage it pays (status OCMW).',
      }),
    ],
    periods: [['opened_on', 'received_on']],
    orderBy: ['opened_on', 'id'],
  },
  {
    table: 'infringements',
    resource: 'infringements',
    title: 'Infringement',
    cluster: 'infringements',
    personScoped: true,
    description: 'Inbreuk on the integration obligation (seed 004 table 10).',
    fields: [
      own('trajectory_id', 'trajectories'),
      own('case_id', 'infringement_cases'),
      code('type', 'infringement_type', {
        ...req,
        description: 'Type of seed 004 table 10. Empty only in an infringement imported from KBI 01.00 with its numeric type (kbiType).',
      }),
      text('kbi_type', { maxLength: 9, pattern: '^[0-9]{1,9}$', description: 'The numeric type of KBI 01.00 (MAGDA Inbreuk/Type), kept as it came.' }),
      code('sanctioning_authority', 'sanctioning_authority', req),
      date('established_on', req),
      date('notice_sent_on'),
      longText('motivation', 2000),
      text('rectification_form', { description: 'Reference of the rectification form (MAGDA RechtzettingsFormulier).' }),
    ],
    periods: [['established_on', 'notice_sent_on']],
    rule: (r) => (r.type == null && r.kbi_type == null ? { field: 'type', detail: 'an infringement needs its type' } : null),
    orderBy: ['established_on', 'id'],
  },
  {
    table: 'infringement_facts',
    resource: 'infringementFacts',
    title: 'Infringement fact',
    cluster: 'infringements',
    personScoped: true,
    description: 'Feitenrelaas: an activity carried out (e.g. a letter) or a document sent (e.g. the formal notice) for an infringement.',
    fields: [
      own('infringement_id', 'infringements', { ...req, immutable: true }),
      text('kind', { ...req, enum: ['ACTIVITY', 'COMMUNICATION'] }),
      text('external_id', { maxLength: 64 }),
      code('activity_type', 'infringement_activity_type'),
      code('document_type', 'infringement_document_type'),
      date('occurred_on', req),
    ],
    orderBy: ['occurred_on', 'id'],
    rule: (r) =>
      r.kind === 'ACTIVITY' && r.activity_type == null
        ? { field: 'activityType', detail: 'an activity needs its type' }
        : r.kind === 'COMMUNICATION' && r.document_type == null
          ? { field: 'documentType', detail: 'a communication needs its document type' }
          : r.kind === 'ACTIVITY' && r.document_type != null
            ? { field: 'documentType', detail: 'only a communication has a document type' }
            : r.kind === 'COMMUNICATION' && r.activity_type != null
              ? { field: 'activityType', detail: 'only an activity has an activity type' }
              : null,
  },
  {
    table: 'infringement_decisions',
    resource: 'infringementDecisions',
    title: 'Infringement decision',
    cluster: 'infringements',
    personScoped: true,
    description: 'Decision on an infringement case: fine (50–5,000 EUR), no fine, or no further action.',
    fields: [
      own('case_id', 'infringement_cases', { ...req, immutable: true }),
      code('decision', 'infringement_decision', req),
      date('decided_on', req),
      { column: 'fine_amount', type: 'number', minimum: 50, maximum: 5000, description: 'EUR; seed 004 table 12: from 50 to 5,000.' },
      longText('reason', 2000),
      ref('deciding_organisation_id', 'organisations', {
        kinds: ['ABB', 'AGENCY', 'OCMW'],
        description: "The organisation that decided: the enforcement officer's agency, or the OCMW.",
      }),
    ],
    orderBy: ['decided_on', 'id'],
    rule: (r) =>
      r.decision === 'BOETE' && r.fine_amount == null
        ? { field: 'fineAmount', detail: 'a fine needs its amount' }
        : r.decision !== 'BOETE' && r.fine_amount != null
          ? { field: 'fineAmount', detail: 'only a fine decision has an amount' }
          : null,
  },
  {
    table: 'living_wage_records',
    resource: 'livingWageRecords',
    title: 'Living wage',
    cluster: 'infringements',
    personScoped: true,
    description:
      'Leefloon: the person lives on a living wage paid by this OCMW in this period. No administrative fine then: the infringement case goes to the OCMW (seed 003 §15, §38).',
    fields: [ref('organisation_id', 'organisations', { ...req, kinds: ['OCMW'] }), date('starts_on', req), date('ends_on'), longText('remarks', 500)],
    periods: [['starts_on', 'ends_on']],
    orderBy: ['starts_on', 'id'],
  },
  {
    table: 'dvz_advice',
    resource: 'dvzAdvice',
    title: 'DVZ advice',
    cluster: 'dvzAdvice',
    personScoped: true,
    description: 'Advice given to the federal immigration office (DVZ).',
    fields: [date('advised_on', req), code('advice_type', 'dvz_advice_type', req), longText('remarks', 2000)],
    orderBy: ['advised_on', 'id'],
  },
  {
    table: 'housing_requirements',
    resource: 'housingRequirements',
    title: 'Housing language requirement',
    cluster: 'housingRequirement',
    personScoped: true,
    description: 'VMSW Wooncode: must and does the person meet the integration and language willingness requirement; who follows it up.',
    fields: [
      bool('must_meet_integration', req),
      bool('must_meet_language', req),
      bool('meets_integration'),
      bool('meets_language'),
      text('followed_up_by', { maxLength: 60 }),
      date('assessed_on', req),
    ],
    orderBy: ['assessed_on', 'id'],
  },
];

export const ALL_RESOURCES = [PERSON_RESOURCE, ...REFERENCE_RESOURCES, ...DOSSIER_RESOURCES];
export const byResource = new Map(ALL_RESOURCES.map((r) => [r.resource, r]));
export const byTable = new Map(ALL_RESOURCES.map((r) => [r.table, r]));

export const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Each field's column and API name, worked out once per resource (present() runs for every row of every read). */
const API_NAMES = new WeakMap<ResourceDef, [string, string][]>();
function apiNames(def: ResourceDef): [string, string][] {
  let names = API_NAMES.get(def);
  if (!names) API_NAMES.set(def, (names = def.fields.map((f) => [f.column, camel(f.column)])));
  return names;
}

/** A stored row as the API shows it: camelCase, with its version metadata. */
export function present(def: ResourceDef, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = { id: row.id };
  if (def.personScoped) out.personId = row.person_id;
  for (const [column, name] of apiNames(def)) {
    const v = row[column];
    if (v !== null && v !== undefined) out[name] = v;
  }
  for (const extra of def.table === 'persons' ? ['province'] : []) if (row[extra] != null) out[camel(extra)] = row[extra];
  out.version = row.version;
  out.validFrom = row.valid_from;
  out.recordedAt = row.sys_from;
  out.recordedBy = row.recorded_by;
  if (row.sys_to) {
    out.supersededAt = row.sys_to;
    out.supersededBy = row.ended_by;
  }
  return out;
}
