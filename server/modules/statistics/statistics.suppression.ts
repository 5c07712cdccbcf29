/**
 * Small-cell protection for published figures. A cell counting 1 … k−1 units is withheld (primary
 * suppression; a zero is published: it is nobody). Then complementary cells are withheld until no
 * withheld value can be worked out from what is published: the other cells, the totals and the
 * subtotals (which are always published), and the fact that a withheld cell is at least 1.
 *
 * The reader's knowledge is a set of sums: each names cells whose values add up to a published
 * number (a breakdown's total; an agency's subtotal; the cells of one nationality group adding up
 * to that group's cell in another breakdown). `disclosedCells` checks a withholding exactly for
 * equalities (Gaussian elimination over the rationals) and, per sum, for the bound attack (two
 * withheld cells that add up to 2 are both 1). It does not solve the full integer programme across
 * several sums at once; `suppressCells` is conservative enough for the tables KBI publishes (each
 * cell in at most a total and one group sum), and the tests check it on random tables.
 */
import type { BreakdownResult, SetResult } from './statistics.types.ts';

export interface Cell {
  key: string;
  value: number;
}
export interface Sum {
  cells: readonly string[];
  /**
   * When the sum's value is itself a cell of the table (a nationality group's cell, which its
   * nationalities add up to): that cell's key. If it is withheld too, the sum tells a reader only
   * that the cells add up to it.
   */
  parent?: string;
}
export interface SuppressionInput {
  cells: readonly Cell[];
  /** Sums a reader can form: the listed cells add up to a published value (their true sum). */
  sums: readonly Sum[];
  threshold: number;
}

/**
 * A published total or subtotal gives away a small cell whatever else is withheld (e.g. a total of
 * 3 over one cell): such a table cannot be published at this threshold.
 */
export class UnprotectableTable extends Error {
  constructor(readonly cells: string[]) {
    super(`small-cell protection: a published total gives away ${cells.join(', ')} whatever else is withheld`);
  }
}

/** Which cells to withhold, and why. Throws when a sum leaves no cell to complete the protection. */
export function suppressCells(input: SuppressionInput): Map<string, 'primary' | 'complementary'> {
  const value = new Map(input.cells.map((c) => [c.key, c.value]));
  const withheld = new Map<string, 'primary' | 'complementary'>();
  for (const c of input.cells) if (c.value > 0 && c.value < input.threshold) withheld.set(c.key, 'primary');
  const smallestPublished = (keys: readonly string[]) =>
    keys.filter((k) => !withheld.has(k) && (value.get(k) ?? 0) > 0).sort((a, b) => value.get(a)! - value.get(b)! || keys.indexOf(a) - keys.indexOf(b))[0];
  for (;;) {
    // Within each sum: repeat until every sum protects its withheld cells (a newly withheld cell may expose another sum).
    for (let changed = true; changed;) {
      changed = false;
      for (const sum of input.sums) {
        while (exposed(sum, value, withheld)) {
          const candidate = smallestPublished([...sum.cells, ...(sum.parent !== undefined ? [sum.parent] : [])]);
          if (!candidate) throw new UnprotectableTable(sum.cells.filter((k) => withheld.has(k)));
          withheld.set(candidate, 'complementary');
          changed = true;
        }
      }
    }
    // Across sums: the exact check; a cell still derivable gets one more complement in a sum it is part of.
    const leaked = disclosedCells({ cells: input.cells, sums: input.sums, withheld: new Set(withheld.keys()) });
    if (!leaked.length) break;
    const candidate = input.sums
      .filter((s) => leaked.some((k) => s.cells.includes(k) || s.parent === k))
      .map((s) => smallestPublished([...s.cells, ...(s.parent !== undefined ? [s.parent] : [])]))
      .find((k) => k !== undefined);
    if (!candidate) throw new UnprotectableTable(leaked);
    withheld.set(candidate, 'complementary');
  }
  return withheld;
}

