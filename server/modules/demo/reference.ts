/**
 * The organisations, offices, staff and course catalogue of the demo world, and the published
 * distributions (seed 004 tables, copied in ./reference) that the synthetic population follows.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Database, Row } from '../../platform/db.ts';
import { makeKbo } from '../../platform/identifiers/kbo.ts';
import { Random, Weighted, addDays } from './random.ts';

const csv = (name: string): Record<string, string>[] =>
  parse(readFileSync(new URL(`./reference/${name}`, import.meta.url), 'utf8'), { columns: true, skip_empty_lines: true });

/** Rows of the most recent year of a table. */
function latest(name: string): Record<string, string>[] {
  const rows = csv(name);
  const year = rows.reduce((m, r) => (r.year! > m ? r.year! : m), '');
  return rows.filter((r) => r.year === year);
}

export type RegionCode = 'ATLAS' | 'IN_GENT' | 'ANTWERP' | 'LIMBURG' | 'EAST_FLANDERS' | 'FLEMISH_BRABANT' | 'WEST_FLANDERS' | 'BRUSSELS';

/** Where people live: the agency's region, with its postcodes and municipalities. */
export const REGIONS: Record<RegionCode, { agency: 'ATLAS' | 'IN_GENT' | 'AGII'; places: [string, string][] }> = {
  ATLAS: { agency: 'ATLAS', places: [['2000', 'Antwerpen'], ['2018', 'Antwerpen'], ['2060', 'Antwerpen'], ['2100', 'Deurne'], ['2140', 'Borgerhout'], ['2170', 'Merksem'], ['2660', 'Hoboken']] },
  IN_GENT: { agency: 'IN_GENT', places: [['9000', 'Gent'], ['9030', 'Mariakerke'], ['9040', 'Sint-Amandsberg'], ['9050', 'Gentbrugge'], ['9032', 'Wondelgem']] },
  ANTWERP: { agency: 'AGII', places: [['2800', 'Mechelen'], ['2300', 'Turnhout'], ['2200', 'Herentals'], ['2500', 'Lier'], ['2400', 'Mol']] },
  LIMBURG: { agency: 'AGII', places: [['3500', 'Hasselt'], ['3600', 'Genk'], ['3580', 'Beringen'], ['3700', 'Tongeren'], ['3900', 'Pelt']] },
  EAST_FLANDERS: { agency: 'AGII', places: [['9300', 'Aalst'], ['9100', 'Sint-Niklaas'], ['9200', 'Dendermonde'], ['9700', 'Oudenaarde'], ['9900', 'Eeklo']] },
  FLEMISH_BRABANT: { agency: 'AGII', places: [['3000', 'Leuven'], ['1800', 'Vilvoorde'], ['1500', 'Halle'], ['3300', 'Tienen'], ['1930', 'Zaventem']] },
  WEST_FLANDERS: { agency: 'AGII', places: [['8500', 'Kortrijk'], ['8000', 'Brugge'], ['8400', 'Oostende'], ['8800', 'Roeselare'], ['8900', 'Ieper']] },
  BRUSSELS: { agency: 'AGII', places: [['1000', 'Brussel'], ['1030', 'Schaarbeek'], ['1080', 'Sint-Jans-Molenbeek'], ['1070', 'Anderlecht'], ['1210', 'Sint-Joost-ten-Node']] },
};

const REGION_BY_LABEL: Record<string, RegionCode> = {
  'Brussels Hoofdstedelijk Gewest': 'BRUSSELS', Limburg: 'LIMBURG', 'Oost-Vlaanderen': 'EAST_FLANDERS', 'Provincie Antwerpen': 'ANTWERP',
  'Vlaams-Brabant': 'FLEMISH_BRABANT', 'West-Vlaanderen': 'WEST_FLANDERS',
};

export interface Distributions {
  region: Weighted<RegionCode>;
  nationality: Weighted<string>;
  women: number;
  obliged: number;
  registeredShare: number;
  /** Residence status by nationality group: EU+ statuses for EU+ nationals, the others for third-country nationals. */
  residenceStatus: Record<'EU_PLUS' | 'THIRD_COUNTRY' | 'BELGIAN', Weighted<string>>;
  nationalityGroup: Map<string, string>;
  infringementBefore2022: Weighted<string>;
  infringementFrom2022: Weighted<string>;
  decision: Weighted<string>;
  fineAmount: Weighted<number>;
}

