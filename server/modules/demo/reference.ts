/**
 * The published distributions the synthetic population follows: the tables of seed 004 in
 * ./reference (one CSV per table), read once and turned into weighted draws over KBI codes.
 * Labels are mapped to codes through the code lists (`label_nl`, or `attributes.statisticsLabel`),
 * so a label the code lists do not know stops the generator instead of inventing a code.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { Weighted, day } from './random.ts';

export type RegionCode = 'ATLAS' | 'IN_GENT' | 'ANTWERP' | 'LIMBURG' | 'EAST_FLANDERS' | 'FLEMISH_BRABANT' | 'WEST_FLANDERS' | 'BRUSSELS';
export const REGION_CODES: readonly RegionCode[] = ['ATLAS', 'IN_GENT', 'ANTWERP', 'LIMBURG', 'EAST_FLANDERS', 'FLEMISH_BRABANT', 'WEST_FLANDERS', 'BRUSSELS'];

/** The reform of civic integration of 1 March 2022: new parts, tests and infringement types. */
export const REFORM = day('2022-03-01');

export interface CodeRow {
  list: string;
  code: string;
  label_nl: string;
  attributes: Record<string, unknown> | null;
  valid_from: string | null;
  valid_to: string | null;
}

/** The code lists as the generator needs them: by label, membership, and validity on a day. */
export class Codes {
  readonly #byList = new Map<string, Map<string, CodeRow>>();
  constructor(rows: readonly CodeRow[]) {
    for (const r of rows) {
      let list = this.#byList.get(r.list);
      if (!list) this.#byList.set(r.list, (list = new Map()));
      list.set(r.code, r);
    }
  }
  has(list: string, code: string): boolean {
    return this.#byList.get(list)?.has(code) ?? false;
  }
  get(list: string, code: string): CodeRow | undefined {
    return this.#byList.get(list)?.get(code);
  }
  all(list: string): CodeRow[] {
    return [...(this.#byList.get(list)?.values() ?? [])];
  }
  /** The code whose Dutch label (or statistics label) is exactly `label`. */
  byLabel(list: string, label: string): string {
    for (const r of this.all(list)) if (r.label_nl === label) return r.code;
    for (const r of this.all(list)) if (r.attributes?.statisticsLabel === label) return r.code;
    throw new Error(`demo generator: code list ${list} has no code labelled "${label}"`);
  }
  /** Is the code in force on that day (valid_from/valid_to of the code list)? */
  validOn(list: string, code: string, d: number): boolean {
    const r = this.get(list, code);
    if (!r) return false;
    return (r.valid_from == null || day(String(r.valid_from).slice(0, 10)) <= d) && (r.valid_to == null || d <= day(String(r.valid_to).slice(0, 10)));
  }
  /** Throws when the generator is about to use a code the lists do not have. */
  require(list: string, codes: readonly string[]): void {
    const missing = codes.filter((c) => !this.has(list, c));
    if (missing.length) throw new Error(`demo generator: code list ${list} lacks ${missing.join(', ')}`);
  }
}

type CsvRow = Record<string, string>;
const csv = (name: string): CsvRow[] =>
  parse(readFileSync(new URL(`./reference/${name}`, import.meta.url), 'utf8'), { columns: true, skip_empty_lines: true, bom: true });

/** Rows of the most recent year of a table. */
function latest(rows: CsvRow[]): CsvRow[] {
  const year = rows.reduce((m, r) => (r.year! > m ? r.year! : m), '');
  return rows.filter((r) => r.year === year);
}
const num = (v: string | undefined) => Number(v ?? 0) || 0;

export interface Distributions {
  /** Agency or working area of the Flemish agency (t02). */
  region: Weighted<RegionCode>;
  /** Share of invited persons who registered, per area (t01; Brussels is not in t01 and gets the overall share). */
  registeredShare: Record<RegionCode, number>;
  nationality: Weighted<string>;
  nationalityGroup: (nationality: string) => string;
  /** Share of women among men and women (t05). */
  women: number;
  /** Share of obliged newcomers (t06). */
  obliged: number;
  /** Residence status given the nationality group, so that both t04 and t07 hold. */
  residenceStatus: Record<'EU_PLUS' | 'THIRD_COUNTRY' | 'BELGIAN' | 'UNKNOWN', Weighted<string>>;
  /** Infringement types to plan before and from the reform of 1 March 2022 (t10; see byType). */
  infringementBefore: Weighted<string>;
  infringementFrom: Weighted<string>;
  /** Decisions on infringement cases (t11) and fine amounts (t12). */
  decision: Weighted<string>;
  fineAmount: Weighted<number>;
}

const REGION_BY_T02: Record<string, RegionCode> = {
  'Brussels Hoofdstedelijk Gewest': 'BRUSSELS',
  Limburg: 'LIMBURG',
  'Oost-Vlaanderen': 'EAST_FLANDERS',
  'Provincie Antwerpen': 'ANTWERP',
  'Vlaams-Brabant': 'FLEMISH_BRABANT',
  'West-Vlaanderen': 'WEST_FLANDERS',
};
const REGION_BY_T01: Record<string, RegionCode> = {
  'Provincie Antwerpen': 'ANTWERP',
  'Provincie Limburg': 'LIMBURG',
  'Provincie Oost-Vlaanderen': 'EAST_FLANDERS',
  'Provincie Vlaams-Brabant': 'FLEMISH_BRABANT',
  'Provincie West-Vlaanderen': 'WEST_FLANDERS',
};
const regionOf = (agency: string, area: string, byArea: Record<string, RegionCode>): RegionCode | undefined =>
  agency === 'Atlas' ? 'ATLAS' : agency === 'IN-Gent' ? 'IN_GENT' : byArea[area];

export function loadDistributions(codes: Codes): Distributions {
  // t02: persons with a first contract by agency and area.
  const t02 = latest(csv('t02_contracts_by_agency_region.csv'));
  const region = new Weighted<RegionCode>(
    t02.map((r) => {
      const code = regionOf(r.agency!, r.region!, REGION_BY_T02);
      if (!code) throw new Error(`demo generator: t02 area "${r.agency} ${r.region}" unknown`);
      return [code, num(r.count)] as const;
    }),
  );

  // t01: reach of the invitations (registered or not) by agency and province.
  const t01 = latest(csv('t01_reach_by_agency_province.csv'));
  const reach = new Map<RegionCode, { yes: number; all: number }>();
  let yes = 0,
    all = 0;
  for (const r of t01) {
    const code = regionOf(r.agency!, r.province!, REGION_BY_T01);
    if (!code) continue;
    const e = reach.get(code) ?? { yes: 0, all: 0 };
    const n = num(r.count);
    e.all += n;
    all += n;
    if (r.status === 'aangemeld') {
      e.yes += n;
      yes += n;
    }
    reach.set(code, e);
  }
  const registeredShare = Object.fromEntries(
    REGION_CODES.map((c) => {
      const e = reach.get(c);
      return [c, e && e.all ? e.yes / e.all : yes / all];
    }),
  ) as Record<RegionCode, number>;

  // t04: nationality; the group (EU+, third country, unknown) comes with the code.
  const t04 = latest(csv('t04_contracts_by_nationality.csv'));
  const nationality = new Weighted<string>(t04.map((r) => [codes.byLabel('nationality', r.nationality!), num(r.count)] as const));
  const nationalityGroup = (code: string) => String(codes.get('nationality', code)?.attributes?.group ?? 'UNKNOWN');

  const t05 = latest(csv('t05_contracts_by_gender.csv'));
  const count = (rows: CsvRow[], key: string, value: string) => num(rows.find((r) => r[key] === value)?.count);
  const women = count(t05, 'gender', 'Vrouw') / (count(t05, 'gender', 'Vrouw') + count(t05, 'gender', 'Man'));
  const t06 = latest(csv('t06_contracts_by_target_group.csv'));
  const obliged = count(t06, 'target_group', 'Plicht') / (count(t06, 'target_group', 'Plicht') + count(t06, 'target_group', 'Recht'));

  // t07: residence status. Statuses that belong to one nationality group (attributes.nationalityGroup)
  // go to that group; the others ("gezinshereniging met Belg", "onbepaald", …) are shared out so that
  // the EU+ share of t04 holds too.
  const t07 = latest(csv('t07_contracts_by_residence_status.csv')).map((r) => [codes.byLabel('residence_status', r.residence_status!), num(r.count)] as const);
  const total07 = t07.reduce((s, [, n]) => s + n, 0);
  const groupOfStatus = (code: string) => String(codes.get('residence_status', code)?.attributes?.nationalityGroup ?? '');
  const BELGIAN = 'BELG_NIEUWKOMER';
  const neutral = t07.filter(([c]) => !groupOfStatus(c) && c !== BELGIAN);
  const neutralShare = neutral.reduce((s, [, n]) => s + n, 0) / total07;
  const euSpecific = t07.filter(([c]) => groupOfStatus(c) === 'EU_PLUS').reduce((s, [, n]) => s + n, 0) / total07;
  const euShare = nationality.share((n) => nationalityGroup(n) === 'EU_PLUS' && n !== 'BEL');
  const euNeutral = Math.min(1, Math.max(0.05, (euShare - euSpecific) / Math.max(neutralShare, 1e-9)));
  const residenceStatus = {
    EU_PLUS: new Weighted<string>([...t07.filter(([c]) => groupOfStatus(c) === 'EU_PLUS'), ...neutral.map(([c, n]) => [c, n * euNeutral] as const)]),
    THIRD_COUNTRY: new Weighted<string>([
      ...t07.filter(([c]) => groupOfStatus(c) === 'THIRD_COUNTRY'),
      ...neutral.map(([c, n]) => [c, n * (1 - euNeutral)] as const),
    ]),
    BELGIAN: new Weighted<string>([...t07.filter(([c]) => c === BELGIAN), ...neutral.filter(([c]) => c === 'ONBEPAALD')]),
    UNKNOWN: new Weighted<string>(neutral),
  };

  // t10: infringement files by type. The reform of 1 March 2022 ended "onrechtmatig vroegtijdig
  // beëindigd" and brought two new types (valid_from/valid_to in the code list). 2022, the latest
  // year, is the first of the new regime and gives the mix since the reform; 2019–2021 the mix before.
  const t10 = csv('t10_infringement_files_by_type.csv');
  const latestYear = t10.reduce((m, r) => (r.year! > m ? r.year! : m), '');
  const byType = (keep: (year: string) => boolean, on: number) => {
    const sums = new Map<string, number>();
    for (const r of t10) {
      if (!keep(r.year!)) continue;
      const code = codes.byLabel('infringement_type', r.infringement_type!);
      if (!codes.validOn('infringement_type', code, on)) continue;
      sums.set(code, (sums.get(code) ?? 0) + num(r.count));
    }
    // A "na inbreuk niet tijdig aangemeld" follows a first "niet tijdig aangemeld": the generator makes
    // both, so the first type is drawn less often on its own to keep the published mix.
    const late = sums.get('NIET_TIJDIG_AANGEMELD'),
      after = sums.get('NA_INBREUK_NIET_TIJDIG_AANGEMELD');
    if (late !== undefined && after !== undefined) sums.set('NIET_TIJDIG_AANGEMELD', Math.max(0.15 * late, late - after));
    return new Weighted<string>([...sums]);
  };
  const infringementBefore = byType((y) => y < latestYear, REFORM - 1);
  const infringementFrom = byType((y) => y === latestYear, REFORM);

  const t11 = latest(csv('t11_infringement_decisions_by_outcome.csv'));
  const decision = new Weighted<string>(t11.map((r) => [codes.byLabel('infringement_decision', r.decision!), num(r.count)] as const));
  const t12 = csv('t12_fine_amounts.csv');
  const fineAmount = new Weighted<number>(t12.map((r) => [num(r.amount_eur), num(r.number_of_fines)] as const).filter(([a]) => a >= 50 && a <= 5000));

  return {
    // Persons per area so that those who register and sign (t01's share per area) follow t02's split.
    region: new Weighted<RegionCode>(REGION_CODES.map((c) => [c, region.share((x) => x === c) / Math.max(registeredShare[c], 0.05)] as const)),
    registeredShare,
    nationality,
    nationalityGroup,
    women,
    obliged,
    residenceStatus,
    infringementBefore,
    infringementFrom,
    decision,
    fineAmount,
  };
}
