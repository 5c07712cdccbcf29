/**
 * A deterministic synthetic population with whole life-cycles, for demos, tests and benchmarks.
 * No real people: names come from short lists, INSZ and KBO numbers are made valid by
 * construction. The same (persons, seed) gives the same rows (only the recording time differs),
 * and the distributions follow the published tables of seed 004.
 */
import type { Database, Row } from '../../platform/db.ts';
import { makeInsz } from '../../platform/identifiers/insz.ts';
import { Random, addDays, daysBetween } from './random.ts';
import { REGIONS, copyObjects, ensureWorld, loadDistributions, type CatalogueCourse, type Distributions, type RegionCode, type World } from './reference.ts';

export interface GenerateOptions { persons: number; seed: number; onProgress?: (done: number, total: number) => void; batchSize?: number }
export interface GenerateSummary { persons: number; rows: Record<string, number>; seconds: number }

/** "Today" of the demo world: fixed, so that the data does not depend on when it is generated. */
export const DEMO_TODAY = '2026-11-01';
const REFORM = '2022-03-01';
const ACTOR = 'system:demo-generator';

/** Tables in the order their foreign keys allow. */
const TABLE_ORDER = [
  'persons', 'dossiers', 'invitations', 'target_group_determinations', 'registrations', 'registration_postponements',
  'signing_postponements', 'contracts', 'contract_addenda', 'contract_parts', 'contract_suspensions', 'trajectories',
  'trajectory_components', 'component_suspensions', 'enrolments', 'participations', 'waiting_list_entries', 'client_preferences',
  'test_results', 'level_attainments', 'language_skills', 'literacy_assessments', 'advice', 'perspectives',
  'diploma_recognition_support', 'conversations', 'appointments', 'referrals', 'infringement_cases', 'infringements',
  'infringement_facts', 'infringement_decisions', 'dvz_advice', 'housing_requirements', 'certificates',
] as const;
type Table = (typeof TABLE_ORDER)[number];

export async function generateDemoData(database: Database, options: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  const codes = await database.db.selectFrom('code_list').select(['list', 'code', 'label_nl', 'attributes']).execute();
  const codeByLabel = (list: string, label: string) => {
    const hit = codes.find((c) => c.list === list && c.label_nl === label);
    if (!hit) throw new Error(`no ${list} code with label "${label}"`);
    return hit.code as string;
  };
  const groups = new Map(codes.filter((c) => c.list === 'nationality').map((c) => [c.code as string, (c.attributes?.group ?? 'UNKNOWN') as string]));
  const distributions = loadDistributions(codeByLabel, groups);
  const world = await ensureWorld(database, options.seed);
  const existing = await database.db.selectFrom('persons').select(['insz']).execute();
  const usedInsz = new Set(existing.map((r) => r.insz as string));
  const usedDossierNumbers = new Set((await database.db.selectFrom('dossiers').select('dossier_number').execute()).map((r) => r.dossier_number as string));
  const offset = existing.length;
  const batchSize = options.batchSize ?? 1000;
  const totals: Record<string, number> = {};

  for (let done = 0; done < options.persons; done += batchSize) {
    const size = Math.min(batchSize, options.persons - done);
    const batch = new Batch();
    for (let i = 0; i < size; i++) {
      const index = offset + done + i;
      // One stream per person: person n is the same whatever the batch size or earlier runs.
      const rng = new Random(options.seed, index + 1);
      lifeCycle(rng, index, batch, world, distributions, usedInsz, usedDossierNumbers);
    }
    for (const table of TABLE_ORDER) {
      const rows = batch.rows[table];
      await copyObjects(database, table, rows);
      totals[table] = (totals[table] ?? 0) + rows.length;
    }
    options.onProgress?.(done + size, options.persons);
  }
  return { persons: options.persons, rows: totals, seconds: (performance.now() - started) / 1000 };
}

class Batch {
  rows = Object.fromEntries(TABLE_ORDER.map((t) => [t, [] as Row[]])) as Record<Table, Row[]>;
  add(table: Table, validOn: string, row: Row): Row {
    row.version = 1;
    row.valid_from = `${validOn}T00:00:00Z`;
    row.recorded_by = ACTOR;
    this.rows[table].push(row);
    return row;
  }
}

