/**
 * `kbi seed --calibrate`: a population whose base sets reproduce the published tables t02–t18 of
 * seed 004 cell by cell (./reference), for checking the statistics against what the minister
 * answered parliament. Every published detail row becomes that many units with exactly those
 * attributes; where tables share units (t02–t07 count the same persons, t13–t18 the same fined
 * cases) the attributes are dealt from the tables' multisets together, so each unit is one coherent
 * record (a nationality and its group agree; an obliged person is a third-country national where
 * the tables allow; a type of infringement is used only while it exists in law).
 *
 * Who is counted where:
 *  - t02–t07: persons whose first contract was signed in 2020, 2021 or 2022;
 *  - t08: persons with a first integration certificate that year — the 2021 and 2022 ones from the
 *    2020 and 2021 contract cohorts, those of 2019 and 2020 from persons with a contract in 2017/2018;
 *  - t09/t10: cases received that year; t11 decisions that year, on that year's cases (and on
 *    cases of an earlier year left undecided, or received late in 2018, where a year decided more
 *    than it received); t12–t18 the fined ones. Persons with a case have their contract before 2019
 *    or none, so they never add to t02–t07.
 * The source's own inconsistencies (reference/README.md) stay in the source: the detail rows are
 * reproduced, never the printed totals.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import type { Database } from '../../platform/db.ts';
import { makeInsz } from '../../platform/identifiers/insz.ts';
import { Random, day, iso, localTime, midnight, workday } from './random.ts';

const ACTOR = 'system:demo-calibration';
type Row = Record<string, string>;
const csv = (name: string): Row[] =>
  parse(readFileSync(new URL(`./reference/${name}.csv`, import.meta.url), 'utf8'), { columns: true, skip_empty_lines: true, bom: true });

interface CodeRow {
  list: string;
  code: string;
  label_nl: string;
  printed: string | null;
  group: string | null;
  valid_from: string | null;
  valid_to: string | null;
}

/** Labels of the published tables → codes, case-insensitively, by statistics label or Dutch label. */
class Labels {
  readonly #by = new Map<string, string>();
  readonly groupOf = new Map<string, string>();
  readonly rows: CodeRow[];
  constructor(rows: CodeRow[]) {
    this.rows = rows;
    for (const r of rows) {
      this.#by.set(`${r.list}|${r.label_nl.toLowerCase()}`, r.code);
      if (r.printed) this.#by.set(`${r.list}|${r.printed.toLowerCase()}`, r.code);
      if (r.list === 'nationality') this.groupOf.set(r.code, r.group ?? 'UNKNOWN');
    }
  }
  code(list: string, label: string): string {
    const c = this.#by.get(`${list}|${label.toLowerCase()}`);
    if (!c) throw new Error(`calibration: code list ${list} has no label "${label}"`);
    return c;
  }
}