/**
 * Could a reader work out a withheld cell from this one sum? Yes when it is the only withheld cell,
 * or when the withheld cells add up to no more than their count (each is ≥ 1, so all are 1).
 */
function exposed(sum: Sum, value: ReadonlyMap<string, number>, withheld: ReadonlyMap<string, unknown>): boolean {
  const hidden = sum.cells.filter((k) => withheld.has(k));
  if (sum.parent !== undefined && withheld.has(sum.parent)) return hidden.length === 0; // the parent alone equals its published cells
  if (!hidden.length) return false;
  const total = hidden.reduce((n, k) => n + (value.get(k) ?? 0), 0);
  return hidden.length === 1 || total <= hidden.length;
}

// ---- The checker ------------------------------------------------------------------------------------

/** Exact rational arithmetic on bigint numerator/denominator pairs. */
type Q = [bigint, bigint];
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
const norm = ([n, d]: Q): Q => {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return [n / g, d / g];
};
const sub = (a: Q, b: Q): Q => norm([a[0] * b[1] - b[0] * a[1], a[1] * b[1]]);
const mul = (a: Q, b: Q): Q => norm([a[0] * b[0], a[1] * b[1]]);
const div = (a: Q, b: Q): Q => norm([a[0] * b[1], a[1] * b[0]]);
const isZero = (a: Q) => a[0] === 0n;

/**
 * The withheld cells a reader can derive exactly: by linear algebra over all sums together
 * (a withheld cell whose unit vector lies in the row space of the sums' equations), and by the
 * bound attack within each sum.
 */
export { numbersOf };
export function disclosedCells(input: { cells: readonly Cell[]; sums: readonly Sum[]; withheld: ReadonlySet<string> }): string[] {
  const unknowns = input.cells.filter((c) => input.withheld.has(c.key)).map((c) => c.key);
  const index = new Map(unknowns.map((k, i) => [k, i]));
  const value = new Map(input.cells.map((c) => [c.key, c.value]));
  // Each sum, restricted to its withheld cells, is one equation; the published part moves to the right.
  const rows: Q[][] = input.sums
    .map((s) => {
      const row: Q[] = unknowns.map(() => [0n, 1n] as Q);
      for (const k of s.cells) if (index.has(k)) row[index.get(k)!] = [1n, 1n];
      if (s.parent !== undefined && index.has(s.parent)) row[index.get(s.parent)!] = [-1n, 1n];
      return row;
    })
    .filter((r) => r.some((x) => !isZero(x)));
  // Reduced row echelon form.
  const pivots: number[] = [];
  let r = 0;
  for (let c = 0; c < unknowns.length && r < rows.length; c++) {
    const p = rows.findIndex((row, i) => i >= r && !isZero(row[c]!));
    if (p < 0) continue;
    [rows[r], rows[p]] = [rows[p]!, rows[r]!];
    const lead = rows[r]![c]!;
    rows[r] = rows[r]!.map((x) => div(x, lead));
    for (let i = 0; i < rows.length; i++)
      if (i !== r && !isZero(rows[i]![c]!)) {
        const f = rows[i]![c]!;
        rows[i] = rows[i]!.map((x, j) => sub(x, mul(f, rows[r]![j]!)));
      }
    pivots.push(c);
    r++;
  }
  const disclosed = new Set<string>();
  // A pivot row with no other unknown left pins its unknown down.
  pivots.forEach((c, i) => {
    if (rows[i]!.every((x, j) => j === c || isZero(x))) disclosed.add(unknowns[c]!);
  });
  for (const s of input.sums) {
    if (s.parent !== undefined && input.withheld.has(s.parent)) continue;
    const hidden = s.cells.filter((k) => input.withheld.has(k));
    const total = hidden.reduce((n, k) => n + (value.get(k) ?? 0), 0);
    if (hidden.length && total <= hidden.length) for (const k of hidden) disclosed.add(k);
  }
  return unknowns.filter((k) => disclosed.has(k));
}

// ---- On a result ---------------------------------------------------------------------------------

