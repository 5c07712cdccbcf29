/**
 * One synthetic newcomer and the whole path KBI follows: target group, invitation, registration,
 * contract with its parts, trajectory and components, courses lesson by lesson, tests, levels,
 * certificates, and what partners add (advice, appointments, referrals, infringements, DVZ
 * advice, the VMSW housing requirement). Every date is a day number; each event lies on or after
 * the one it follows, and nothing happens after DEMO_TODAY.
 */
import { makeInsz } from '../../platform/identifiers/insz.ts';
import { ACTOR, nextCourse, type Area, type Course, type Office, type World } from './organisations.ts';
import { identity, STREETS } from './people.ts';
import { Random, day, iso, localTime, midnight, workday } from './random.ts';
import { REFORM, type Codes, type Distributions } from './reference.ts';

/** "Today" of the demo world: fixed, so the data does not depend on when it is generated. */
export const DEMO_TODAY = day('2026-11-01');
const EXTRACTED_FROM = day('2015-01-01');
const EXTRACTED_UNTIL = day('2025-12-31');
const BORN_FROM = day('1950-01-01');
const BORN_UNTIL = day('2006-12-31');
const PARTICIPATION_PART_FROM = day('2023-01-01');

/** Columns of each table the generator writes (valid_from and recorded_by are added to every row), in foreign-key order. */
export const TABLES = {
  persons: [
    'id',
    'insz',
    'family_name',
    'given_names',
    'birth_date',
    'gender',
    'nationality',
    'residence_status',
    'street',
    'house_number',
    'box',
    'postcode',
    'municipality',
    'first_extraction_date',
    'correspondence_language',
    'created_by_organisation_id',
  ],
  dossiers: [
    'id',
    'person_id',
    'dossier_number',
    'case_lead_organisation_id',
    'case_lead_since',
    'managing_office_id',
    'contact_staff_id',
    'opened_on',
    'closed_on',
  ],
  invitations: ['id', 'person_id', 'office_id', 'sent_on', 'registered_letter', 'status', 'respond_by'],
  target_group_determinations: [
    'id',
    'person_id',
    'determined_on',
    'determined',
    'type',
    'subtype',
    'start_date',
    'end_date',
    'no_target_group_reason',
    'exemption_reason',
    'office_id',
  ],
  registrations: ['id', 'person_id', 'registered_on', 'type', 'reason', 'office_id', 'invitation_id'],
  registration_postponements: ['id', 'person_id', 'start_date', 'end_date', 'reason'],
  signing_postponements: ['id', 'person_id', 'start_date', 'end_date', 'reason'],
  contracts: ['id', 'person_id', 'kind', 'signed_on', 'registered_on', 'end_date', 'office_id', 'created_by_kbo', 'previous_contract_id'],
  contract_addenda: ['id', 'person_id', 'contract_id', 'signed_on', 'description'],
  contract_parts: ['id', 'person_id', 'contract_id', 'addendum_id', 'part'],
  contract_suspensions: ['id', 'person_id', 'contract_id', 'start_date', 'end_date', 'reason'],
  trajectories: [
    'id',
    'person_id',
    'type',
    'start_date',
    'end_date',
    'managing_office_id',
    'contact_staff_id',
    'sanctioning_partner_id',
    'status',
    'status_since',
    'decision',
    'decision_date',
    'decision_reason',
    'end_reason',
  ],
  trajectory_components: [
    'id',
    'person_id',
    'trajectory_id',
    'type',
    'start_date',
    'end_date',
    'status',
    'status_since',
    'exempted',
    'remarks',
    'decision',
    'decision_date',
    'decision_reason',
  ],
  component_suspensions: ['id', 'person_id', 'component_id', 'start_date', 'end_date', 'reason'],
  enrolments: [
    'id',
    'person_id',
    'course_id',
    'module_id',
    'component_id',
    'enrolled_on',
    'start_date',
    'end_date',
    'status',
    'target_attendance_rate',
    'exit_reason',
    'result',
    'external_id',
  ],
  participations: ['id', 'person_id', 'enrolment_id', 'lesson_id', 'attendance', 'lesson_on'],
  waiting_list_entries: ['id', 'person_id', 'course_type', 'applied_on', 'provider_id', 'office_id', 'status', 'status_since', 'enrolment_id'],
  client_preferences: ['id', 'person_id', 'wished_start_date', 'intensity', 'postcodes', 'lesson_moments'],
  test_results: ['id', 'person_id', 'test_type', 'taken_on', 'result', 'level', 'score', 'max_score', 'provider_id'],
  level_attainments: ['id', 'person_id', 'domain', 'level', 'obtained_on', 'basis', 'test_result_id'],
  language_skills: ['id', 'person_id', 'language', 'proficiency', 'contact_language'],
  literacy_assessments: ['id', 'person_id', 'script', 'level', 'assessed_on'],
  advice: ['id', 'person_id', 'source', 'advice_type', 'given_on', 'given_by_id', 'text'],
  perspectives: ['id', 'person_id', 'trajectory_id', 'perspective', 'start_date', 'end_date'],
  diploma_recognition_support: ['id', 'person_id', 'support_type', 'given_on', 'office_id', 'remarks'],
  conversations: ['id', 'person_id', 'held_at', 'office_id', 'staff_id', 'channel', 'text', 'relevant_for'],
  appointments: ['id', 'person_id', 'requested_by_id', 'reason', 'extra_information', 'wished_date', 'time_window', 'status', 'planned_at', 'office_id'],
  referrals: ['id', 'person_id', 'from_id', 'to_id', 'reason', 'description', 'referred_on', 'respond_by', 'status', 'decided_on', 'decision_reason'],
  infringement_cases: ['id', 'person_id', 'agency_office_id', 'opened_on', 'received_on', 'status'],
  infringements: ['id', 'person_id', 'trajectory_id', 'case_id', 'type', 'sanctioning_authority', 'established_on', 'notice_sent_on', 'motivation'],
  infringement_facts: ['id', 'person_id', 'infringement_id', 'kind', 'external_id', 'activity_type', 'document_type', 'occurred_on'],
  infringement_decisions: ['id', 'person_id', 'case_id', 'decision', 'decided_on', 'fine_amount', 'reason'],
  dvz_advice: ['id', 'person_id', 'advised_on', 'advice_type', 'remarks'],
  housing_requirements: [
    'id',
    'person_id',
    'must_meet_integration',
    'must_meet_language',
    'meets_integration',
    'meets_language',
    'followed_up_by',
    'assessed_on',
  ],
  certificates: ['id', 'person_id', 'kind', 'document_type', 'document_id', 'issued_on', 'signed_on', 'expires_on', 'issued_by_kbo', 'office_id'],
} as const;
export type Table = keyof typeof TABLES;
export const TABLE_ORDER = Object.keys(TABLES) as Table[];

/** Every code this file writes, by list: checked against the code lists before anything is generated. */
export const CODES_USED: Record<string, readonly string[]> = {
  gender: ['1', '2'],
  target_group_type: ['PLICHT', 'RECHT', 'MINDERJARIG'],
  target_group_subtype: ['VOL_PROG', 'RECHT', 'MINDERJARIG'],
  no_target_group_reason: ['01', '02', '03', '05'],
  exemption_reason: ['01', '02'],
  invitation_status: ['SENT', 'RETURNED', 'ANSWERED', 'NO_RESPONSE'],
  registration_type: ['EA'],
  registration_reason: ['11', '12', '13', '14', '15', '16', '17'],
  registration_postponement_reason: ['MEDISCH', 'PERSOONLIJK', 'WERK'],
  signing_postponement_reason: ['BIJSTAND_ZIEK_FAMILIELID', 'ZIEKTE', 'ZWANGERSCHAP', 'WERK', 'ANDERE'],
  contract_kind: ['MOTHER', 'TAKEOVER'],
  contract_part: ['MO', 'NT2', 'LO', 'WORK', 'PARTICIPATION'],
  contract_suspension_reason: ['MEDISCH', 'PERSOONLIJK', 'WERK'],
  certificate_kind: ['INTEGRATION', 'EVC', 'EXEMPTION', 'SUSPENSION'],
  certificate_type: ['ICO13G', 'AEVC05', 'VRIJSTELLINGSATTEST', 'OPSCHORTINGSATTEST'],
  trajectory_type: ['TT_IBVP', 'TT_IBRH', 'TT_NT2'],
  trajectory_status: ['OP', 'GS', 'TS'],
  trajectory_decision: ['JA_IB', 'NEE_IB', 'VGI'],
  trajectory_end_reason: ['ATTEST', 'STOP_EIGEN', 'ONRECHTMATIG', 'VERHUIS', 'VERTREK'],
  trajectory_component_type: ['TO_OB_MO', 'TO_OB_LLO', 'TO_A1', 'TO_A2', 'TO_WERK', 'TO_PART'],
  trajectory_component_status: ['TO_STA_02', 'TO_STA_31', 'TO_STA_99'],
  trajectory_component_decision: ['VO', 'NVO', 'VR'],
  component_suspension_reason: ['MEDISCH', 'PERSOONLIJK', 'WERK'],
  enrolment_status: ['INGESCHREVEN', 'LOPEND', 'BEEINDIGD', 'UITGESCHREVEN'],
  enrolment_exit_reason: ['WERK', 'VERHUIS', 'ZIEKTE', 'ONBEKEND', 'ANDERE'],
  enrolment_result: ['GESLAAGD', 'NIET_GESLAAGD', 'GEEN'],
  attendance: ['PRESENT', 'ABSENT', 'ABSENT_JUSTIFIED'],
  course_type: ['NT2'],
  waiting_list_status: ['APPLIED', 'PLACED', 'CANCELLED'],
  test_type: ['MO_TEST', 'NT2_TEST', 'NT2_INSCHALING', 'B1_MONDELING'],
  test_result: ['GESLAAGD', 'NIET_GESLAAGD', 'AFWEZIG'],
  cefr_level: ['A1', 'A2', 'B1'],
  language_proficiency: ['MOEDERTAAL', 'GOED', 'MATIG', 'BEPERKT'],
  literacy_level: ['GEALFABETISEERD', 'ANDERSGEALFABETISEERD', 'LAAGGELETTERD', 'ANALFABEET'],
  advice_source: ['HOUSE_OF_DUTCH', 'VDAB', 'LABOUR_MARKET'],
  advice_type: ['CBE_ALFA', 'CBE', 'CVO_TRAAG', 'CVO_STANDAARD', 'UNIVERSITAIR', 'AR'],
  perspective: ['PROFESSIONEEL', 'EDUCATIEF', 'SOCIAAL_CULTUREEL', 'ZELFSTANDIG'],
  diploma_recognition_support_type: ['INFO', 'DOSSIER', 'VERTALING', 'DOORVERWIJZING'],
  conversation_channel: ['LOKET', 'TELEFOON', 'VIDEO', 'HUISBEZOEK'],
  organisation_kind: ['OCMW'],
  appointment_reason: ['INFO_TRAJECT', 'AANMELDING', 'OPVOLGING', 'NT2', 'ANDERE'],
  appointment_status: ['REGISTERED', 'PLANNED', 'HELD', 'CANCELLED'],
  time_window: ['VOORMIDDAG', 'NAMIDDAG', 'HELE_DAG'],
  referral_reason: ['LEEFLOON', 'WERKZOEKENDE', 'TAALVRAAG'],
  referral_status: ['SENT', 'ACCEPTED', 'REJECTED', 'EXPIRED'],
  infringement_type: [
    'NIET_TIJDIG_AANGEMELD',
    'GEWEIGERD_TE_ONDERTEKENEN',
    'ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD',
    'ONREGELMATIGE_DEELNAME',
    'NA_INBREUK_NIET_TIJDIG_AANGEMELD',
    'NIET_REGELMATIG_DEELGENOMEN',
    'NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING',
  ],
  sanctioning_authority: ['HH', 'OCMW'],
  infringement_case_status: ['OPEN', 'SENT', 'DECIDED', 'CLOSED'],
  infringement_activity_type: ['A_BRIEF', 'A_TELEFOON'],
  infringement_document_type: ['BRI106', 'BRI109'],
  dvz_advice_type: ['INSPANNINGEN_GELEVERD', 'GEEN_INSPANNINGEN', 'NIET_VAN_TOEPASSING'],
};