const FAMILY = ['Ahmadi', 'Haddad', 'Nowak', 'Popescu', 'Yilmaz', 'Mohammadi', 'Ivanova', 'Kovalenko', 'Diallo', 'Mensah', 'Hassan', 'Rahimi',
  'Santos', 'Kaya', 'Abdi', 'Tesfaye', 'Nguyen', 'Bakr', 'Sahin', 'Kowalski', 'Horvath', 'Osei', 'Mirza', 'Qureshi', 'Petrov', 'Said', 'Gashi', 'Berisha'];
const GIVEN_F = ['Amina', 'Fatima', 'Olena', 'Maria', 'Zahra', 'Aisha', 'Elena', 'Noor', 'Leila', 'Sara', 'Hiba', 'Anna', 'Meron', 'Yasmin', 'Irina', 'Ana'];
const GIVEN_M = ['Mohammed', 'Ahmad', 'Yusuf', 'Andrii', 'Omar', 'Ali', 'Ion', 'Karim', 'Samir', 'Tomasz', 'Dawit', 'Hamid', 'Mehmet', 'Bilal', 'Arben', 'Ivan'];
const STREETS = ['Kerkstraat', 'Stationsstraat', 'Dorpsstraat', 'Molenstraat', 'Nieuwstraat', 'Schoolstraat', 'Kapelstraat', 'Veldstraat', 'Lindenlaan'];
const LANGS = ['ARA', 'DAR', 'PUS', 'TIR', 'UKR', 'RUS', 'TUR', 'SOM', 'ALB', 'POR', 'SPA', 'ENG', 'FRA', 'PER', 'KUR', 'RUM', 'POL', 'BUL'];
const LESSON_MOMENTS = ['MAA_OCHTEND', 'MAA_MIDDAG', 'DIN_OCHTEND', 'DIN_MIDDAG', 'WOE_OCHTEND', 'DON_OCHTEND', 'DON_MIDDAG', 'VRIJ_OCHTEND', 'MAA_AVOND', 'DIN_AVOND'];
const CONVERSATION_TEXTS = ['Intakegesprek gevoerd; traject en contract toegelicht.', 'Opvolggesprek: cursus loopt goed.', 'Telefonisch contact over afwezigheden in de les.',
  'Gesprek over de zoektocht naar werk en de inschrijving bij VDAB.', 'Toelichting bij het attest en de volgende stappen.'];