const cellKey = (breakdown: string, key: Record<string, string | null>) => `${breakdown}|${JSON.stringify(key)}`;
const subtotalKey = (breakdown: string, dimension: string, code: string | null) => `${breakdown}|subtotal|${dimension}|${code}`;

/** Every number of a result a reader sees, cells and subtotals, by key (first measure). */
function numbersOf(result: SetResult): Cell[] {
  const m = result.measures[0]!.id;
  return result.breakdowns.flatMap((b) => [
    ...b.cells.map((c) => ({ key: cellKey(b.id, c.key), value: c.values[m] ?? 0 })),
    ...b.subtotals.map((s) => ({ key: subtotalKey(b.id, s.dimension, s.code), value: s.values[m] ?? 0 })),
  ]);
}

/**
 * The sums a reader of a result can form: per breakdown the cells and the subtotals each add up
 * to the (published) total, the cells of a group add up to their subtotal, and across breakdowns
 * the cells of a finer dimension add up to the cell of their group in another breakdown
 * (nationality within nationality group), as `groupOf` says.
 */
export function sumsOf(
  result: SetResult,
  groupOf?: (dimension: string, code: string | null) => { breakdown: string; key: Record<string, string | null> } | null,
): Sum[] {
  const sums: Sum[] = [];
  for (const b of result.breakdowns) {
    sums.push({ cells: b.cells.map((c) => cellKey(b.id, c.key)) });
    for (const dimension of new Set(b.subtotals.map((s) => s.dimension))) {
      const subs = b.subtotals.filter((s) => s.dimension === dimension);
      sums.push({ cells: subs.map((s) => subtotalKey(b.id, dimension, s.code)) });
      for (const s of subs)
        sums.push({ cells: b.cells.filter((c) => c.key[dimension] === s.code).map((c) => cellKey(b.id, c.key)), parent: subtotalKey(b.id, dimension, s.code) });
    }
    if (groupOf && b.dimensions.length === 1) {
      const groups = new Map<string, string[]>();
      for (const c of b.cells) {
        const parent = groupOf(b.dimensions[0]!, c.key[b.dimensions[0]!] ?? null);
        if (!parent) continue;
        const id = cellKey(parent.breakdown, parent.key);
        groups.set(id, [...(groups.get(id) ?? []), cellKey(b.id, c.key)]);
      }
      for (const [parent, children] of groups) sums.push({ cells: children, parent });
    }
  }
  return sums;
}

/**
 * A copy of the result with small numbers withheld — cells and subtotals — (values and percentage
 * removed, `suppressed` set). The grand total stays published. Cross-breakdown sums: nationality
 * within nationality group (`nationalityGroups`: nationality code → group code).
 */
export function applySuppression(result: SetResult, threshold: number, nationalityGroups?: ReadonlyMap<string, string>): SetResult {
  const cells = numbersOf(result);
  const groupBreakdown = result.breakdowns.find((b) => b.dimensions.length === 1 && b.dimensions[0] === 'nationality_group');
  const groupOf =
    groupBreakdown && nationalityGroups
      ? (dimension: string, code: string | null) =>
          dimension === 'nationality'
            ? { breakdown: groupBreakdown.id, key: { nationality_group: code ? (nationalityGroups.get(code) ?? 'UNKNOWN') : 'UNKNOWN' } }
            : null
      : undefined;
  const sums = sumsOf(result, groupOf);
  const withheld = suppressCells({ cells, sums, threshold });
  const hide = (b: BreakdownResult): BreakdownResult => ({
    ...b,
    cells: b.cells.map((c) => {
      const why = withheld.get(cellKey(b.id, c.key));
      if (!why) return c;
      const { percentage: _, ...rest } = c;
      return { ...rest, values: {}, suppressed: why };
    }),
    subtotals: b.subtotals.map((s) => {
      const why = withheld.get(subtotalKey(b.id, s.dimension, s.code));
      return why ? { ...s, values: {}, suppressed: why } : s;
    }),
  });
  return { ...result, breakdowns: result.breakdowns.map(hide), suppression: { threshold } };
}