/** Reads the published tables and maps their labels to codes through the code lists. */
export function loadDistributions(codeByLabel: (list: string, label: string) => string, groupOf: Map<string, string>): Distributions {
  const t02 = latest('t02_contracts_by_agency_region.csv');
  const region = new Weighted<RegionCode>(t02.map((r) => [
    r.agency === 'Atlas' ? 'ATLAS' : r.agency === 'IN-Gent' ? 'IN_GENT' : REGION_BY_LABEL[r.region!]!, Number(r.count)]));
  const t04 = latest('t04_contracts_by_nationality.csv');
  const nationality = new Weighted<string>(t04.map((r) => [codeByLabel('nationality', r.nationality!), Number(r.count)]));
  const t05 = latest('t05_contracts_by_gender.csv');
  const count = (rows: Record<string, string>[], key: string, value: string) => Number(rows.find((r) => r[key] === value)?.count ?? 0);
  const women = count(t05, 'gender', 'Vrouw') / (count(t05, 'gender', 'Vrouw') + count(t05, 'gender', 'Man'));
  const t06 = latest('t06_contracts_by_target_group.csv');
  const obliged = count(t06, 'target_group', 'Plicht') / (count(t06, 'target_group', 'Plicht') + count(t06, 'target_group', 'Recht'));
  const t01 = latest('t01_reach_by_agency_province.csv');
  const registered = t01.filter((r) => r.status === 'aangemeld').reduce((s, r) => s + Number(r.count), 0);
  const registeredShare = registered / t01.reduce((s, r) => s + Number(r.count), 0);
  const t07 = latest('t07_contracts_by_residence_status.csv');
  const statusWeights = (keep: (label: string) => boolean) => new Weighted<string>(t07.filter((r) => keep(r.residence_status!))
    .map((r) => [codeByLabel('residence_status', r.residence_status!), Number(r.count)]));
  const residenceStatus = {
    EU_PLUS: statusWeights((l) => l.includes('EU+') || l === 'gezinshereniging met Belg'),
    THIRD_COUNTRY: statusWeights((l) => !l.includes('EU+') && l !== 'Belg nieuwkomer'),
    BELGIAN: statusWeights((l) => l === 'Belg nieuwkomer'),
  };
  const t10 = csv('t10_infringement_files_by_type.csv');
  const byType = (years: string[]) => {
    const sums = new Map<string, number>();
    for (const r of t10) if (years.includes(r.year!)) sums.set(r.infringement_type!, (sums.get(r.infringement_type!) ?? 0) + Number(r.count));
    return new Weighted<string>([...sums].map(([label, n]) => [codeByLabel('infringement_type', label), n]));
  };
  const t11 = latest('t11_infringement_decisions_by_outcome.csv');
  const decisionCodes: Record<string, string> = { boete: 'BOETE', 'geen boete': 'GEEN_BOETE', 'geen gevolg': 'GEEN_GEVOLG' };
  const t12 = csv('t12_fine_amounts.csv');
  return {
    region, nationality, women, obliged, registeredShare, residenceStatus, nationalityGroup: groupOf,
    infringementBefore2022: byType(['2019', '2020', '2021']),
    infringementFrom2022: byType(['2022']),
    decision: new Weighted(t11.map((r) => [decisionCodes[r.decision!]!, Number(r.count)])),
    fineAmount: new Weighted(t12.map((r) => [Number(r.amount_eur), Number(r.number_of_fines)])),
  };
}

export interface World {
  agencyOrg: Record<'ATLAS' | 'IN_GENT' | 'AGII', string>;
  regionOffices: Record<RegionCode, { id: string; kbo: string; staff: string[] }[]>;
  ocmws: Record<RegionCode, string>;
  houseOfDutch: Record<RegionCode, string>;
  vdab: string;
  abb: string;
  /** Courses by type, sorted by start date, each with its lesson ids and dates. */
  courses: Record<'MO' | 'NT2' | 'LO', CatalogueCourse[]>;
}

export interface CatalogueCourse { id: string; moduleId: string; providerId: string; start: string; end: string; lessons: { id: string; date: string }[] }

const STD = (date: string) => ({ recorded_by: 'system:demo-generator', valid_from: `${date}T00:00:00Z` });
const REF_DATE = '2019-01-01';

/** Creates the demo organisations and catalogue once (deterministic ids), or loads the ones it made before. */
export async function ensureWorld(database: Database, seed: number): Promise<World> {
  const existing = await database.db.selectFrom('organisations').select('id').where('recorded_by', '=', 'system:demo-generator').limit(1).execute();
  if (!existing.length) await createWorld(database, new Random(seed, 0x5eed));
  return loadWorld(database);
}