type Values = Record<string, unknown>;

/**
 * When KBI recorded an event of day `on`: a working day soon after it, during office hours
 * (Belgian time) — most the same day, some days later, a few weeks late now and then — and never
 * after the moment of seeding. `salt` (from the record's id) makes it deterministic per record.
 */
export function recordedAt(on: number, salt: number): string {
  const r = salt % 100;
  const lag = r < 60 ? 0 : r < 90 ? 1 + (salt % 3) : 4 + (salt % 17);
  const at = localTime(workday(on + lag), 8 + (salt % 10), (salt >> 4) % 60);
  return at < SEEDED_AT ? at : SEEDED_AT;
}
/** The moment of seeding: no record is known before it is written. */
const SEEDED_AT = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const saltOf = (id: unknown) => (typeof id === 'string' ? parseInt(id.slice(0, 7), 16) || 0 : 0);

/**
 * Tables that are only ever appended to, with no valid or record time columns of the store: their
 * own time column says when a row became known. Columns in the order the rows hold them.
 */
export const APPEND_ONLY_TABLES = {
  discimus_queries: ['id', 'person_id', 'asked_at', 'asked_by', 'school_year', 'request', 'status', 'answer', 'answered_at', 'error'],
} as const;
export type AppendOnlyTable = keyof typeof APPEND_ONLY_TABLES;

/** Who corrected a demo record later (history rows name the corrector). */
export const CORRECTOR = 'system:demo-correction';

/**
 * The rows of one batch of persons, per table, as arrays in the column order of TABLES, then
 * valid_from, sys_from, recorded_by, version; and the earlier versions of corrected records
 * (`history`), with sys_to and ended_by after those.
 */
export class Batch {
  readonly rows = Object.fromEntries(TABLE_ORDER.map((t) => [t, [] as unknown[][]])) as Record<Table, unknown[][]>;
  readonly history = Object.fromEntries(TABLE_ORDER.map((t) => [t, [] as unknown[][]])) as Record<Table, unknown[][]>;
  readonly appendOnly = Object.fromEntries(Object.keys(APPEND_ONLY_TABLES).map((t) => [t, [] as unknown[][]])) as Record<AppendOnlyTable, unknown[][]>;
  /** Catalogue courses someone in this batch enrolled in: they must be in the database first. */
  readonly courses = new Set<Course>();
  readonly #checked = new Set<Table>();

  add(table: Table, on: number, values: Values): void {
    if (!this.#checked.has(table)) {
      // Catch a misspelt column once per table and batch, not for every row.
      for (const k of Object.keys(values))
        if (!(TABLES[table] as readonly string[]).includes(k)) throw new Error(`demo generator: ${table} has no column ${k}`);
      this.#checked.add(table);
    }
    const cols = TABLES[table];
    const row: unknown[] = new Array(cols.length + 4);
    for (let i = 0; i < cols.length; i++) row[i] = values[cols[i]!] ?? null;
    row[cols.length] = midnight(on);
    row[cols.length + 1] = recordedAt(on, saltOf(values.id));
    row[cols.length + 2] = ACTOR;
    row[cols.length + 3] = 1;
    this.rows[table].push(row);
  }

  /** Participations are most of the rows: written without the intermediate object. */
  participation(on: number, id: string, personId: string, enrolmentId: string, lessonId: string, attendance: string): void {
    this.rows.participations.push([id, personId, enrolmentId, lessonId, attendance, iso(on), midnight(on), recordedAt(on, saltOf(id)), ACTOR, 1]);
  }

  /**
   * Record `index` of `table` was first recorded with the `wrong` values and corrected `afterDays`
   * later: the earlier version goes to the history, the current row becomes version 2 from then.
   * Returns false when the correction would lie after the moment of seeding.
   */
  correct(table: Table, index: number, wrong: Values, afterDays: number, salt: number): boolean {
    const cols = TABLES[table];
    const row = this.rows[table][index]!;
    const first = row[cols.length + 1] as string;
    const at = recordedAt(day(first.slice(0, 10)) + afterDays, salt);
    if (at <= first || at >= SEEDED_AT) return false;
    const earlier = [...row, at, CORRECTOR];
    for (const [k, v] of Object.entries(wrong)) earlier[(cols as readonly string[]).indexOf(k)] = v;
    this.history[table].push(earlier);
    row[cols.length + 1] = at;
    row[cols.length + 2] = CORRECTOR;
    row[cols.length + 3] = 2;
    return true;
  }
}

export interface Context {
  world: World;
  dist: Distributions;
  codes: Codes;
  /** Probability that a third-country national is obliged, so that the obliged share of t06 holds. */
  obligedIfThirdCountry: number;
  lessonMoments: string[];
  usedInsz: Set<string>;
  usedDossierNumbers: Set<string>;
}

const CONVERSATION_TEXTS = [
  'Intakegesprek: traject en rechten en plichten toegelicht.',
  'Opvolggesprek: de cursus loopt goed.',
  'Telefonisch contact over afwezigheden in de les.',
  'Gesprek over de zoektocht naar werk en de inschrijving bij VDAB.',
  'Toelichting bij het attest en de volgende stappen.',
  'Afspraak verplaatst op vraag van de inburgeraar.',
  'Vraag naar kinderopvang tijdens de lesuren besproken.',
  'Uitleg over de wachtlijst voor de cursus Nederlands.',
  'Documenten voor de erkenning van het diploma overlopen.',
];
const SCRIPT_OTHER = new Set([
  'ARA',
  'DAR',
  'PUS',
  'PER',
  'TIR',
  'AMH',
  'CHI',
  'THA',
  'RUS',
  'UKR',
  'BUL',
  'MAC',
  'GEO',
  'ARM',
  'GRE',
  'HIN',
  'URD',
  'NEP',
  'BEN',
  'TAM',
  'PAN',
  'KUR',
]);
const LINGUA_FRANCA = ['ENG', 'FRA', 'ARA', 'RUS'];

