/**
 * The shapes of the statistics module: a base set's definition (data, versioned in the database),
 * and the result of computing it for a reference period as KBI knew the data at a moment.
 *
 * A base set (basisset, seed 000 §6) counts one kind of unit (a person with a first contract, an
 * infringement case, a fine, an exchange …) over a reference period. Its definition gives one SQL
 * query that yields the units with their dimension columns; the engine groups them once per
 * breakdown (GROUPING SETS), so every breakdown of a set counts the same units from another angle
 * and all of them share one total.
 */

/** A text in the three languages of the app. */
export interface LocalText {
  nl: string;
  fr: string;
  en: string;
}

export interface DimensionDef {
  /** Column of the unit query, and the dimension's id. */
  id: string;
  label: LocalText;
  /**
   * Where the values' labels come from:
   *  - `code`: code list(s) `codeList` (the first list that has the code); the printed label is
   *    attributes.statisticsLabel, else label_nl (or label_nl when `printed` says so);
   *  - `values`: the labels listed here;
   *  - `organisation`: the organisation's name (the value is its id);
   *  - `month` (YYYY-MM), `number`: the value itself.
   */
  kind: 'code' | 'values' | 'organisation' | 'month' | 'number';
  codeList?: string | readonly string[];
  printed?: 'label_nl' | 'statisticsLabel';
  values?: readonly { code: string; label: LocalText }[];
}

export interface MeasureDef {
  id: string;
  label: LocalText;
  /** An aggregate over the unit query's columns, e.g. `count(*)`, `count(DISTINCT person_id)`, `sum(amount)`. */
  sql: string;
}

export interface BreakdownDef {
  /** Unique within the set, e.g. `agencyRegion`, `nationality`. */
  id: string;
  title: LocalText;
  /** Dimensions crossed in this breakdown (zero: the total only). */
  dimensions: readonly string[];
  /**
   * The published table this breakdown reproduces (file name in shared/reference, without .csv),
   * e.g. `t02_contracts_by_agency_region`.
   */
  reference?: string;
  /** Show each cell's share of the total (DISCIMUS enrolled / not enrolled). */
  percentages?: boolean;
  /**
   * Sums a reader can form from the cells: with dimensions [agency, region] the cells of one agency
   * add up to that agency's published subtotal. Small-cell protection must keep those sums from
   * giving away a suppressed cell. Each entry is a dimension whose values group the cells.
   */
  subtotals?: readonly string[];
}

/** A known break in the series: counting or law changed on a date, years before and after differ. */
export interface SeriesBreak {
  on: string;
  text: LocalText;
}

/** What the documentation page of a set says (seed 000 §6: one documentation platform). */
export interface SetDocumentation {
  population: LocalText;
  countingUnit: LocalText;
  periodRule: LocalText;
  /** How the figures can be read, and what they do not say. */
  notes?: LocalText;
  breaks: readonly SeriesBreak[];
  /** Sources: the answers to parliament the published tables come from (a version stored before 2026-12 names them in Dutch only). */
  sources?: readonly (LocalText | string)[];
}

/**
 * One base set, as written in `statistics.sets.ts` and stored per version in
 * `statistics_definitions`. The query is SQL with two kinds of placeholders:
 *  - `{{table}}` for a table of the dossier store: the table itself now, or its rows as known at
 *    the as-of moment (current rows recorded by then, plus history rows that were current then);
 *  - `:from`, `:to` (the reference period, dates, `to` exclusive) and `:asOf` (timestamptz).
 * It must return one row per unit with a `person_id` column (the person the unit concerns, for
 * restatements; null where there is none) and one column per dimension.
 */
export interface SetDefinition {
  id: string;
  title: LocalText;
  description: LocalText;
  /** The reference period a request chooses: a calendar year (Belgian calendar). */
  period: 'year';
  documentation: SetDocumentation;
  dimensions: readonly DimensionDef[];
  measures: readonly MeasureDef[];
  breakdowns: readonly BreakdownDef[];
  query: string;
}

/** A definition as stored: one version of a set. */
export interface SetVersion {
  id: string;
  version: number;
  definition: SetDefinition;
  contentHash: string;
  createdAt: string;
  validations: Validation[];
}

export interface Validation {
  version: number;
  validatedBy: string;
  validatedByName: string | null;
  validatedAt: string;
  note: string | null;
}

export interface Period {
  /** The reference year. */
  year: number;
  /** First day (inclusive) and the day after the last (exclusive), ISO dates. */
  from: string;
  to: string;
}

/** One cell of a breakdown: the dimension values (codes, null for "not known") and the measures. */
export interface ResultCell {
  /** Dimension id → code (or null). */
  key: Record<string, string | null>;
  /** Dimension id → label: nl is the printed label of the published tables; fr and en from the code lists. */
  labels: Record<string, LocalText>;
  values: Record<string, number>;
  /** Share of the breakdown's total of the first measure, 0–100, when the breakdown asks for it. */
  percentage?: number;
  /** Small-cell protection: the value is withheld (values are then null in a publication's output). */
  suppressed?: 'primary' | 'complementary';
}

export interface BreakdownResult {
  id: string;
  title: LocalText;
  dimensions: string[];
  cells: ResultCell[];
  /** Subtotals per value of a subtotal dimension (e.g. per agency). */
  subtotals: { dimension: string; code: string | null; label: LocalText; values: Record<string, number>; suppressed?: 'primary' | 'complementary' }[];
  total: Record<string, number>;
}

export interface SetResult {
  set: { id: string; version: number; title: LocalText };
  period: Period;
  /** The moment whose knowledge the figures show ("situation on"). */
  asOf: string;
  /** True when asOf is the moment of computing (the figures may still change). */
  current: boolean;
  computedAt: string;
  measures: { id: string; label: LocalText }[];
  dimensions: { id: string; label: LocalText }[];
  breakdowns: BreakdownResult[];
  /** Small-cell protection applied, if any: cells below this value are withheld. */
  suppression: { threshold: number } | null;
}