async function createWorld(database: Database, rng: Random): Promise<void> {
  const orgs: Row[] = [], offices: Row[] = [], staff: Row[] = [], courses: Row[] = [], modules: Row[] = [], lessons: Row[] = [];
  let kboBase = 4_210_000;
  let unitBase = 21_500_000;
  const org = (kind: string, name: string, extra: Row = {}) => {
    const row = { id: rng.uuid(), kind, name, enterprise_number: makeKbo(kboBase += 137, 'enterprise'), agency: null, region: null, parent_id: null, municipality_nis: null, ...extra, ...STD(REF_DATE) };
    orgs.push(row);
    return row.id as string;
  };
  const office = (organisationId: string, name: string, [postcode, municipality]: [string, string], code: string) => {
    const id = rng.uuid();
    offices.push({
      id, organisation_id: organisationId, name, kbo_number: makeKbo(unitBase += 311, 'establishment'), kbi_key: rng.hex(32),
      street: 'Stationsstraat', house_number: String(rng.int(1, 120)), postcode, municipality, phone: `0${rng.int(2, 9)} ${rng.int(200, 999)} ${rng.int(10, 99)} ${rng.int(10, 99)}`,
      email: `${code}@inburgering.example`, contact_name: `Onthaal ${municipality}`, opening_hours: 'ma–vr 9–12 u, di en do 13–16 u', ...STD(REF_DATE),
    });
    for (let i = 0; i < 3; i++) {
      staff.push({
        id: rng.uuid(), organisation_id: organisationId, office_id: id, family_name: rng.pick(STAFF_FAMILY), given_name: rng.pick(STAFF_GIVEN),
        email: null, phone: null, function_title: i === 0 ? 'teamcoach' : 'trajectbegeleider', ...STD(REF_DATE),
      });
    }
  };
  const agencies = {
    ATLAS: org('AGENCY', 'Atlas, integratie & inburgering Antwerpen', { agency: 'ATLAS' }),
    IN_GENT: org('AGENCY', 'IN-Gent', { agency: 'IN_GENT' }),
    AGII: org('AGENCY', 'Agentschap Integratie en Inburgering', { agency: 'AGII' }),
  };
  for (const [region, info] of Object.entries(REGIONS) as [RegionCode, (typeof REGIONS)[RegionCode]][]) {
    const agencyId = agencies[info.agency];
    const perRegion = info.agency === 'AGII' ? 2 : 3;
    for (let i = 0; i < perRegion; i++) office(agencyId, `${info.agency === 'AGII' ? 'Agentschap' : info.agency === 'ATLAS' ? 'Atlas' : 'IN-Gent'} ${info.places[i]![1]}`, info.places[i]!, `${region.toLowerCase()}-${i}`);
    const hvn = org('HOUSE_OF_DUTCH', `Huis van het Nederlands ${info.places[0]![1]}`, { region: info.agency === 'AGII' ? region : null });
    office(hvn, `Huis van het Nederlands ${info.places[0]![1]}`, info.places[0]!, `hvn-${region.toLowerCase()}`);
    const ocmw = org('OCMW', `OCMW ${info.places[0]![1]}`);
    office(ocmw, `Sociale dienst ${info.places[0]![1]}`, info.places[0]!, `ocmw-${region.toLowerCase()}`);
    for (const place of info.places.slice(1, 3)) {
      const more = org('OCMW', `OCMW ${place[1]}`);
      office(more, `Sociale dienst ${place[1]}`, place, `ocmw-${place[0]}`);
    }
    const cvo = org('CVO', `CVO ${info.places[0]![1]}`);
    office(cvo, `CVO ${info.places[0]![1]} campus centrum`, info.places[0]!, `cvo-${region.toLowerCase()}`);
    // The course catalogue of this region: MO (12 lessons), NT2 (24), LO (6), a new group every 6 weeks.
    for (const [type, count, providerId] of [['MO', 12, agencyId], ['NT2', 24, cvo], ['LO', 6, agencyId]] as const) {
      for (let start = '2019-01-07'; start < '2026-10-01'; start = addDays(start, 42)) {
        const courseId = rng.uuid();
        const moduleId = rng.uuid();
        const end = addDays(start, (count - 1) * 7);
        courses.push({
          id: courseId, provider_id: providerId, office_id: null, course_type: type, variant: type === 'NT2' ? 'standaard' : 'contacttaal',
          name: type === 'MO' ? 'Maatschappelijke oriëntatie' : type === 'NT2' ? 'Nederlands tweede taal - richtgraad 1' : 'Loopbaanoriëntatie',
          training_code: type === 'NT2' ? '10116' : null, language: type === 'NT2' ? 'NLD' : null, location_code: region, location_name: info.places[0]![1],
          start_date: start, end_date: end, target_level: type === 'NT2' ? 'A2' : null, ...STD(REF_DATE),
        });
        modules.push({ id: moduleId, course_id: courseId, code: `${type}-${region}-1`, name: type === 'NT2' ? 'NT2 - Breakthrough' : 'Module 1', hours: count * 3, sequence: 1, ...STD(REF_DATE) });
        for (let l = 0; l < count; l++) {
          lessons.push({ id: rng.uuid(), module_id: moduleId, starts_at: `${addDays(start, l * 7)}T09:00:00Z`, duration_minutes: 180, ...STD(REF_DATE) });
        }
      }
    }
  }
  org('VDAB', 'VDAB');
  org('VMSW', 'Vlaamse Maatschappij voor Sociaal Wonen');
  org('AHOVOKS', 'Agentschap voor Hoger Onderwijs, Volwassenenonderwijs, Kwalificaties en Studietoelagen');
  org('DVZ', 'Dienst Vreemdelingenzaken');
  org('ABB', 'Agentschap Binnenlands Bestuur');
  await copyObjects(database, 'organisations', orgs);
  await copyObjects(database, 'offices', offices);
  await copyObjects(database, 'staff', staff);
  await copyObjects(database, 'courses', courses);
  await copyObjects(database, 'course_modules', modules);
  await copyObjects(database, 'lessons', lessons);
}