/** Adds person number `index` (0, 1, 2 … over all runs on this database) and everything that happened to them. */
export function lifeCycle(ctx: Context, rng: Random, index: number, b: Batch): void {
  const { world, dist, codes } = ctx;
  const T = DEMO_TODAY;

  // ---- Who ----------------------------------------------------------------------------------
  const area: Area = world.areas[dist.region.draw(rng)];
  const place = area.places.draw(rng);
  const female = rng.chance(dist.women);
  const nationality = dist.nationality.draw(rng);
  const group = nationality === 'BEL' ? 'BELGIAN' : (dist.nationalityGroup(nationality) as 'EU_PLUS' | 'THIRD_COUNTRY' | 'UNKNOWN');
  const residence = dist.residenceStatus[group === 'EU_PLUS' || group === 'THIRD_COUNTRY' || group === 'BELGIAN' ? group : 'UNKNOWN'].draw(rng);
  const extracted = rng.int(EXTRACTED_FROM, EXTRACTED_UNTIL);
  // A few newcomers are minors (12–17): their track is school (DISCIMUS), not a contract.
  const minor = rng.chance(0.03);
  const ageYears = minor ? rng.between(12, 17.9) : rng.chance(0.92) ? rng.bell(18, 52) : rng.between(52, 70);
  const born = minor
    ? Math.round(extracted - ageYears * 365.25)
    : Math.min(BORN_UNTIL, extracted - 18 * 366, Math.max(BORN_FROM, Math.round(extracted - ageYears * 365.25)));
  const age = (extracted - born) / 365.25;
  const who = identity(rng, nationality, female);
  const personId = rng.uuid();
  const insz = uniqueInsz(ctx, rng, born, female);
  const leefloon = rng.chance(residence === 'ERKEND_VLUCHTELING' || residence === 'SUBSIDIAIRE_BESCHERMING' ? 0.4 : group === 'THIRD_COUNTRY' ? 0.08 : 0.03);
  const ocmw = area.ocmws.get(place.municipality) ?? area.firstOcmw;
  b.add('persons', extracted, {
    id: personId,
    insz,
    family_name: who.familyName,
    given_names: who.givenNames,
    birth_date: iso(born),
    gender: female ? '2' : '1',
    nationality,
    residence_status: residence,
    street: rng.pick(STREETS),
    house_number: String(rng.int(1, 240)),
    box: rng.chance(0.18) ? String(rng.int(1, 24)) : null,
    postcode: place.postcode,
    municipality: place.municipality,
    first_extraction_date: iso(extracted),
    correspondence_language: rng.chance(0.9) ? 'nl' : rng.chance(0.5) ? 'fr' : 'en',
    created_by_organisation_id: area.agencyId,
  });

  // ---- Dossier, target group, invitation ------------------------------------------------------
  const office = rng.pick(area.offices);
  const counsellor = rng.pick(office.staff);
  const determinedOn = extracted + rng.int(3, 25);
  b.add('dossiers', determinedOn, {
    id: rng.uuid(),
    person_id: personId,
    dossier_number: dossierNumber(ctx, index),
    case_lead_organisation_id: area.agencyId,
    case_lead_since: iso(determinedOn),
    managing_office_id: office.id,
    contact_staff_id: counsellor,
    opened_on: iso(determinedOn),
    closed_on: null,
  });
  // The dossier closes when the person leaves the country (set on the row already in the batch).
  const dossierRow = b.rows.dossiers[b.rows.dossiers.length - 1]!;
  const closeDossier = (on: number) => {
    dossierRow[TABLES.dossiers.indexOf('closed_on')] = iso(on);
  };

  const inTargetGroup = minor || rng.chance(0.96);
  const obliged = !minor && inTargetGroup && group === 'THIRD_COUNTRY' && age < 65 && rng.chance(ctx.obligedIfThirdCountry);
  b.add('target_group_determinations', determinedOn, {
    id: rng.uuid(),
    person_id: personId,
    determined_on: iso(determinedOn),
    determined: inTargetGroup,
    type: minor ? 'MINDERJARIG' : inTargetGroup ? (obliged ? 'PLICHT' : 'RECHT') : null,
    subtype: minor ? 'MINDERJARIG' : inTargetGroup ? (obliged ? 'VOL_PROG' : 'RECHT') : null,
    start_date: inTargetGroup ? iso(determinedOn) : null,
    end_date: null,
    no_target_group_reason: inTargetGroup ? null : rng.pick(['01', '02', '03', '05']),
    exemption_reason: inTargetGroup && !obliged && !minor ? (group === 'EU_PLUS' || group === 'BELGIAN' ? '01' : age >= 65 ? '02' : null) : null,
    office_id: office.id,
  });
  const langs = languages(rng, who.motherTongue);
  const conversation = (on: number, channel?: string) => {
    if (on > T) return;
    b.add('conversations', on, {
      id: rng.uuid(),
      person_id: personId,
      held_at: localTime(workday(on) > T ? on : workday(on), rng.int(9, 16), rng.pick([0, 15, 30, 45])),
      office_id: office.id,
      staff_id: counsellor,
      channel: channel ?? rng.pick(['LOKET', 'LOKET', 'LOKET', 'TELEFOON', 'VIDEO', 'HUISBEZOEK']),
      text: rng.chance(0.04) ? null : rng.pick(CONVERSATION_TEXTS),
      relevant_for: leefloon && rng.chance(0.6) ? ['OCMW'] : [],
    });
  };
  const partners = () => partnerContacts(rng, b, { personId, area, office, ocmw: ocmw.id, leefloon, from: determinedOn, group, residence });
  if (!inTargetGroup || minor) {
    if (minor) schoolQueries(rng, b, personId, determinedOn, born);
    if (rng.chance(0.3)) addLanguages(rng, b, personId, langs, determinedOn);
    partners();
    return;
  }

  const invited = workday(determinedOn + rng.int(1, 20));
  const invitationId = rng.uuid();
  const invitationRow = {
    id: invitationId,
    person_id: personId,
    office_id: office.id,
    sent_on: iso(invited),
    registered_letter: obliged,
    status: 'SENT',
    respond_by: iso(invited + 60),
  };

  // ---- The plan: will this person register, and is an infringement coming? --------------------
  // t01: the share of invited persons who register, per area; obliged and entitled alike, so that the
  // contracts keep the obliged/entitled split of t06. Persons with an infringement ahead (below) mostly
  // register, which the others make up for (about 4.5 % of the invited, 80 % of whom register).
  const pRegister = Math.max(0.02, (dist.registeredShare[area.code] - 0.036) / 0.955);
  let plan: string | null = null;
  if (obliged && rng.chance(0.032)) plan = (invited + 150 < REFORM ? dist.infringementBefore : dist.infringementFrom).draw(rng);
  const lowAttendancePlan = plan === 'ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD' || plan === 'ONREGELMATIGE_DEELNAME' || plan === 'NIET_REGELMATIG_DEELGENOMEN';
  const dropPlan = plan === 'ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD' || (plan === 'NIET_REGELMATIG_DEELGENOMEN' && rng.chance(0.5));
  const latePlan = plan === 'NIET_TIJDIG_AANGEMELD' || plan === 'NA_INBREUK_NIET_TIJDIG_AANGEMELD' || plan === 'NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING';

  let registeredOn: number | null = null;
  const infringementOpts = { personId, area, office, leefloon, ocmw: ocmw.id };
  if (latePlan) {
    let due = invited + rng.int(60, 90);
    if (plan === 'NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING') {
      const from = invited + rng.int(3, 20),
        until = from + rng.int(60, 150);
      if (from <= T)
        b.add('registration_postponements', from, {
          id: rng.uuid(),
          person_id: personId,
          start_date: iso(from),
          end_date: iso(until),
          reason: rng.pick(['MEDISCH', 'PERSOONLIJK', 'WERK']),
        });
      due = until + rng.int(30, 60);
    }
    const first = infringement(ctx, rng, b, infringementOpts, plan === 'NA_INBREUK_NIET_TIJDIG_AANGEMELD' ? 'NIET_TIJDIG_AANGEMELD' : plan!, due, null);
    let last = first ?? due;
    if (plan === 'NA_INBREUK_NIET_TIJDIG_AANGEMELD' && first) last = infringement(ctx, rng, b, infringementOpts, plan, first + rng.int(60, 120), null) ?? last;
    if (rng.chance(0.45)) registeredOn = last + rng.int(10, 90);
  } else {
    if (rng.chance(0.04)) {
      const from = invited + rng.int(3, 20),
        until = from + rng.int(30, 120);
      if (from <= T)
        b.add('registration_postponements', from, {
          id: rng.uuid(),
          person_id: personId,
          start_date: iso(from),
          end_date: iso(until),
          reason: rng.pick(['MEDISCH', 'PERSOONLIJK', 'WERK']),
        });
      if (plan || rng.chance(pRegister)) registeredOn = until + rng.int(1, 30);
    } else if (plan || rng.chance(pRegister)) {
      registeredOn = invited + (rng.chance(0.85) ? rng.int(3, 45) : rng.int(46, 100));
    }
  }
  if (registeredOn !== null) registeredOn = workday(registeredOn);
  if (registeredOn !== null && registeredOn > T) registeredOn = null;
  invitationRow.status = registeredOn !== null ? 'ANSWERED' : invited > T - 45 ? 'SENT' : rng.chance(0.1) ? 'RETURNED' : 'NO_RESPONSE';
  if (invited <= T) b.add('invitations', invited, invitationRow);

  if (registeredOn === null) {
    if (rng.chance(0.3)) addLanguages(rng, b, personId, langs, determinedOn);
    // Some entitled newcomers only want Dutch: the House of Dutch places them in a course (a language trajectory).
    if (!obliged && rng.chance(0.12)) {
      languageTrajectory(rng, b, { personId, area, office, counsellor, index, literacy: literacyOf(rng, langs.mother) }, determinedOn + rng.int(20, 300));
    }
    partners();
    return;
  }

  // ---- Registration and intake ------------------------------------------------------------------
  const R = registeredOn;
  const viaOcmw = leefloon && rng.chance(0.35);
  const reason = viaOcmw
    ? '14'
    : rng.chance(0.03)
      ? '16'
      : pickWeighted(rng, [
          ['11', 70],
          ['12', 14],
          ['13', 6],
          ['15', 3],
          ['17', 2],
        ]);
  if (viaOcmw) {
    const referred = Math.max(determinedOn, R - rng.int(3, 25));
    b.add('referrals', referred, {
      id: rng.uuid(),
      person_id: personId,
      from_id: ocmw.id,
      to_id: area.agencyId,
      reason: 'LEEFLOON',
      description: rng.chance(0.5) ? 'Cliënt met leefloon, wil starten met het inburgeringstraject.' : null,
      referred_on: iso(referred),
      respond_by: iso(referred + 14),
      status: 'ACCEPTED',
      decided_on: iso(R),
      decision_reason: null,
    });
  } else if (reason === '16') {
    const referred = Math.max(determinedOn, R - rng.int(3, 25));
    b.add('referrals', referred, {
      id: rng.uuid(),
      person_id: personId,
      from_id: world.vdab,
      to_id: area.agencyId,
      reason: 'WERKZOEKENDE',
      description: null,
      referred_on: iso(referred),
      respond_by: iso(referred + 14),
      status: 'ACCEPTED',
      decided_on: iso(R),
      decision_reason: null,
    });
  }
  b.add('registrations', R, {
    id: rng.uuid(),
    person_id: personId,
    registered_on: iso(R),
    type: 'EA',
    reason,
    office_id: office.id,
    invitation_id: invitationId,
  });
  addLanguages(rng, b, personId, langs, R);
  const literacy = literacyOf(rng, langs.mother);
  b.add('literacy_assessments', R, { id: rng.uuid(), person_id: personId, script: 'LATIN', level: literacy, assessed_on: iso(R) });
  conversation(R, 'LOKET');
  const intake = R + rng.int(2, 25);
  const basic = literacy === 'ANALFABEET' || literacy === 'LAAGGELETTERD' || rng.chance(0.08);
  const dutchSpeaker = langs.mother === 'NLD';
  if (intake <= T && !dutchSpeaker) {
    if (rng.chance(0.6)) {
      b.add('test_results', intake, {
        id: rng.uuid(),
        person_id: personId,
        test_type: 'NT2_INSCHALING',
        taken_on: iso(intake),
        result: 'GESLAAGD',
        level: rng.chance(0.15) ? 'A1' : null,
        score: null,
        max_score: null,
        provider_id: area.houseOfDutch.id,
      });
    }
    const adviceType =
      literacy === 'ANALFABEET' || literacy === 'LAAGGELETTERD'
        ? 'CBE_ALFA'
        : basic
          ? 'CBE'
          : rng.chance(0.1)
            ? 'UNIVERSITAIR'
            : rng.chance(0.2)
              ? 'CVO_TRAAG'
              : 'CVO_STANDAARD';
    b.add('advice', intake, {
      id: rng.uuid(),
      person_id: personId,
      source: 'HOUSE_OF_DUTCH',
      advice_type: adviceType,
      given_on: iso(intake),
      given_by_id: area.houseOfDutch.id,
      text: rng.chance(0.5) ? 'Advies lestype op basis van de intake en de inschalingstest.' : null,
    });
  }
  if (rng.chance(0.5) && intake <= T) {
    const moments = [...new Set([rng.pick(ctx.lessonMoments), rng.pick(ctx.lessonMoments), rng.pick(ctx.lessonMoments)].slice(0, rng.int(1, 3)))];
    b.add('client_preferences', intake, {
      id: rng.uuid(),
      person_id: personId,
      wished_start_date: iso(intake + rng.int(14, 60)),
      intensity: rng.int(1, 5),
      postcodes: rng.chance(0.3) && area.placeList[0]!.postcode !== place.postcode ? [place.postcode, area.placeList[0]!.postcode] : [place.postcode],
      lesson_moments: moments,
    });
  }
  if (rng.chance(0.08)) {
    const on = R + rng.int(10, 150);
    if (on <= T)
      b.add('diploma_recognition_support', on, {
        id: rng.uuid(),
        person_id: personId,
        support_type: rng.pick(['INFO', 'INFO', 'DOSSIER', 'VERTALING', 'DOORVERWIJZING']),
        given_on: iso(on),
        office_id: office.id,
        remarks: rng.chance(0.3) ? 'Diploma hoger onderwijs uit het land van herkomst.' : null,
      });
  }

  // ---- Contract -----------------------------------------------------------------------------------
  const willSign = plan === 'GEWEIGERD_TE_ONDERTEKENEN' ? false : plan ? true : rng.chance(0.93);
  if (!willSign) {
    if (plan === 'GEWEIGERD_TE_ONDERTEKENEN') infringement(ctx, rng, b, infringementOpts, plan, R + rng.int(30, 60), null);
    partners();
    return;
  }
  let S = R + rng.int(0, 30);
  if (rng.chance(0.05)) {
    const until = R + rng.int(30, 120);
    b.add('signing_postponements', R, {
      id: rng.uuid(),
      person_id: personId,
      start_date: iso(R),
      end_date: iso(until),
      reason: rng.pick(['BIJSTAND_ZIEK_FAMILIELID', 'ZIEKTE', 'ZWANGERSCHAP', 'WERK', 'ANDERE']),
    });
    S = until + rng.int(0, 10);
  }
  S = workday(S);
  if (S > T) {
    partners();
    return;
  }
  conversation(S);
  const contractId = rng.uuid();
  const contract: Values = {
    id: contractId,
    person_id: personId,
    kind: rng.chance(0.95) ? 'MOTHER' : 'TAKEOVER',
    signed_on: iso(S),
    registered_on: iso(Math.min(T, S + rng.int(0, 3))),
    end_date: null,
    office_id: office.id,
    created_by_kbo: office.kbo,
    previous_contract_id: null,
  };
  const reformed = S >= REFORM;
  const parts: string[] = ['MO', 'NT2'];
  if (!reformed && (obliged || rng.chance(0.5))) parts.push('LO');
  if (reformed && obliged) parts.push('WORK');
  if (reformed && obliged && S >= PARTICIPATION_PART_FROM) parts.push('PARTICIPATION');
  for (const part of parts) b.add('contract_parts', S, { id: rng.uuid(), person_id: personId, contract_id: contractId, addendum_id: null, part });
  if (rng.chance(0.06)) {
    const on = S + rng.int(60, 300);
    if (on <= T) {
      const addendumId = rng.uuid();
      const extra =
        !reformed && !parts.includes('LO')
          ? 'LO'
          : reformed && obliged && on >= PARTICIPATION_PART_FROM && !parts.includes('PARTICIPATION')
            ? 'PARTICIPATION'
            : null;
      b.add('contract_addenda', on, {
        id: addendumId,
        person_id: personId,
        contract_id: contractId,
        signed_on: iso(on),
        description: extra
          ? `Contractonderdeel ${extra === 'LO' ? 'loopbaanoriëntatie' : 'participatie- en netwerktraject'} toegevoegd.`
          : 'Planning van de cursussen gewijzigd.',
      });
      if (extra) b.add('contract_parts', on, { id: rng.uuid(), person_id: personId, contract_id: contractId, addendum_id: addendumId, part: extra });
    }
  }
  let suspension: { from: number; until: number; reason: string } | null = null;
  if (rng.chance(0.03)) {
    const from = S + rng.int(5, 30);
    suspension = { from, until: from + rng.int(30, 150), reason: rng.pick(['MEDISCH', 'PERSOONLIJK', 'WERK']) };
    if (from <= T) {
      b.add('contract_suspensions', from, {
        id: rng.uuid(),
        person_id: personId,
        contract_id: contractId,
        start_date: iso(from),
        end_date: suspension.until <= T ? iso(suspension.until) : null,
        reason: suspension.reason,
      });
      b.add('certificates', from, {
        id: rng.uuid(),
        person_id: personId,
        kind: 'SUSPENSION',
        document_type: 'OPSCHORTINGSATTEST',
        document_id: null,
        issued_on: iso(from),
        signed_on: null,
        expires_on: iso(suspension.until),
        issued_by_kbo: office.kbo,
        office_id: office.id,
      });
    } else suspension = null;
  }

  // ---- Trajectory, components and courses --------------------------------------------------------
  const trajectoryId = rng.uuid();
  const propensity = lowAttendancePlan ? (dropPlan ? rng.between(0.25, 0.48) : rng.between(0.55, 0.76)) : attendancePropensity(rng);
  const drops = dropPlan || (propensity < 0.5 && rng.chance(0.4));
  const movesAway = !plan && rng.chance(0.03) ? S + rng.int(60, 500) : null;
  const learner = new Learner(rng, b, personId, propensity, drops, movesAway ?? Infinity);
  let cursor = (suspension ? suspension.until : S) + rng.int(5, 20);
  const components: Component[] = [];
  const component = (type: string, start: number) => {
    const c: Component = {
      id: rng.uuid(),
      type,
      start,
      end: null,
      status: 'TO_STA_02',
      since: S,
      exempted: false,
      decision: null,
      decidedOn: null,
      remarks: null,
      rate: 1,
    };
    components.push(c);
    return c;
  };
  const moTestPass = (rate: number) => rng.chance(rate >= 0.8 ? 0.85 : 0.5);

  // MO: in the mother tongue or the contact language when a group starts within four months; otherwise in simple Dutch or a lingua franca.
  const mo = component('TO_OB_MO', S);
  const moCourse =
    nextCourse(area.mo, cursor, (c) => c.language === langs.mother || c.language === langs.contact, 120) ??
    nextCourse(area.mo, cursor, (c) => c.language === 'NLD' || c.language === 'ENG' || c.language === 'FRA');
  let moEnd = cursor;
  if (moCourse) {
    const r = learner.follow(moCourse, 1, mo, Math.max(S, moCourse.start - rng.int(5, 25)));
    moEnd = r.end;
    if (r.finished && reformed) {
      // Since the reform MO ends with a test (retaken once when failed).
      const t = learner.test('MO_TEST', r.end + rng.int(7, 30), moTestPass(r.rate), null, moCourse.providerId);
      let passed = t.passed,
        on = t.on;
      if (t.taken && !passed) {
        const again = learner.test('MO_TEST', on + rng.int(30, 75), moTestPass(r.rate), null, moCourse.providerId);
        passed = again.passed;
        on = again.on;
        if (!again.taken) on = Infinity;
      }
      if (on <= T) learner.decide(mo, on, passed && r.rate >= 0.8 ? 'VO' : 'NVO');
    } else if (r.finished) {
      learner.decide(mo, r.end, r.rate >= 0.8 ? 'VO' : 'NVO');
    }
  }
  // NT2: after the waiting list, at the CVO or (slow learners, literacy) the CBE; A1 before the reform, A2 since.
  const nt2 = component(reformed ? 'TO_A2' : 'TO_A1', S);
  const level = reformed ? 'A2' : 'A1';
  if (dutchSpeaker) {
    nt2.exempted = true;
    nt2.remarks = 'Nederlands is de moedertaal.';
    learner.decide(nt2, S, 'VR');
    b.add('certificates', S, {
      id: rng.uuid(),
      person_id: personId,
      kind: 'EXEMPTION',
      document_type: 'VRIJSTELLINGSATTEST',
      document_id: null,
      issued_on: iso(S),
      signed_on: null,
      expires_on: null,
      issued_by_kbo: office.kbo,
      office_id: office.id,
    });
  } else if (!learner.dropped) {
    const applied = Math.min(Math.max(intake, S), T);
    const wait = rng.chance(0.7) ? rng.int(0, 30) : rng.int(31, 150);
    const provider = basic ? area.cbe : area.cvo;
    const course = nextCourse(basic ? area.nt2Basic : area.nt2, Math.max(cursor, applied + wait));
    const waitingId = rng.uuid();
    let enrolmentId: string | null = null;
    if (course) {
      const r = learner.follow(
        course,
        reformed ? 4 : 2,
        nt2,
        Math.max(applied, course.start - rng.int(5, 20)),
        `${basic ? 'CBE' : 'CVO'}-${index.toString(36).toUpperCase()}`,
      );
      enrolmentId = r.firstEnrolment;
      if (r.finished) {
        if (reformed) {
          const pass = () => rng.chance(r.rate >= 0.8 ? 0.75 : 0.4);
          let t = learner.test('NT2_TEST', r.end + rng.int(10, 40), pass(), 'A2', course.providerId);
          if (t.taken && !t.passed) t = learner.test('NT2_TEST', t.on + rng.int(45, 90), pass(), 'A2', course.providerId);
          if (t.taken) {
            if (t.passed) {
              b.add('level_attainments', t.on, {
                id: rng.uuid(),
                person_id: personId,
                domain: 'NT2',
                level: 'A2',
                obtained_on: iso(t.on),
                basis: 'TEST',
                test_result_id: t.id,
              });
              if (rng.chance(0.08)) {
                const oral = learner.test('B1_MONDELING', t.on + rng.int(60, 240), rng.chance(0.6), 'B1', course.providerId);
                if (oral.taken && oral.passed)
                  b.add('level_attainments', oral.on, {
                    id: rng.uuid(),
                    person_id: personId,
                    domain: 'NT2',
                    level: 'B1',
                    obtained_on: iso(oral.on),
                    basis: 'TEST',
                    test_result_id: oral.id,
                  });
              }
            }
            learner.decide(nt2, t.on, t.passed && r.rate >= 0.8 ? 'VO' : 'NVO');
          }
        } else {
          if (r.rate >= 0.8 && rng.chance(0.9))
            b.add('level_attainments', r.end, {
              id: rng.uuid(),
              person_id: personId,
              domain: 'NT2',
              level,
              obtained_on: iso(r.end),
              basis: 'COURSE',
              test_result_id: null,
            });
          learner.decide(nt2, r.end, r.rate >= 0.8 ? 'VO' : 'NVO');
        }
      }
    }
    if (applied <= T) {
      const status = enrolmentId ? 'PLACED' : learner.dropped || movesAway ? 'CANCELLED' : 'APPLIED';
      const since =
        enrolmentId && course
          ? Math.max(applied, Math.min(T, course.start - 3))
          : status === 'CANCELLED'
            ? Math.min(T, Math.max(applied, learner.dropped ?? movesAway ?? applied))
            : applied;
      b.add('waiting_list_entries', applied, {
        id: waitingId,
        person_id: personId,
        course_type: 'NT2',
        applied_on: iso(applied),
        provider_id: provider.id,
        office_id: area.houseOfDutch.office.id,
        status,
        status_since: iso(since),
        enrolment_id: enrolmentId,
      });
    }
  }
  // LO (before the reform): after MO. Work and participation (since the reform): with VDAB and partners.
  if (parts.includes('LO')) {
    const lo = component('TO_OB_LLO', S);
    const course = nextCourse(area.lo, moEnd + 7);
    if (course && !learner.dropped) {
      const r = learner.follow(course, 1, lo, Math.max(S, course.start - rng.int(3, 14)));
      if (r.finished) learner.decide(lo, r.end, r.rate >= 0.8 ? 'VO' : 'NVO');
    } else if (!learner.dropped) {
      const on = moEnd + rng.int(20, 60);
      lo.start = Math.min(on, T);
      lo.remarks = 'Individuele loopbaanoriëntatie bij het agentschap.';
      if (on <= T && on < learner.stopAt) {
        lo.status = 'TO_STA_31';
        lo.since = on;
        learner.decide(lo, on + rng.int(14, 40), 'VO');
      }
    }
  }
  if (parts.includes('WORK')) {
    const work = component('TO_WERK', S + rng.int(7, 40));
    if (work.start <= T) {
      b.add('advice', work.start, {
        id: rng.uuid(),
        person_id: personId,
        source: rng.chance(0.7) ? 'VDAB' : 'LABOUR_MARKET',
        advice_type: 'AR',
        given_on: iso(work.start),
        given_by_id: world.vdab,
        text: rng.chance(0.4) ? 'Ingeschreven als werkzoekende; begeleiding naar werk gestart.' : null,
      });
      if (!learner.dropped && work.start < learner.stopAt) {
        work.status = 'TO_STA_31';
        work.since = work.start;
        learner.decide(work, work.start + rng.int(120, 400), rng.chance(0.85) ? 'VO' : 'NVO');
      }
    }
  }
  if (parts.includes('PARTICIPATION')) {
    const part = component('TO_PART', Math.max(S, moEnd) + rng.int(7, 60));
    if (part.start <= T && !learner.dropped && part.start < learner.stopAt) {
      part.status = 'TO_STA_31';
      part.since = part.start;
      learner.decide(part, part.start + rng.int(45, 120), rng.chance(propensity >= 0.6 ? 0.9 : 0.5) ? 'VO' : 'NVO');
    }
  }

  // ---- How the trajectory ends -------------------------------------------------------------------
  const trajectory: Values = {
    id: trajectoryId,
    person_id: personId,
    type: obliged ? 'TT_IBVP' : 'TT_IBRH',
    start_date: iso(S),
    end_date: null,
    managing_office_id: office.id,
    contact_staff_id: counsellor,
    sanctioning_partner_id: obliged ? world.abb : null,
    status: 'OP',
    status_since: iso(S),
    decision: null,
    decision_date: null,
    decision_reason: null,
    end_reason: null,
  };
  let ended: number | null = null;
  let certified = false;
  if (learner.dropped !== null) {
    const stop = learner.dropped + rng.int(14, 40);
    if (stop <= T) {
      ended = stop;
      const unlawful = codes.validOn('trajectory_end_reason', 'ONRECHTMATIG', stop) && obliged;
      Object.assign(trajectory, {
        status: 'TS',
        status_since: iso(stop),
        decision: 'NEE_IB',
        decision_date: iso(stop),
        decision_reason: 'Vroegtijdig gestopt met de cursus.',
        end_reason: unlawful ? 'ONRECHTMATIG' : 'STOP_EIGEN',
      });
    }
    if (obliged && lowAttendancePlan) infringement(ctx, rng, b, infringementOpts, plan!, learner.dropped + rng.int(14, 40), trajectoryId);
  } else if (movesAway !== null && movesAway <= T && components.some((c) => c.decision === null)) {
    ended = movesAway;
    Object.assign(trajectory, { status: 'TS', status_since: iso(movesAway), end_reason: rng.chance(0.5) ? 'VERHUIS' : 'VERTREK' });
    if (trajectory.end_reason === 'VERTREK') closeDossier(movesAway);
  } else if (components.every((c) => c.decision !== null && c.decidedOn! <= T)) {
    const last = Math.max(...components.map((c) => c.decidedOn!));
    const on = last + rng.int(7, 30);
    if (on <= T) {
      ended = on;
      const allMet = components.every((c) => c.decision === 'VO' || c.decision === 'VR');
      const regular = components.every((c) => c.rate >= 0.8);
      const decision = allMet ? 'JA_IB' : reformed && regular && codes.validOn('trajectory_decision', 'VGI', on) ? 'VGI' : 'NEE_IB';
      certified = decision === 'JA_IB';
      Object.assign(trajectory, {
        status: 'GS',
        status_since: iso(on),
        decision,
        decision_date: iso(on),
        end_reason: 'ATTEST',
        decision_reason: decision === 'NEE_IB' ? 'Niet alle onderdelen voldaan.' : null,
      });
    }
    // Irregular participation of an obliged newcomer is reported once the part is over.
    if (obliged && lowAttendancePlan) {
      const poor = components.find((c) => c.rate < 0.8 && c.decidedOn !== null);
      if (poor) infringement(ctx, rng, b, infringementOpts, plan!, poor.decidedOn! + rng.int(14, 40), trajectoryId);
    }
  } else if (obliged && lowAttendancePlan) {
    const poor = components.find((c) => c.rate < 0.8 && c.decidedOn !== null);
    if (poor) infringement(ctx, rng, b, infringementOpts, plan!, poor.decidedOn! + rng.int(14, 40), trajectoryId);
  }
  if (ended !== null) {
    trajectory.end_date = iso(ended);
    contract.end_date = iso(ended);
    for (const c of components) {
      if (c.decision !== null && c.decidedOn! <= ended) continue;
      // Parts not concluded when the trajectory stopped (some never started).
      c.start = Math.min(c.start, ended);
      c.end = ended;
      c.status = 'TO_STA_99';
      c.since = Math.max(c.start, Math.min(ended, c.since));
      c.decision = 'NVO';
      c.decidedOn = ended;
      c.remarks = 'Traject beëindigd.';
      c.reason = 'Het traject werd beëindigd.';
    }
  }
  b.add('contracts', S, contract);
  b.add('trajectories', S, trajectory);
  for (const c of components) {
    const done = c.decision !== null && c.decidedOn! <= T;
    if (c.start > T) {
      c.start = Math.max(S, Math.min(c.start, T));
    }
    b.add('trajectory_components', c.start, {
      id: c.id,
      person_id: personId,
      trajectory_id: trajectoryId,
      type: c.type,
      start_date: iso(c.start),
      end_date: done ? iso(Math.max(c.start, c.decidedOn!)) : null,
      status: done ? 'TO_STA_99' : c.status,
      status_since: iso(done ? Math.max(c.start, c.decidedOn!) : Math.max(c.start, c.since)),
      exempted: c.exempted,
      remarks: c.remarks,
      decision: done ? c.decision : null,
      decision_date: done ? iso(Math.max(c.start, c.decidedOn!)) : null,
      decision_reason: !done || c.decision !== 'NVO' ? null : (c.reason ?? (c.rate < 0.8 ? 'Onvoldoende aanwezig (minder dan 80 %).' : 'Test niet behaald.')),
    });
    if (suspension && c.start <= suspension.from) {
      b.add('component_suspensions', suspension.from, {
        id: rng.uuid(),
        person_id: personId,
        component_id: c.id,
        start_date: iso(suspension.from),
        end_date: suspension.until <= T ? iso(suspension.until) : null,
        reason: suspension.reason,
      });
    }
  }
  if (rng.chance(0.6)) {
    b.add('perspectives', S, {
      id: rng.uuid(),
      person_id: personId,
      trajectory_id: trajectoryId,
      perspective: pickWeighted(rng, [
        ['PROFESSIONEEL', 50],
        ['EDUCATIEF', 20],
        ['SOCIAAL_CULTUREEL', 25],
        ['ZELFSTANDIG', 5],
      ]),
      start_date: iso(S),
      end_date: ended !== null ? iso(ended) : null,
    });
  }
  for (let on = S + rng.int(40, 120), n = 0; n < 3 && on < (ended ?? T); on += rng.int(60, 150), n++) conversation(on);
  if (certified) {
    const issued = ended!;
    b.add('certificates', issued, {
      id: rng.uuid(),
      person_id: personId,
      kind: 'INTEGRATION',
      document_type: 'ICO13G',
      document_id: `IA-${iso(issued).slice(0, 4)}-${String(index + 1).padStart(7, '0')}`,
      issued_on: iso(issued),
      signed_on: iso(Math.min(T, issued + rng.int(0, 5))),
      expires_on: null,
      issued_by_kbo: office.kbo,
      office_id: office.id,
    });
    conversation(issued + rng.int(1, 10));
  } else if (rng.chance(0.02)) {
    const on = S + rng.int(30, 200);
    if (on <= T)
      b.add('certificates', on, {
        id: rng.uuid(),
        person_id: personId,
        kind: 'EVC',
        document_type: 'AEVC05',
        document_id: null,
        issued_on: iso(on),
        signed_on: null,
        expires_on: null,
        issued_by_kbo: office.kbo,
        office_id: office.id,
      });
  }
  partners();
}