function lifeCycle(rng: Random, index: number, b: Batch, world: World, d: Distributions, usedInsz: Set<string>, usedDossiers: Set<string>): void {
  const personId = rng.uuid();
  const region: RegionCode = d.region.draw(rng);
  const place = rng.pick(REGIONS[region].places);
  const female = rng.chance(d.women);
  const obliged = rng.chance(d.obliged);
  const extracted = addDays('2019-01-01', rng.int(0, daysBetween('2019-01-01', '2025-12-31')));
  const birth = addDays(`${rng.int(1957, 2006)}-01-01`, rng.int(0, 364));
  const bis = rng.chance(0.05);
  let serial = (rng.int(0, 497) * 2) + (female ? 2 : 1);
  let insz = makeInsz({ birthDate: birth, serial, kind: bis ? 'bis' : 'nationalRegister' });
  while (usedInsz.has(insz)) {
    serial = serial + 2 > 998 ? (female ? 2 : 1) : serial + 2;
    insz = makeInsz({ birthDate: birth, serial, kind: bis ? 'bis' : 'nationalRegister' });
  }
  usedInsz.add(insz);
  const nationality = d.nationality.draw(rng);
  b.add('persons', extracted, {
    id: personId, insz, family_name: rng.pick(FAMILY), given_names: rng.pick(female ? GIVEN_F : GIVEN_M), birth_date: birth,
    gender: female ? '2' : '1', nationality, residence_status: residenceStatusFor(rng, d, nationality), street: rng.pick(STREETS), house_number: String(rng.int(1, 250)),
    box: rng.chance(0.2) ? String(rng.int(1, 12)) : null, postcode: place[0], municipality: place[1], first_extraction_date: extracted,
    correspondence_language: 'nl', created_by_organisation_id: world.agencyOrg[REGIONS[region].agency],
  });

  const office = rng.pick(world.regionOffices[region]);
  const counsellor = rng.pick(office.staff);
  let dossierNumber: string;
  do dossierNumber = `K${String(rng.int(0, 9_999_999)).padStart(7, '0')}`; while (usedDossiers.has(dossierNumber));
  usedDossiers.add(dossierNumber);
  const invited = addDays(extracted, rng.int(10, 40));
  b.add('dossiers', invited, {
    id: rng.uuid(), person_id: personId, dossier_number: dossierNumber, case_lead_organisation_id: world.agencyOrg[REGIONS[region].agency],
    case_lead_since: invited, managing_office_id: office.id, contact_staff_id: counsellor, opened_on: invited, closed_on: null,
  });
  const registered = rng.chance(d.registeredShare);
  const invitationId = rng.uuid();
  b.add('invitations', invited, {
    id: invitationId, person_id: personId, office_id: office.id, sent_on: invited, registered_letter: obliged,
    status: registered ? 'ANSWERED' : rng.pick(['NO_RESPONSE', 'SENT', 'RETURNED']), respond_by: addDays(invited, 90),
  });
  const determinedOn = addDays(invited, rng.int(0, 20));
  const inTargetGroup = rng.chance(0.95);
  b.add('target_group_determinations', determinedOn, {
    id: rng.uuid(), person_id: personId, determined_on: determinedOn, determined: inTargetGroup,
    type: inTargetGroup ? (obliged ? 'PLICHT' : 'RECHT') : null, subtype: inTargetGroup ? (obliged ? 'VOL_PROG' : 'RECHT') : null,
    start_date: inTargetGroup ? extracted : null, end_date: null, no_target_group_reason: inTargetGroup ? null : rng.pick(['01', '02', '03']),
    exemption_reason: null, office_id: office.id,
  });
  if (rng.chance(0.4)) languages(rng, b, personId, determinedOn);
  if (!registered || !inTargetGroup) return;

  const registeredOn = addDays(invited, rng.int(3, 80));
  if (registeredOn > DEMO_TODAY) return;
  if (rng.chance(0.04)) {
    b.add('registration_postponements', invited, { id: rng.uuid(), person_id: personId, start_date: invited, end_date: addDays(invited, 60), reason: rng.pick(['MEDISCH', 'PERSOONLIJK', 'WERK']) });
  }
  b.add('registrations', registeredOn, {
    id: rng.uuid(), person_id: personId, registered_on: registeredOn, type: 'EA', reason: rng.pick(['11', '11', '11', '12', '13', '14', '15']),
    office_id: office.id, invitation_id: invitationId,
  });
  languages(rng, b, personId, registeredOn);
  if (rng.chance(0.5)) {
    b.add('client_preferences', registeredOn, {
      id: rng.uuid(), person_id: personId, wished_start_date: addDays(registeredOn, rng.int(14, 60)), intensity: rng.int(1, 4),
      postcodes: [place[0]], lesson_moments: [rng.pick(LESSON_MOMENTS), rng.pick(LESSON_MOMENTS)].filter((v, i, a) => a.indexOf(v) === i),
    });
  }
  if (rng.chance(0.55)) {
    b.add('advice', registeredOn, {
      id: rng.uuid(), person_id: personId, source: 'HOUSE_OF_DUTCH', advice_type: rng.pick(['CVO_STANDAARD', 'CVO_STANDAARD', 'CVO_TRAAG', 'CBE_ALFA']),
      given_on: registeredOn, given_by_id: world.houseOfDutch[region] ?? null, text: 'Advies lestype op basis van de taaltest.',
    });
  }
  conversation(rng, b, personId, registeredOn, office.id, counsellor);
  if (rng.chance(0.08)) {
    b.add('diploma_recognition_support', registeredOn, { id: rng.uuid(), person_id: personId, support_type: rng.pick(['INFO', 'DOSSIER', 'VERTALING']), given_on: registeredOn, office_id: office.id, remarks: null });
  }

  let signed = addDays(registeredOn, rng.int(0, 30));
  if (rng.chance(0.05)) {
    const postponedUntil = addDays(registeredOn, rng.int(30, 120));
    b.add('signing_postponements', registeredOn, { id: rng.uuid(), person_id: personId, start_date: registeredOn, end_date: postponedUntil, reason: rng.pick(['BIJSTAND_ZIEK_FAMILIELID', 'ZIEKTE', 'ZWANGERSCHAP', 'WERK']) });
    signed = addDays(postponedUntil, rng.int(0, 10));
  }
  if (signed > DEMO_TODAY || rng.chance(0.08)) {
    if (obliged && rng.chance(0.3)) infringement(rng, b, personId, addDays(registeredOn, 45), d, world, null, office.id, 'GEWEIGERD_TE_ONDERTEKENEN');
    return;
  }
  const contractId = rng.uuid();
  b.add('contracts', signed, {
    id: contractId, person_id: personId, kind: rng.chance(0.93) ? 'MOTHER' : 'TAKEOVER', signed_on: signed, registered_on: addDays(signed, rng.int(0, 3)),
    end_date: null, office_id: office.id, created_by_kbo: office.kbo, previous_contract_id: null,
  });
  const parts = ['MO', 'NT2', 'LO', ...(signed >= REFORM && obliged ? ['WORK', 'PARTICIPATION'] : [])];
  for (const part of parts) b.add('contract_parts', signed, { id: rng.uuid(), person_id: personId, contract_id: contractId, addendum_id: null, part });
  if (rng.chance(0.05)) {
    const addendumOn = addDays(signed, rng.int(30, 200));
    if (addendumOn <= DEMO_TODAY) {
      const addendumId = rng.uuid();
      b.add('contract_addenda', addendumOn, { id: addendumId, person_id: personId, contract_id: contractId, signed_on: addendumOn, description: 'Bijkomende NT2-module toegevoegd.' });
    }
  }
  if (rng.chance(0.03)) {
    const from = addDays(signed, rng.int(20, 150));
    if (from <= DEMO_TODAY) b.add('contract_suspensions', from, { id: rng.uuid(), person_id: personId, contract_id: contractId, start_date: from, end_date: addDays(from, rng.int(30, 120)), reason: rng.pick(['MEDISCH', 'PERSOONLIJK', 'WERK']) });
  }

  // The trajectory and its components, followed through courses lesson by lesson.
  const trajectoryId = rng.uuid();
  const propensity = rng.chance(0.8) ? 0.85 + rng.next() * 0.15 : rng.chance(0.7) ? 0.55 + rng.next() * 0.3 : 0.15 + rng.next() * 0.35;
  const outcomes: { met: boolean; ended: boolean; end: string; rate: number; type: 'MO' | 'NT2' | 'LO' }[] = [];
  const components: Row[] = [];
  let start = signed;
  for (const [type, componentType] of [['MO', 'TO_OB_MO'], ['NT2', rng.chance(0.6) ? 'TO_A2' : 'TO_A1'], ['LO', 'TO_OB_LLO']] as const) {
    const course = nextCourse(world.courses[type], start);
    if (!course || course.start > DEMO_TODAY) break;
    const componentId = rng.uuid();
    const ended = course.end < DEMO_TODAY;
    const enrolmentId = rng.uuid();
    let present = 0, held = 0;
    for (const lesson of course.lessons) {
      if (lesson.date > DEMO_TODAY) break;
      held++;
      const r = rng.next();
      const attendance = r < propensity ? 'PRESENT' : r < propensity + (1 - propensity) * 0.3 ? 'ABSENT_JUSTIFIED' : 'ABSENT';
      if (attendance !== 'ABSENT') present++;
      b.add('participations', lesson.date, { id: rng.uuid(), person_id: personId, enrolment_id: enrolmentId, lesson_id: lesson.id, attendance });
    }
    const rate = held ? present / held : 1;
    // seed 003 §35: at least 80 % attendance counts as regular participation.
    const met = ended && rate >= 0.8 && rng.chance(0.9);
    const status = ended ? (rate < 0.5 ? 'UITGESCHREVEN' : 'BEEINDIGD') : 'LOPEND';
    components.push({
      id: componentId, person_id: personId, trajectory_id: trajectoryId, type: componentType, start_date: course.start, end_date: ended ? course.end : null,
      status: ended ? 'TO_STA_99' : 'TO_STA_31', status_since: ended ? course.end : course.start, exempted: false, remarks: null,
      decision: ended ? (met ? 'VO' : 'NVO') : null, decision_date: ended ? course.end : null, decision_reason: null,
    });
    b.rows.enrolments.push({
      id: enrolmentId, person_id: personId, course_id: course.id, module_id: course.moduleId, component_id: componentId, enrolled_on: addDays(course.start, -rng.int(3, 20)),
      start_date: course.start, end_date: ended ? course.end : null, status, target_attendance_rate: 80,
      exit_reason: status === 'UITGESCHREVEN' ? rng.pick(['WERK', 'VERHUIS', 'ZIEKTE', 'ONBEKEND']) : null,
      result: ended ? (met ? 'GESLAAGD' : 'NIET_GESLAAGD') : null, external_id: null, version: 1, valid_from: `${course.start}T00:00:00Z`, recorded_by: ACTOR,
    });
    outcomes.push({ met, ended, end: course.end, rate, type });
    if (ended && (type === 'MO' || type === 'NT2')) {
      const passed = met && rng.chance(0.92);
      const testOn = addDays(course.end, rng.int(1, 14));
      if (testOn <= DEMO_TODAY) {
        const testId = rng.uuid();
        b.add('test_results', testOn, {
          id: testId, person_id: personId, test_type: type === 'MO' ? 'MO_TEST' : 'NT2_TEST', taken_on: testOn, result: passed ? 'GESLAAGD' : 'NIET_GESLAAGD',
          level: type === 'NT2' ? (componentType === 'TO_A2' ? 'A2' : 'A1') : null, score: type === 'MO' ? rng.int(passed ? 16 : 8, passed ? 30 : 15) : null,
          max_score: type === 'MO' ? 30 : null, provider_id: course.providerId,
        });
        if (type === 'NT2' && passed) {
          b.add('level_attainments', testOn, { id: rng.uuid(), person_id: personId, domain: 'NT2', level: componentType === 'TO_A2' ? 'A2' : 'A1', obtained_on: testOn, basis: 'TEST', test_result_id: testId });
        }
      }
    }
    start = addDays(course.end, rng.int(7, 40));
  }
  if (!b.rows.enrolments.length || b.rows.enrolments[b.rows.enrolments.length - 1]!.person_id !== personId) {
    // No course has started yet: a waiting-list entry.
    b.add('waiting_list_entries', signed, {
      id: rng.uuid(), person_id: personId, course_type: 'NT2', applied_on: signed, provider_id: null, office_id: office.id, status: 'APPLIED', status_since: signed, enrolment_id: null,
    });
  } else if (rng.chance(0.15)) {
    b.add('waiting_list_entries', signed, {
      id: rng.uuid(), person_id: personId, course_type: 'NT2', applied_on: signed, provider_id: null, office_id: office.id,
      status: rng.pick(['PLACED', 'CANCELLED', 'APPLIED']), status_since: addDays(signed, rng.int(0, 30)), enrolment_id: null,
    });
  }

  const allEnded = outcomes.length === 3 && outcomes.every((o) => o.ended);
  const allMet = allEnded && outcomes.every((o) => o.met);
  const lastEnd = outcomes.length ? outcomes[outcomes.length - 1]!.end : signed;
  const decisionOn = addDays(lastEnd, rng.int(5, 30));
  const finished = allEnded && decisionOn <= DEMO_TODAY;
  b.add('trajectories', signed, {
    id: trajectoryId, person_id: personId, type: obliged ? 'TT_IBVP' : 'TT_IBRH', start_date: signed, end_date: finished ? decisionOn : null,
    managing_office_id: office.id, contact_staff_id: counsellor, sanctioning_partner_id: obliged ? world.abb : null,
    status: finished ? 'GS' : 'OP', status_since: finished ? decisionOn : signed,
    decision: finished ? (allMet ? 'JA_IB' : 'NEE_IB') : null, decision_date: finished ? decisionOn : null, decision_reason: null,
    end_reason: finished ? (allMet ? 'ATTEST' : 'STOP_EIGEN') : null,
  });
  for (const c of components) b.add('trajectory_components', c.start_date, c);
  // Rows of enrolments were pushed before their trajectory component existed in the batch; the
  // table order (components before enrolments) keeps the foreign keys satisfied.
  if (components.length && rng.chance(0.03)) {
    const c = components[0]!;
    b.add('component_suspensions', c.start_date, { id: rng.uuid(), person_id: personId, component_id: c.id, start_date: c.start_date, end_date: addDays(c.start_date, 30), reason: rng.pick(['MEDISCH', 'PERSOONLIJK', 'GEEN_AANBOD']) });
  }
  if (rng.chance(0.5)) {
    b.add('perspectives', signed, { id: rng.uuid(), person_id: personId, trajectory_id: trajectoryId, perspective: rng.pick(['PROFESSIONEEL', 'PROFESSIONEEL', 'EDUCATIEF', 'SOCIAAL_CULTUREEL']), start_date: signed, end_date: null });
  }
  if (finished && allMet) {
    b.add('certificates', decisionOn, {
      id: rng.uuid(), person_id: personId, kind: 'INTEGRATION', document_type: 'ICO13G', document_id: `attest-${index}`, issued_on: decisionOn,
      signed_on: decisionOn, expires_on: null, issued_by_kbo: office.kbo, office_id: office.id,
    });
    if (rng.chance(0.2)) b.add('housing_requirements', decisionOn, { id: rng.uuid(), person_id: personId, must_meet_integration: false, must_meet_language: true, meets_integration: true, meets_language: true, followed_up_by: 'Huis van het Nederlands', assessed_on: decisionOn });
  } else if (rng.chance(0.02)) {
    b.add('certificates', signed, { id: rng.uuid(), person_id: personId, kind: 'EVC', document_type: 'AEVC05', document_id: null, issued_on: signed, signed_on: null, expires_on: null, issued_by_kbo: office.kbo, office_id: office.id });
  }
  conversation(rng, b, personId, addDays(signed, rng.int(30, 200)), office.id, counsellor);

  // Infringements: obliged newcomers whose participation fell short, or a few who registered late.
  const poor = outcomes.find((o) => o.ended && o.rate < 0.8);
  if (obliged && poor && rng.chance(0.7)) {
    infringement(rng, b, personId, addDays(poor.end, rng.int(5, 30)), d, world, trajectoryId, office.id, null);
  } else if (obliged && daysBetween(invited, registeredOn) > 60 && rng.chance(0.4)) {
    infringement(rng, b, personId, addDays(invited, 91), d, world, trajectoryId, office.id, 'NIET_TIJDIG_AANGEMELD');
  }

  // Partners: an OCMW asks for an appointment or refers its client; VMSW checks; DVZ advice.
  if (rng.chance(0.05) && world.ocmws[region]) {
    const wished = rng.chance(0.6) ? addDays(signed, rng.int(5, 40)) : null;
    b.add('appointments', signed, {
      id: rng.uuid(), person_id: personId, requested_by_id: world.ocmws[region], reason: rng.pick(['INFO_TRAJECT', 'OPVOLGING', 'NT2']), extra_information: null,
      wished_date: wished, time_window: wished ? rng.pick(['VOORMIDDAG', 'NAMIDDAG']) : null, status: rng.pick(['REGISTERED', 'PLANNED', 'HELD']), planned_at: null, office_id: office.id,
    });
  }
  if (rng.chance(0.04) && world.ocmws[region]) {
    b.add('referrals', invited, {
      id: rng.uuid(), person_id: personId, from_id: world.ocmws[region], to_id: world.agencyOrg[REGIONS[region].agency], reason: 'LEEFLOON', description: null,
      referred_on: invited, respond_by: addDays(invited, 14), status: 'ACCEPTED', decided_on: addDays(invited, rng.int(1, 14)), decision_reason: null,
    });
  }
  if (rng.chance(0.03)) {
    b.add('dvz_advice', signed, { id: rng.uuid(), person_id: personId, advised_on: addDays(signed, 10), advice_type: rng.pick(['INSPANNINGEN_GELEVERD', 'NIET_VAN_TOEPASSING']), remarks: null });
  }
}