async function loadWorld(database: Database): Promise<World> {
  const db = database.db;
  const orgs = await db.selectFrom('organisations').select(['id', 'kind', 'name', 'agency']).where('recorded_by', '=', 'system:demo-generator').orderBy('id').execute();
  const offices = await db.selectFrom('offices').select(['id', 'organisation_id', 'postcode', 'kbo_number']).orderBy('id').execute();
  const staff = await db.selectFrom('staff').select(['id', 'office_id']).orderBy('id').execute();
  const regionOf = (postcode: string | null) =>
    (Object.entries(REGIONS) as [RegionCode, (typeof REGIONS)[RegionCode]][]).find(([, r]) => r.places.some(([pc]) => pc === postcode))?.[0];
  const byKind = (kind: string) => orgs.filter((o) => o.kind === kind);
  const agencyOrg = Object.fromEntries(byKind('AGENCY').map((o) => [o.agency, o.id])) as World['agencyOrg'];
  const agencyIds = new Set(Object.values(agencyOrg));
  const regionOffices = Object.fromEntries(Object.keys(REGIONS).map((r) => [r, [] as World['regionOffices'][RegionCode]])) as World['regionOffices'];
  const ocmws = {} as World['ocmws'];
  const houseOfDutch = {} as World['houseOfDutch'];
  const kindOf = new Map(orgs.map((o) => [o.id, o.kind as string]));
  for (const o of offices) {
    const region = regionOf(o.postcode);
    if (!region) continue;
    if (agencyIds.has(o.organisation_id)) regionOffices[region].push({ id: o.id, kbo: o.kbo_number, staff: staff.filter((s) => s.office_id === o.id).map((s) => s.id) });
    if (kindOf.get(o.organisation_id) === 'OCMW') ocmws[region] ??= o.organisation_id;
    if (kindOf.get(o.organisation_id) === 'HOUSE_OF_DUTCH') houseOfDutch[region] ??= o.organisation_id;
  }
  for (const [region, list] of Object.entries(regionOffices)) {
    if (!list.length) throw new Error(`the demo world has no agency office in ${region}; it was not made by this generator`);
  }
  const courseRows = await db.selectFrom('courses as c').innerJoin('course_modules as m', 'm.course_id', 'c.id')
    .select(['c.id', 'c.course_type', 'c.provider_id', 'c.start_date', 'c.end_date', 'm.id as module_id']).orderBy('c.start_date').orderBy('c.id').execute();
  const lessonRows = await db.selectFrom('lessons').select(['id', 'module_id', 'starts_at']).orderBy('starts_at').orderBy('id').execute();
  const lessonsByModule = new Map<string, { id: string; date: string }[]>();
  for (const l of lessonRows) {
    const list = lessonsByModule.get(l.module_id) ?? [];
    list.push({ id: l.id, date: String(l.starts_at).slice(0, 10) });
    lessonsByModule.set(l.module_id, list);
  }
  const courses: World['courses'] = { MO: [], NT2: [], LO: [] };
  for (const c of courseRows) {
    if (!(c.course_type in courses)) continue;
    courses[c.course_type as 'MO'].push({ id: c.id, moduleId: c.module_id, providerId: c.provider_id, start: c.start_date, end: c.end_date, lessons: lessonsByModule.get(c.module_id) ?? [] });
  }
  return { agencyOrg, regionOffices, ocmws, houseOfDutch, vdab: byKind('VDAB')[0]!.id, abb: byKind('ABB')[0]!.id, courses };
}

/** Bulk insert of objects that all have the same keys. */
export async function copyObjects(database: Database, table: string, rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]!);
  await database.copyRows(table, columns, rows.map((r) => columns.map((c) => r[c] ?? null)));
}

const STAFF_FAMILY = ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet', 'Dubois', 'Lambrechts'];
const STAFF_GIVEN = ['Sofie', 'Tom', 'Els', 'Karim', 'Nathalie', 'Pieter', 'Leen', 'Samira', 'Bart', 'Ines', 'Koen', 'Hanne'];