// ---- Courses, lesson by lesson ------------------------------------------------------------------

interface Component {
  id: string;
  type: string;
  start: number;
  end: number | null;
  status: string;
  since: number;
  exempted: boolean;
  decision: string | null;
  decidedOn: number | null;
  remarks: string | null;
  reason?: string;
  /** Share of lessons attended (present or justified), 1 when there were no lessons. */
  rate: number;
}
interface Followed {
  end: number;
  rate: number;
  finished: boolean;
  firstEnrolment: string | null;
}

/**
 * The share of lessons a person attends (present or absent with justification, which seed 003 §35
 * does not count against them): most attend almost always, some fall below 80 %, a few below 50 %.
 */
function attendancePropensity(rng: Random): number {
  const x = rng.next();
  return x < 0.84 ? rng.between(0.86, 0.995) : x < 0.95 ? rng.between(0.6, 0.85) : rng.between(0.3, 0.55);
}
/** Of the absences, this share is justified. */
const JUSTIFIED = 0.3;

/** A person following courses: attends lessons by propensity, may drop out, takes tests. */
class Learner {
  /** Day the person dropped out, once it happened. */
  dropped: number | null = null;
  constructor(
    readonly rng: Random,
    readonly b: Batch,
    readonly personId: string,
    /** Share of lessons attended, counting justified absences as attended (see attendancePropensity). */
    readonly propensity: number,
    /** Will drop out of the first module that runs long enough. */
    readonly drops: boolean,
    /** Day the person leaves (moves away): nothing happens from then on. */
    readonly stopAt: number,
  ) {}