function residenceStatusFor(rng: Random, d: Distributions, nationality: string): string {
  if (nationality === 'BEL') return d.residenceStatus.BELGIAN.draw(rng);
  if (nationality === 'UNK') return 'ONBEPAALD';
  return d.residenceStatus[d.nationalityGroup.get(nationality) === 'EU_PLUS' ? 'EU_PLUS' : 'THIRD_COUNTRY'].draw(rng);
}

function nextCourse(courses: CatalogueCourse[], after: string): CatalogueCourse | undefined {
  let lo = 0, hi = courses.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (courses[mid]!.start < after) lo = mid + 1; else hi = mid; }
  return courses[lo];
}

function languages(rng: Random, b: Batch, personId: string, on: string): void {
  if (b.rows.language_skills.length && b.rows.language_skills[b.rows.language_skills.length - 1]!.person_id === personId) return;
  const mother = rng.pick(LANGS);
  b.add('language_skills', on, { id: rng.uuid(), person_id: personId, language: mother, proficiency: 'MOEDERTAAL', contact_language: mother !== 'ENG' && mother !== 'FRA' });
  if (rng.chance(0.5)) {
    const second = rng.pick(['ENG', 'FRA', 'ARA', 'RUS']);
    if (second !== mother) b.add('language_skills', on, { id: rng.uuid(), person_id: personId, language: second, proficiency: rng.pick(['GOED', 'MATIG', 'BEPERKT']), contact_language: true });
  }
  b.add('literacy_assessments', on, { id: rng.uuid(), person_id: personId, script: 'LATIN', level: rng.chance(0.8) ? 'GEALFABETISEERD' : rng.pick(['ANDERSGEALFABETISEERD', 'LAAGGELETTERD', 'ANALFABEET']), assessed_on: on });
}