/** Deals `n` items from a multiset of (value, count) rows, shuffled with `rng`. */
function deal<T>(rng: Random, rows: [T, number][]): T[] {
  const out: T[] = [];
  for (const [v, n] of rows) for (let i = 0; i < n; i++) out.push(v);
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Gives each unit a value from `values` (a multiset as long as `units`), preferring for each unit a
 * value that `fits` it: first the fitting pairs, then the rest in order.
 */
function match<U, V>(units: U[], values: V[], fits: (u: U, v: V) => boolean): V[] {
  const out: (V | undefined)[] = new Array(units.length);
  const left = [...values];
  for (let i = 0; i < units.length; i++) {
    const k = left.findIndex((v) => fits(units[i]!, v));
    if (k >= 0) out[i] = left.splice(k, 1)[0];
  }
  for (let i = 0; i < units.length; i++) if (out[i] === undefined) out[i] = left.shift();
  return out as V[];
}

const YEARS_CONTRACTS = ['2020', '2021', '2022'];
const YEARS_CASES = ['2019', '2020', '2021', '2022'];
const byYear = (rows: Row[], year: string) => rows.filter((r) => r.year === year);
const count = (r: Row) => Number(r.count ?? 0);

interface Office {
  id: string;
  agency: string;
  region: string | null;
  postcode: string;
  municipality: string;
}

const OFFICES: [agency: string, region: string | null, postcode: string, municipality: string][] = [
  ['ATLAS', null, '2000', 'Antwerpen'],
  ['IN_GENT', null, '9000', 'Gent'],
  ['AGII', 'ANTWERP', '2800', 'Mechelen'],
  ['AGII', 'LIMBURG', '3500', 'Hasselt'],
  ['AGII', 'EAST_FLANDERS', '9300', 'Aalst'],
  ['AGII', 'FLEMISH_BRABANT', '3000', 'Leuven'],
  ['AGII', 'WEST_FLANDERS', '8000', 'Brugge'],
  ['AGII', 'BRUSSELS', '1000', 'Brussel'],
];

export interface CalibrationSummary {
  persons: number;
  rows: Record<string, number>;
  seconds: number;
}

export async function generateCalibratedPopulation(database: Database, options: { seed: number }): Promise<CalibrationSummary> {
  const started = performance.now();
  const existing = await database.db
    .selectFrom('persons')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  if (Number(existing.n) > 0)
    throw new Error('the calibrated population needs an empty database (it must be the only population for its figures to be the published ones)');
  const rng = new Random(options.seed, 424242);
  const codes = new Labels(
    (
      await sql<CodeRow>`SELECT list, code, label_nl, attributes->>'statisticsLabel' AS printed, attributes->>'group' AS "group", valid_from::text, valid_to::text
        FROM code_list WHERE list IN ('agency', 'region', 'nationality', 'nationality_group', 'gender', 'target_group_type', 'residence_status', 'infringement_type', 'infringement_decision')`.execute(
        database.db,
      )
    ).rows,
  );
  const residenceGroup = new Map(
    (
      await sql<{ code: string; g: string | null }>`SELECT code, attributes->>'nationalityGroup' AS g FROM code_list WHERE list = 'residence_status'`.execute(
        database.db,
      )
    ).rows.map((r) => [r.code, r.g]),
  );

  // ---- Organisations and offices of the three agencies ----------------------------------------------
  const rows: Record<string, unknown[][]> = {};
  const columns: Record<string, string[]> = {};
  const add = (table: string, on: string, values: Record<string, unknown>) => {
    columns[table] ??= [...Object.keys(values), 'valid_from', 'sys_from', 'recorded_by'];
    const d = day(on);
    (rows[table] ??= []).push([...Object.values(values), midnight(d), localTime(workday(d + rng.int(0, 2)), rng.int(8, 16), rng.int(0, 59)), ACTOR]);
  };
  const agencies = new Map<string, string>();
  for (const [agency, name] of [
    ['ATLAS', 'Atlas, integratie & inburgering Antwerpen'],
    ['IN_GENT', 'IN-Gent'],
    ['AGII', 'Agentschap Integratie en Inburgering'],
  ] as const) {
    const id = rng.uuid();
    agencies.set(agency, id);
    add('organisations', '2015-01-01', { id, kind: 'AGENCY', name, agency });
  }
  const offices: Office[] = OFFICES.map(([agency, region, postcode, municipality]) => {
    const id = rng.uuid();
    add('offices', '2015-01-01', {
      id,
      organisation_id: agencies.get(agency)!,
      name: `Kantoor ${municipality}`,
      kbi_key: rng.hex(32).toUpperCase(),
      postcode,
      municipality,
    });
    return { id, agency, region, postcode, municipality };
  });
  const officeOf = (agency: string, region: string | null) => offices.find((o) => o.agency === agency && (agency !== 'AGII' || o.region === region))!;
  /** t09/t13's "Atlas", "IN-Gent", "Provincie …" → an office. */
  const officeOfArea = (label: string) => {
    const code = codes.code(label.startsWith('Provincie') ? 'region' : 'agency', label);
    return label.startsWith('Provincie') ? officeOf('AGII', code) : officeOf(code, null);
  };

  // ---- Persons --------------------------------------------------------------------------------------
  let serial = 0;
  interface Person {
    id: string;
    nationality: string;
    gender: string;
    residence: string | null;
    targetGroup: string;
    office: Office;
  }
  const person = (p: Person, extractedOn: string) => {
    serial++;
    const born = iso(day('1960-01-01') + (serial % 12000));
    add('persons', extractedOn, {
      id: p.id,
      insz: makeInsz({ birthDate: born, serial: 1 + 2 * Math.floor(serial / 12000) + (p.gender === '2' ? 1 : 0) }),
      family_name: `Kalibratie${serial}`,
      given_names: p.gender === '2' ? 'Amina' : 'Omar',
      birth_date: born,
      gender: p.gender,
      nationality: p.nationality,
      residence_status: p.residence,
      postcode: p.office.postcode,
      municipality: p.office.municipality,
      first_extraction_date: extractedOn,
      created_by_organisation_id: agencies.get(p.office.agency),
    });
    add('dossiers', extractedOn, {
      id: rng.uuid(),
      person_id: p.id,
      dossier_number: `K${String(serial).padStart(7, '0')}`,
      case_lead_organisation_id: agencies.get(p.office.agency),
      managing_office_id: p.office.id,
      opened_on: extractedOn,
    });
    add('target_group_determinations', extractedOn, {
      id: rng.uuid(),
      person_id: p.id,
      determined_on: extractedOn,
      determined: true,
      type: p.targetGroup,
      start_date: extractedOn,
      office_id: p.office.id,
    });
  };
  const contract = (p: Person, signedOn: string) =>
    add('contracts', signedOn, { id: rng.uuid(), person_id: p.id, kind: 'MOTHER', signed_on: signedOn, registered_on: signedOn, office_id: p.office.id });
  const dayIn = (year: string, from = '01-01', to = '12-31') => iso(rng.int(day(`${year}-${from}`), day(`${year}-${to}`)));
  const minusDays = (d: string, n: number) => iso(day(d) - n);

  // ---- t02–t07: persons with a first contract in 2020–2022 -----------------------------------------------
  const t02 = csv('t02_contracts_by_agency_region'),
    t04 = csv('t04_contracts_by_nationality'),
    t05 = csv('t05_contracts_by_gender'),
    t06 = csv('t06_contracts_by_target_group'),
    t07 = csv('t07_contracts_by_residence_status');
  const cohorts = new Map<string, Person[]>();
  for (const year of YEARS_CONTRACTS) {
    const places = deal(
      rng,
      byYear(t02, year).map((r) => [[codes.code('agency', r.agency!), r.region ? codes.code('region', r.region) : null] as const, count(r)]),
    );
    const nationalities = deal(
      rng,
      byYear(t04, year).map((r) => [codes.code('nationality', r.nationality!), count(r)]),
    );
    const genders = deal(
      rng,
      byYear(t05, year).map((r) => [codes.code('gender', r.gender!), count(r)]),
    );
    const groups = deal(
      rng,
      byYear(t06, year).map((r) => [codes.code('target_group_type', r.target_group!), count(r)]),
    );
    const residences = deal(
      rng,
      byYear(t07, year).map((r) => [codes.code('residence_status', r.residence_status!), count(r)]),
    );
    // Obliged are third-country nationals; a residence status names a nationality group where it can.
    const targetGroups = match(nationalities, groups, (n, g) => (g === 'PLICHT') === (codes.groupOf.get(n) === 'THIRD_COUNTRY'));
    const residence = match(nationalities, residences, (n, r) => !residenceGroup.get(r) || residenceGroup.get(r) === codes.groupOf.get(n));
    const people = places.map(([agency, region], i) => ({
      id: rng.uuid(),
      nationality: nationalities[i]!,
      gender: genders[i]!,
      residence: residence[i]!,
      targetGroup: targetGroups[i]!,
      office: officeOf(agency, region),
    }));
    for (const p of people) {
      const signed = dayIn(year);
      person(p, minusDays(signed, rng.int(30, 200)));
      contract(p, signed);
    }
    cohorts.set(year, people);
  }

  // ---- t08: first integration certificate ------------------------------------------------------------
  const t08 = new Map(csv('t08_certificates_by_year').map((r) => [r.year!, count(r)]));
  const anyone = (office: Office): Person => ({
    id: rng.uuid(),
    nationality: 'SYR',
    gender: rng.chance(0.55) ? '2' : '1',
    residence: null,
    targetGroup: 'RECHT',
    office,
  });
  const certificate = (p: Person, issuedOn: string) =>
    add('certificates', issuedOn, { id: rng.uuid(), person_id: p.id, kind: 'INTEGRATION', issued_on: issuedOn, office_id: p.office.id });
  for (const [year, n] of t08) {
    const cohort = cohorts.get(String(Number(year) - 1));
    for (let i = 0; i < n; i++) {
      const issued = dayIn(year);
      if (cohort && i < cohort.length) certificate(cohort[i]!, issued);
      else {
        const p = anyone(offices[i % offices.length]!);
        const signed = iso(day(issued) - rng.int(400, 700));
        person(p, minusDays(signed, 60));
        contract(p, signed);
        certificate(p, issued);
      }
    }
  }

  // ---- t09–t18: infringement cases, decisions, fines -------------------------------------------------
  const t09 = csv('t09_infringement_files_by_region'),
    t10 = csv('t10_infringement_files_by_type'),
    t11 = csv('t11_infringement_decisions_by_outcome'),
    t12 = csv('t12_fine_amounts'),
    t13 = csv('t13_fines_by_region'),
    t14 = csv('t14_fines_by_nationality_group'),
    t15 = csv('t15_fines_by_nationality'),
    t16 = csv('t16_fines_by_residence_status'),
    t17 = csv('t17_fines_by_target_group'),
    t18 = csv('t18_fines_by_gender');
  const validity = new Map(codes.rows.filter((r) => r.list === 'infringement_type').map((r) => [r.code, r]));
  interface Case {
    id: string;
    area: string;
    type: string;
    receivedOn: string;
    decided: boolean;
  }
  const receivedDay = (year: string, type: string) => {
    const v = validity.get(type)!;
    const from = v.valid_from && v.valid_from.startsWith(year) ? v.valid_from.slice(5) : '01-01';
    const to = v.valid_to && v.valid_to.startsWith(year) ? v.valid_to.slice(5) : '12-31';
    return dayIn(year, from, to === '12-31' ? '12-20' : to);
  };
  const casesAll: Case[] = [];
  let pending: Case[] = [];
  const decisions: { c: Case; year: string; decision: string }[] = [];
  for (const year of YEARS_CASES) {
    const areas = deal(
      rng,
      byYear(t09, year).map((r) => [r.agency_or_province!, count(r)]),
    );
    const types = deal(
      rng,
      byYear(t10, year).map((r) => [codes.code('infringement_type', r.infringement_type!), count(r)]),
    );
    const received: Case[] = areas.map((area, i) => {
      const type = types[i]!;
      return { id: rng.uuid(), area, type, receivedOn: receivedDay(year, type), decided: false };
    });
    // Fines first: a fined case's area is that of t13; then the other decisions, on what is left.
    const pool = [...pending, ...received];
    const take = (fits: (c: Case) => boolean): Case => {
      const k = pool.findIndex((c) => !c.decided && fits(c));
      if (k >= 0) {
        pool[k]!.decided = true;
        return pool[k]!;
      }
      // More decided than received: a case received late in 2018 (in no table).
      const late: Case = { id: rng.uuid(), area: '', type: 'NIET_TIJDIG_AANGEMELD', receivedOn: dayIn('2018', '12-01', '12-20'), decided: true };
      return late;
    };
    for (const r of byYear(t13, year))
      for (let i = 0; i < count(r); i++) {
        const c = take((x) => x.area === r.agency_or_province);
        c.area ||= r.agency_or_province!;
        decisions.push({ c, year, decision: 'BOETE' });
      }
    for (const r of byYear(t11, year).filter((x) => x.decision !== 'boete'))
      for (let i = 0; i < count(r); i++) {
        const c = take(() => true);
        c.area ||= 'Atlas';
        decisions.push({ c, year, decision: codes.code('infringement_decision', r.decision!) });
      }
    pending = pool.filter((c) => !c.decided);
    casesAll.push(...received);
  }
  // Persons of fined cases: t14–t18 dealt per decision year; of the other cases: plain persons.
  const fined = new Map<string, Person>();
  for (const year of YEARS_CASES) {
    const cases = decisions.filter((d) => d.year === year && d.decision === 'BOETE');
    const nationalities = deal(
      rng,
      byYear(t15, year).map((r) => [codes.code('nationality', r.nationality!), count(r)]),
    );
    const genders = deal(
      rng,
      byYear(t18, year).map((r) => [codes.code('gender', r.gender!), count(r)]),
    );
    const groups = deal(
      rng,
      byYear(t17, year).map((r) => [codes.code('target_group_type', r.target_group!), count(r)]),
    );
    const residences = deal(
      rng,
      byYear(t16, year).map((r) => [codes.code('residence_status', r.residence_status!), count(r)]),
    );
    const targetGroups = match(nationalities, groups, (n, g) => (g === 'PLICHT') === (codes.groupOf.get(n) === 'THIRD_COUNTRY'));
    const residence = match(nationalities, residences, (n, r) => !residenceGroup.get(r) || residenceGroup.get(r) === codes.groupOf.get(n));
    cases.forEach((d, i) =>
      fined.set(d.c.id, {
        id: rng.uuid(),
        nationality: nationalities[i]!,
        gender: genders[i]!,
        residence: residence[i]!,
        targetGroup: targetGroups[i]!,
        office: officeOfArea(d.c.area),
      }),
    );
  }
  const amounts = deal(
    rng,
    t12.map((r) => [Number(r.amount_eur), Number(r.number_of_fines)]),
  );
  const known2022 = amounts.length;
  let fines2022 = 0;
  const decided = new Map(decisions.map((d) => [d.c.id, d]));
  const everyCase = new Map<string, Case>();
  for (const c of [...casesAll, ...decisions.map((d) => d.c)]) everyCase.set(c.id, c);
  for (const c of everyCase.values()) {
    const d = decided.get(c.id);
    const p = fined.get(c.id) ?? { ...anyone(officeOfArea(c.area)), targetGroup: 'PLICHT' };
    // Extracted (and, where signed, contracted) before 2019, so that nobody here counts in t02–t07.
    const extracted = iso(Math.min(day(c.receivedOn) - rng.int(200, 500), day('2018-06-30')));
    person(p, extracted);
    // A contract before 2019 for those who signed one (not for "did not register in time" or "refused to sign").
    if (c.type !== 'NIET_TIJDIG_AANGEMELD' && c.type !== 'GEWEIGERD_TE_ONDERTEKENEN') contract(p, iso(Math.min(day(extracted) + 30, day('2018-12-31'))));
    const opened = minusDays(c.receivedOn, rng.int(5, 40));
    add('infringement_cases', opened, {
      id: c.id,
      person_id: p.id,
      agency_office_id: officeOfArea(c.area).id,
      opened_on: opened,
      received_on: c.receivedOn,
      status: d ? 'DECIDED' : 'SENT',
    });
    add('infringements', opened, { id: rng.uuid(), person_id: p.id, case_id: c.id, type: c.type, sanctioning_authority: 'HH', established_on: opened });
    if (d) {
      const decidedOn = iso(Math.max(day(c.receivedOn) + 1, day(dayIn(d.year))));
      const decidedIn = decidedOn.startsWith(d.year) ? decidedOn : `${d.year}-12-31`;
      let amount: number | null = null;
      if (d.decision === 'BOETE') amount = d.year === '2022' ? (fines2022++ < known2022 ? amounts[fines2022 - 1]! : null) : rng.pick([100, 150, 200, 250, 500]);
      add('infringement_decisions', decidedIn, {
        id: rng.uuid(),
        person_id: p.id,
        case_id: c.id,
        decision: d.decision,
        decided_on: decidedIn,
        fine_amount: amount,
      });
    }
  }

  // ---- Write, parents first ----------------------------------------------------------------------------
  const order = [
    'organisations',
    'offices',
    'persons',
    'dossiers',
    'target_group_determinations',
    'contracts',
    'certificates',
    'infringement_cases',
    'infringements',
    'infringement_decisions',
  ];
  const counts: Record<string, number> = {};
  for (const table of order) {
    const data = rows[table] ?? [];
    await database.copyRows(table, columns[table]!, data);
    counts[table] = data.length;
  }
  return { persons: counts.persons ?? 0, rows: counts, seconds: (performance.now() - started) / 1000 };
}