  /** Enrols in the first `modules` modules of the course, one enrolment per module, with a participation row for every lesson held. */
  follow(course: Course, modules: number, component: Component, enrolledOn: number, externalPrefix?: string): Followed {
    const { rng, b, personId } = this;
    const T = DEMO_TODAY;
    let present = 0,
      held = 0,
      end = course.start,
      firstEnrolment: string | null = null,
      finished = true;
    component.start = Math.min(component.start, course.start);
    b.courses.add(course);
    if (course.start <= T && course.start < this.stopAt) {
      component.status = 'TO_STA_31';
      component.since = course.start;
    }
    for (let m = 0; m < modules && m < course.modules.length; m++) {
      const mod = course.modules[m]!;
      const first = mod.days[0]!,
        last = mod.days[mod.days.length - 1]!;
      const on = m === 0 ? Math.min(enrolledOn, first) : Math.min(course.modules[m - 1]!.days.at(-1)!, first);
      if (on > T || on >= this.stopAt) {
        finished = false;
        break;
      }
      const enrolmentId = rng.uuid();
      firstEnrolment ??= enrolmentId;
      // A person who drops out does so part-way through the first module long enough to notice.
      const dropIndex = this.drops && this.dropped === null && mod.days.length >= 4 ? Math.floor(mod.days.length * rng.between(0.3, 0.7)) : -1;
      // The module's attendance is the person's propensity ±5 %; lessons are missed spread over the module
      // (error diffusion from a random phase), so a short module does not fail on chance alone. A missed
      // lesson is justified in 30 % of cases, and a justified absence counts as attended.
      const attend = Math.min(0.999, Math.max(0.05, this.propensity + rng.between(-0.05, 0.05)));
      const presentShare = Math.max(0, (attend - JUSTIFIED) / (1 - JUSTIFIED));
      let phase = rng.next();
      let modPresent = 0,
        modHeld = 0,
        stoppedAt: number | null = null;
      for (let i = 0; i < mod.days.length; i++) {
        const d = mod.days[i]!;
        if (d > T || d >= this.stopAt) break;
        if (i === dropIndex) {
          stoppedAt = mod.days[Math.max(0, i - 1)]!;
          break;
        }
        phase += attend;
        let attendance: string;
        if (phase >= 1) {
          phase -= 1;
          attendance = rng.next() * attend < presentShare ? 'PRESENT' : 'ABSENT_JUSTIFIED';
        } else attendance = 'ABSENT';
        if (attendance !== 'ABSENT') modPresent++;
        modHeld++;
        b.participation(d, rng.uuid(), personId, enrolmentId, mod.lessonIds[i]!, attendance);
      }
      present += modPresent;
      held += modHeld;
      const rate = modHeld ? modPresent / modHeld : 1;
      let status: string,
        endDate: number | null = null,
        result: string | null = null,
        exit: string | null = null;
      if (stoppedAt !== null) {
        this.dropped = Math.max(on, stoppedAt);
        status = 'UITGESCHREVEN';
        endDate = this.dropped;
        result = 'GEEN';
        exit = rng.pick(['ONBEKEND', 'ONBEKEND', 'WERK', 'ZIEKTE', 'ANDERE']);
      } else if (last < this.stopAt && last <= T) {
        status = 'BEEINDIGD';
        endDate = last;
        result = rate >= 0.8 && rng.chance(0.92) ? 'GESLAAGD' : 'NIET_GESLAAGD';
      } else if (this.stopAt <= T && this.stopAt <= last) {
        status = 'UITGESCHREVEN';
        endDate = Math.max(on, this.stopAt);
        result = 'GEEN';
        exit = 'VERHUIS';
      } else {
        status = first <= T ? 'LOPEND' : 'INGESCHREVEN';
      }
      b.add('enrolments', on, {
        id: enrolmentId,
        person_id: personId,
        course_id: course.id,
        module_id: mod.id,
        component_id: component.id,
        enrolled_on: iso(on),
        start_date: iso(first),
        end_date: endDate !== null ? iso(Math.max(first, endDate)) : null,
        status,
        target_attendance_rate: 80,
        exit_reason: exit,
        result,
        external_id: externalPrefix ? `${externalPrefix}-${m + 1}` : null,
      });
      end = endDate ?? last;
      if (status !== 'BEEINDIGD') {
        finished = false;
        break;
      }
    }
    component.rate = held ? present / held : 1;
    return { end, rate: component.rate, finished, firstEnrolment };
  }