function conversation(rng: Random, b: Batch, personId: string, at: string, officeId: string, staffId: string | undefined): void {
  if (at > DEMO_TODAY || !rng.chance(0.6)) return;
  b.add('conversations', at, {
    id: rng.uuid(), person_id: personId, held_at: `${at}T${String(rng.int(8, 16)).padStart(2, '0')}:${rng.pick(['00', '15', '30', '45'])}:00Z`, office_id: officeId,
    staff_id: staffId ?? null, channel: rng.pick(['LOKET', 'LOKET', 'TELEFOON', 'VIDEO']), text: rng.pick(CONVERSATION_TEXTS), relevant_for: rng.chance(0.3) ? ['OCMW'] : [],
  });
}

function infringement(rng: Random, b: Batch, personId: string, on: string, d: Distributions, world: World, trajectoryId: string | null, officeId: string, forced: string | null): void {
  if (on > DEMO_TODAY) return;
  // The types of table 10 in use on that date (the reform of 1 March 2022 changed them).
  let type = forced ?? (on < REFORM ? d.infringementBefore2022 : d.infringementFrom2022).draw(rng);
  if (on >= REFORM && type === 'ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD') type = 'NIET_REGELMATIG_DEELGENOMEN';
  if (on < REFORM && (type === 'NIET_REGELMATIG_DEELGENOMEN' || type === 'NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING')) type = 'ONREGELMATIGE_DEELNAME';
  const caseId = rng.uuid();
  const sent = addDays(on, rng.int(10, 40));
  const decided = addDays(sent, rng.int(20, 120));
  const isDecided = decided <= DEMO_TODAY;
  b.add('infringement_cases', on, {
    id: caseId, person_id: personId, agency_office_id: officeId, opened_on: on, received_on: sent <= DEMO_TODAY ? sent : null,
    status: isDecided ? 'DECIDED' : sent <= DEMO_TODAY ? 'SENT' : 'OPEN',
  });
  const infringementId = rng.uuid();
  const noticeOn = addDays(on, rng.int(1, 5));
  b.add('infringements', on, {
    id: infringementId, person_id: personId, trajectory_id: trajectoryId, case_id: caseId, type, sanctioning_authority: 'HH', established_on: on,
    notice_sent_on: noticeOn, motivation: 'Vastgesteld op basis van de registraties in KBI.',
  });
  // MAGDA FeitenRelaas: the letter and the formal notice it carried.
  b.add('infringement_facts', noticeOn, { id: rng.uuid(), person_id: personId, infringement_id: infringementId, kind: 'ACTIVITY', external_id: null, activity_type: 'A_BRIEF', document_type: null, occurred_on: noticeOn });
  b.add('infringement_facts', noticeOn, { id: rng.uuid(), person_id: personId, infringement_id: infringementId, kind: 'COMMUNICATION', external_id: null, activity_type: null, document_type: 'BRI106', occurred_on: noticeOn });
  if (isDecided) {
    const decision = d.decision.draw(rng);
    b.add('infringement_decisions', decided, {
      id: rng.uuid(), person_id: personId, case_id: caseId, decision, decided_on: decided,
      fine_amount: decision === 'BOETE' ? d.fineAmount.draw(rng) : null, reason: null,
    });
  }
  void world;
}