  /** A test taken on `on` (unless that lies after today or after the person left); 3 % do not show up. */
  test(
    type: string,
    on: number,
    passed: boolean,
    level: string | null,
    providerId: string,
  ): { taken: boolean; passed: boolean; on: number; id: string | null } {
    const { rng } = this;
    if (on > DEMO_TODAY || on >= this.stopAt) return { taken: false, passed: false, on, id: null };
    const absent = rng.chance(0.03);
    const id = rng.uuid();
    const max = type === 'MO_TEST' ? 30 : 100;
    const score = absent ? null : passed ? rng.int(Math.ceil(max * 0.6), max) : rng.int(Math.floor(max * 0.2), Math.ceil(max * 0.6) - 1);
    this.b.add('test_results', on, {
      id,
      person_id: this.personId,
      test_type: type,
      taken_on: iso(on),
      result: absent ? 'AFWEZIG' : passed ? 'GESLAAGD' : 'NIET_GESLAAGD',
      level: type === 'MO_TEST' ? null : level,
      score,
      max_score: absent ? null : max,
      provider_id: providerId,
    });
    return { taken: true, passed: passed && !absent, on, id };
  }

  /** The decision on a component, if it falls before today and before the person left. */
  decide(c: Component, on: number, decision: string): void {
    if (on > DEMO_TODAY || on >= this.stopAt) return;
    c.decision = decision;
    c.decidedOn = Math.max(on, c.start);
    c.end = c.decidedOn;
  }
}

// ---- Smaller pieces -----------------------------------------------------------------------------

interface Languages {
  mother: string;
  contact: string;
  second: string | null;
  secondLevel: string;
}
function languages(rng: Random, mother: string): Languages {
  const speaksFranca = LINGUA_FRANCA.includes(mother) || mother === 'NLD';
  const second = speaksFranca && rng.chance(0.5) ? null : rng.pick(LINGUA_FRANCA.filter((x) => x !== mother));
  const contact = speaksFranca || !second ? mother : rng.chance(0.6) ? second : mother;
  return { mother, contact, second, secondLevel: rng.pick(['GOED', 'MATIG', 'BEPERKT']) };
}
function addLanguages(rng: Random, b: Batch, personId: string, l: Languages, on: number): void {
  b.add('language_skills', on, {
    id: rng.uuid(),
    person_id: personId,
    language: l.mother,
    proficiency: 'MOEDERTAAL',
    contact_language: l.contact === l.mother,
  });
  if (l.second)
    b.add('language_skills', on, {
      id: rng.uuid(),
      person_id: personId,
      language: l.second,
      proficiency: l.secondLevel,
      contact_language: l.contact === l.second,
    });
  if (l.mother !== 'NLD' && rng.chance(0.25))
    b.add('language_skills', on, { id: rng.uuid(), person_id: personId, language: 'NLD', proficiency: 'BEPERKT', contact_language: false });
}
function literacyOf(rng: Random, mother: string): string {
  const x = rng.next();
  if (SCRIPT_OTHER.has(mother)) return x < 0.55 ? 'GEALFABETISEERD' : x < 0.85 ? 'ANDERSGEALFABETISEERD' : x < 0.93 ? 'LAAGGELETTERD' : 'ANALFABEET';
  return x < 0.9 ? 'GEALFABETISEERD' : x < 0.96 ? 'LAAGGELETTERD' : 'ANALFABEET';
}
function pickWeighted(rng: Random, options: [string, number][]): string {
  let x = rng.next() * options.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of options) if ((x -= w) < 0) return v;
  return options[options.length - 1]![0];
}

function uniqueInsz(ctx: Context, rng: Random, born: number, female: boolean): string {
  const bis = rng.chance(0.05);
  const genderKnown = !bis || rng.chance(0.8);
  let serial = rng.int(0, 498) * 2 + (female ? 2 : 1);
  for (let tries = 0; ; tries++) {
    const insz = makeInsz({ birthDate: iso(born), serial, kind: bis ? 'bis' : 'nationalRegister', genderKnown });
    if (!ctx.usedInsz.has(insz)) {
      ctx.usedInsz.add(insz);
      return insz;
    }
    serial += 2;
    if (serial > 998) serial = female ? 2 : 1;
    if (tries > 500) {
      born += 1;
      tries = 0;
    } // that birth date is full: the day after
  }
}

/** 'K' + 7 digits: a bijection of the person number (7919 is prime to 10^7), stepping past numbers already taken. */
function dossierNumber(ctx: Context, index: number): string {
  let n = (index * 7919 + 1_000_003) % 10_000_000;
  for (;;) {
    const s = `K${String(n).padStart(7, '0')}`;
    if (!ctx.usedDossierNumbers.has(s)) {
      ctx.usedDossierNumbers.add(s);
      return s;
    }
    n = (n + 7919) % 10_000_000;
  }
}

interface InfringementOpts {
  personId: string;
  area: Area;
  office: Office;
  leefloon: boolean;
  ocmw: string;
}
/**
 * An infringement established on `on`, its statement of facts, and (unless the person lives on a
 * living wage: then the OCMW acts, seed 003 §15) the case sent to the enforcement officer and its
 * decision (t11) with the fine (t12). Returns the day the notice was sent, or null when it lies after today.
 */
function infringement(ctx: Context, rng: Random, b: Batch, o: InfringementOpts, type: string, on: number, trajectoryId: string | null): number | null {
  const T = DEMO_TODAY;
  on = workday(on);
  const notice = on + rng.int(1, 5);
  if (notice > T) return null;
  // Types follow the reform: a type that did not exist (or no longer existed) on that day becomes its counterpart.
  if (!ctx.codes.validOn('infringement_type', type, on)) {
    type =
      type === 'ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD'
        ? 'NIET_REGELMATIG_DEELGENOMEN'
        : type === 'NIET_REGELMATIG_DEELGENOMEN'
          ? 'ONREGELMATIGE_DEELNAME'
          : type === 'NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING'
            ? 'NIET_TIJDIG_AANGEMELD'
            : type;
  }
  const authority = o.leefloon ? 'OCMW' : 'HH';
  let caseId: string | null = null;
  const opened = notice + rng.int(20, 45);
  if (authority === 'HH' && opened <= T) {
    caseId = rng.uuid();
    const received = opened + rng.int(1, 10);
    const decided = received + rng.int(30, 150);
    const status = decided <= T ? (decided + 60 <= T && rng.chance(0.4) ? 'CLOSED' : 'DECIDED') : received <= T ? 'SENT' : 'OPEN';
    b.add('infringement_cases', opened, {
      id: caseId,
      person_id: o.personId,
      agency_office_id: o.office.id,
      opened_on: iso(opened),
      received_on: received <= T ? iso(received) : null,
      status,
    });
    if (decided <= T) {
      const decision = ctx.dist.decision.draw(rng);
      b.add('infringement_decisions', decided, {
        id: rng.uuid(),
        person_id: o.personId,
        case_id: caseId,
        decision,
        decided_on: iso(decided),
        fine_amount: decision === 'BOETE' ? ctx.dist.fineAmount.draw(rng) : null,
        reason: decision === 'GEEN_GEVOLG' ? 'Verweer aanvaard.' : decision === 'GEEN_BOETE' ? 'Inburgeraar heeft zich intussen in regel gesteld.' : null,
      });
    }
  }
  const id = rng.uuid();
  b.add('infringements', on, {
    id,
    person_id: o.personId,
    trajectory_id: trajectoryId,
    case_id: caseId,
    type,
    sanctioning_authority: authority,
    established_on: iso(on),
    notice_sent_on: iso(notice),
    motivation: 'Vastgesteld op basis van de registraties in KBI.',
  });
  // MAGDA FeitenRelaas: the letter and the formal notice it carried; sometimes a call; the findings form with the case.
  b.add('infringement_facts', notice, {
    id: rng.uuid(),
    person_id: o.personId,
    infringement_id: id,
    kind: 'ACTIVITY',
    external_id: null,
    activity_type: 'A_BRIEF',
    document_type: null,
    occurred_on: iso(notice),
  });
  b.add('infringement_facts', notice, {
    id: rng.uuid(),
    person_id: o.personId,
    infringement_id: id,
    kind: 'COMMUNICATION',
    external_id: null,
    activity_type: null,
    document_type: 'BRI106',
    occurred_on: iso(notice),
  });
  if (rng.chance(0.3)) {
    const call = Math.min(T, notice + rng.int(3, 15));
    b.add('infringement_facts', call, {
      id: rng.uuid(),
      person_id: o.personId,
      infringement_id: id,
      kind: 'ACTIVITY',
      external_id: null,
      activity_type: 'A_TELEFOON',
      document_type: null,
      occurred_on: iso(call),
    });
  }
  if (caseId)
    b.add('infringement_facts', opened, {
      id: rng.uuid(),
      person_id: o.personId,
      infringement_id: id,
      kind: 'COMMUNICATION',
      external_id: null,
      activity_type: null,
      document_type: 'BRI109',
      occurred_on: iso(opened),
    });
  return notice;
}

interface LanguageLearner {
  personId: string;
  area: Area;
  office: Office;
  counsellor: string;
  index: number;
  literacy: string;
}
/** An entitled newcomer without integration contract who only follows Dutch, through the House of Dutch. */
function languageTrajectory(rng: Random, b: Batch, p: LanguageLearner, applied: number): void {
  const T = DEMO_TODAY;
  if (applied > T) return;
  const basic = p.literacy === 'ANALFABEET' || p.literacy === 'LAAGGELETTERD';
  b.add('advice', applied, {
    id: rng.uuid(),
    person_id: p.personId,
    source: 'HOUSE_OF_DUTCH',
    advice_type: basic ? 'CBE_ALFA' : 'CVO_STANDAARD',
    given_on: iso(applied),
    given_by_id: p.area.houseOfDutch.id,
    text: null,
  });
  b.add('literacy_assessments', applied, { id: rng.uuid(), person_id: p.personId, script: 'LATIN', level: p.literacy, assessed_on: iso(applied) });
  const course = nextCourse(basic ? p.area.nt2Basic : p.area.nt2, applied + rng.int(7, 90));
  const trajectoryId = rng.uuid();
  const c: Component = {
    id: rng.uuid(),
    type: 'TO_A1',
    start: applied,
    end: null,
    status: 'TO_STA_02',
    since: applied,
    exempted: false,
    decision: null,
    decidedOn: null,
    remarks: null,
    rate: 1,
  };
  const learner = new Learner(rng, b, p.personId, attendancePropensity(rng), false, Infinity);
  let enrolmentId: string | null = null;
  let ended: number | null = null;
  if (course && course.start - 10 <= T) {
    const r = learner.follow(course, 2, c, Math.max(applied, course.start - rng.int(3, 10)), `${basic ? 'CBE' : 'CVO'}-${p.index.toString(36).toUpperCase()}`);
    enrolmentId = r.firstEnrolment;
    if (r.finished) {
      learner.decide(c, r.end, r.rate >= 0.8 ? 'VO' : 'NVO');
      if (r.rate >= 0.8 && r.end <= T)
        b.add('level_attainments', r.end, {
          id: rng.uuid(),
          person_id: p.personId,
          domain: 'NT2',
          level: 'A1',
          obtained_on: iso(r.end),
          basis: 'COURSE',
          test_result_id: null,
        });
      if (r.end + 14 <= T) ended = r.end + 14;
    }
  }
  b.add('waiting_list_entries', applied, {
    id: rng.uuid(),
    person_id: p.personId,
    course_type: 'NT2',
    applied_on: iso(applied),
    provider_id: basic ? p.area.cbe.id : p.area.cvo.id,
    office_id: p.area.houseOfDutch.office.id,
    status: enrolmentId ? 'PLACED' : 'APPLIED',
    status_since: iso(enrolmentId && course ? Math.max(applied, Math.min(T, course.start - 3)) : applied),
    enrolment_id: enrolmentId,
  });
  b.add('trajectories', applied, {
    id: trajectoryId,
    person_id: p.personId,
    type: 'TT_NT2',
    start_date: iso(applied),
    end_date: ended !== null ? iso(ended) : null,
    managing_office_id: p.area.houseOfDutch.office.id,
    contact_staff_id: p.area.houseOfDutch.office.staff[0] ?? null,
    sanctioning_partner_id: null,
    status: ended !== null ? 'GS' : 'OP',
    status_since: iso(ended ?? applied),
    decision: null,
    decision_date: null,
    decision_reason: null,
    end_reason: ended !== null ? 'ATTEST' : null,
  });
  const done = c.decision !== null && c.decidedOn! <= T;
  b.add('trajectory_components', c.start, {
    id: c.id,
    person_id: p.personId,
    trajectory_id: trajectoryId,
    type: c.type,
    start_date: iso(c.start),
    end_date: done ? iso(c.decidedOn!) : null,
    status: done ? 'TO_STA_99' : c.status,
    status_since: iso(done ? c.decidedOn! : Math.max(c.start, c.since)),
    exempted: false,
    remarks: null,
    decision: done ? c.decision : null,
    decision_date: done ? iso(c.decidedOn!) : null,
    decision_reason: null,
  });
}

interface PartnerOpts {
  personId: string;
  area: Area;
  office: Office;
  ocmw: string;
  leefloon: boolean;
  from: number;
  group: string;
  residence: string;
}
/** The school year (1 September – 31 August) a day falls in, as DISCIMUS names it: "2022-2023". */
function schoolYearOf(on: number): string {
  const [y, m] = iso(on).split('-').map(Number) as [number, number];
  const start = m >= 9 ? y : y - 1;
  return `${start}-${start + 1}`;
}

/**
 * A minor's track is school: the agency asks DISCIMUS whether the pupil is enrolled, soon after the
 * target group is determined and then every October, until the pupil turns 18. Now and then
 * DISCIMUS does not answer; the failure is kept and the question asked again the next working day.
 */
function schoolQueries(rng: Random, b: Batch, personId: string, from: number, born: number): void {
  const adult = born + Math.round(18 * 365.25);
  const enrolledAtSchool = rng.chance(0.9);
  let on = workday(from + rng.int(5, 30));
  while (on <= DEMO_TODAY && on < adult) {
    const schoolYear = schoolYearOf(on);
    const id = rng.uuid();
    const asked = recordedAt(on, saltOf(id));
    const request = { schoolYear, endpoint: 'https://discimus.demo.example/enrolments' };
    if (rng.chance(0.03)) {
      b.appendOnly.discimus_queries.push([id, personId, asked, ACTOR, schoolYear, request, 'failed', null, null, 'no answer within 5000 ms']);
      on = workday(on + 1);
      continue;
    }
    const enrolled = enrolledAtSchool ? rng.chance(0.97) : rng.chance(0.3);
    const answer = { status: enrolled ? 'INGESCHREVEN' : 'UITGESCHREVEN', enrolled, schoolYear };
    const answered = new Date(Date.parse(asked) + 1000 + rng.int(0, 3000)).toISOString();
    b.appendOnly.discimus_queries.push([id, personId, asked, ACTOR, schoolYear, request, 'answered', answer, answered, null]);
    const year = Number(schoolYear.slice(0, 4)) + 1;
    on = workday(day(`${year}-10-01`) + rng.int(0, 30));
  }
}

/** What partners add: OCMW appointment requests, DVZ advice, the VMSW housing requirement. */
function partnerContacts(rng: Random, b: Batch, o: PartnerOpts): void {
  const T = DEMO_TODAY;
  if (o.leefloon && rng.chance(0.3)) {
    const asked = o.from + rng.int(10, 400);
    if (asked <= T) {
      const wished = rng.chance(0.75) ? workday(asked + rng.int(7, 30)) : null;
      const plannedDay = wished ?? workday(asked + rng.int(7, 21));
      let status =
        asked > T - 14
          ? 'REGISTERED'
          : pickWeighted(rng, [
              ['PLANNED', 25],
              ['HELD', 55],
              ['CANCELLED', 10],
              ['REGISTERED', 10],
            ]);
      if (status === 'HELD' && plannedDay > T) status = 'PLANNED';
      b.add('appointments', asked, {
        id: rng.uuid(),
        person_id: o.personId,
        requested_by_id: o.ocmw,
        reason: pickWeighted(rng, [
          ['INFO_TRAJECT', 35],
          ['AANMELDING', 20],
          ['OPVOLGING', 25],
          ['NT2', 15],
          ['ANDERE', 5],
        ]),
        extra_information: rng.chance(0.4)
          ? rng.pick([
              'Cliënt spreekt Engels; tolk niet nodig.',
              'Graag samen met de maatschappelijk werker.',
              'Cliënt heeft kinderopvang nodig in de voormiddag.',
            ])
          : null,
        // seed 002: a wished date always comes with a time window.
        wished_date: wished !== null ? iso(wished) : null,
        time_window: wished !== null ? rng.pick(['VOORMIDDAG', 'NAMIDDAG', 'HELE_DAG']) : null,
        status,
        planned_at: status === 'PLANNED' || status === 'HELD' ? localTime(plannedDay, rng.int(9, 15), rng.pick([0, 30])) : null,
        office_id: o.office.id,
      });
    }
  }
  if (o.group === 'THIRD_COUNTRY' && o.residence.startsWith('GEZINSHERENIGING') && rng.chance(0.06)) {
    const on = o.from + rng.int(180, 900);
    if (on <= T)
      b.add('dvz_advice', on, {
        id: rng.uuid(),
        person_id: o.personId,
        advised_on: iso(on),
        advice_type: pickWeighted(rng, [
          ['INSPANNINGEN_GELEVERD', 60],
          ['NIET_VAN_TOEPASSING', 25],
          ['GEEN_INSPANNINGEN', 15],
        ]),
        remarks: null,
      });
  }
  if (rng.chance(0.04)) {
    const on = o.from + rng.int(60, 1200);
    if (on <= T) {
      const meets = rng.chance(0.6);
      b.add('housing_requirements', on, {
        id: rng.uuid(),
        person_id: o.personId,
        must_meet_integration: o.group === 'THIRD_COUNTRY' && rng.chance(0.5),
        must_meet_language: true,
        meets_integration: rng.chance(0.5) ? meets : null,
        meets_language: meets,
        followed_up_by: rng.pick(['VMSW', 'Huis van het Nederlands', 'sociale huisvestingsmaatschappij']),
        assessed_on: iso(on),
      });
    }
  }
}

/**
 * About 4 % of persons have a record that was first recorded wrongly and corrected later (a
 * nationality, a signing or issuing date, a target group, a decision on appeal), so that "as known
 * on" an earlier date and restated statistics show real differences. The current values stay the
 * ones the life cycle drew; only the earlier version, in the history, is wrong.
 */
export function correctLater(ctx: Context, rng: Random, b: Batch, before: Readonly<Record<Table, number>>): void {
  if (!rng.chance(0.04)) return;
  const shift = (value: unknown, days: number) => iso(day(String(value)) + days);
  const options: [Table, (row: unknown[]) => Values | null][] = [
    [
      'persons',
      (row) => {
        const other = ctx.dist.nationality.draw(rng);
        return other === row[TABLES.persons.indexOf('nationality')] ? null : { nationality: other };
      },
    ],
    ['contracts', (row) => ({ signed_on: shift(row[TABLES.contracts.indexOf('signed_on')], rng.pick([-40, -12, -3, 5, 21])) })],
    ['certificates', (row) => ({ issued_on: shift(row[TABLES.certificates.indexOf('issued_on')], rng.pick([-30, -7, 9, 45])) })],
    [
      'target_group_determinations',
      (row) => {
        const type = row[TABLES.target_group_determinations.indexOf('type')];
        return type === 'PLICHT' ? { type: 'RECHT' } : type === 'RECHT' ? { type: 'PLICHT' } : null;
      },
    ],
    [
      'infringement_decisions',
      (row) =>
        row[TABLES.infringement_decisions.indexOf('decision')] === 'BOETE'
          ? { decision: 'GEEN_BOETE', fine_amount: null }
          : { decision: 'BOETE', fine_amount: 150 },
    ],
  ];
  const present = options.filter(([table]) => b.rows[table].length > before[table]);
  if (!present.length) return;
  const [table, wrong] = rng.pick(present);
  const index = rng.int(before[table], b.rows[table].length - 1);
  const values = wrong(b.rows[table][index]!);
  if (values) b.correct(table, index, values, rng.int(10, 400), rng.int(0, 1_000_000));
}
