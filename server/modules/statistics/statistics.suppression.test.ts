import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySuppression, disclosedCells, suppressCells, type Cell, type Sum } from './statistics.suppression.ts';
import type { SetResult } from './statistics.types.ts';

const cells = (values: Record<string, number>): Cell[] => Object.entries(values).map(([key, value]) => ({ key, value }));
const all = (c: Cell[]): Sum => ({ cells: c.map((x) => x.key) });

test('cells below the threshold are withheld, zeros and larger cells published', () => {
  const c = cells({ a: 0, b: 3, c: 40, d: 52, e: 7 });
  const withheld = suppressCells({ cells: c, sums: [], threshold: 5 });
  assert.deepEqual([...withheld], [['b', 'primary']]);
});

test('one small cell in a table with a total gets a complementary cell; the checker proves the need', () => {
  const c = cells({ a: 3, b: 40, c: 52, d: 9 });
  const sums = [all(c)];
  assert.deepEqual(disclosedCells({ cells: c, sums, withheld: new Set(['a']) }), ['a'], 'withholding a alone: total − the rest gives it away');
  const withheld = suppressCells({ cells: c, sums, threshold: 5 });
  assert.deepEqual(Object.fromEntries(withheld), { a: 'primary', d: 'complementary' }, 'the smallest other cell is withheld too');
  assert.deepEqual(disclosedCells({ cells: c, sums, withheld: new Set(withheld.keys()) }), []);
});

test('two withheld cells of 1 and 1 are both 1 to a reader: a third is withheld', () => {
  const c = cells({ a: 1, b: 1, c: 30, d: 12 });
  const sums = [all(c)];
  assert.deepEqual(disclosedCells({ cells: c, sums, withheld: new Set(['a', 'b']) }).sort(), ['a', 'b'], 'sum 2 over two cells ≥ 1');
  const withheld = suppressCells({ cells: c, sums, threshold: 5 });
  assert.deepEqual([...withheld.keys()].sort(), ['a', 'b', 'd']);
  assert.deepEqual(disclosedCells({ cells: c, sums, withheld: new Set(withheld.keys()) }), []);
});

test('subtotals: an agency with one small region gets a complement inside that agency', () => {
  // Vlaams Agentschap: regions r1..r4 with a published subtotal; Atlas and IN-Gent without regions; a grand total.
  const c = cells({ atlas: 3900, ingent: 1400, r1: 2, r2: 2100, r3: 2600, r4: 40 });
  const sums: Sum[] = [all(c), { cells: ['r1', 'r2', 'r3', 'r4'] }];
  const withheld = suppressCells({ cells: c, sums, threshold: 5 });
  assert.deepEqual(Object.fromEntries(withheld), { r1: 'primary', r4: 'complementary' });
  assert.deepEqual(disclosedCells({ cells: c, sums, withheld: new Set(withheld.keys()) }), []);
});

test('across breakdowns: nationalities add up to their group, published in another breakdown', () => {
  // Group cells g_eu, g_tc (breakdown nationalityGroup) and nationality cells within them.
  const c = cells({ g_eu: 50, g_tc: 80, be: 2, nl: 48, sy: 70, af: 10 });
  const sums: Sum[] = [
    { cells: ['g_eu', 'g_tc'] },
    { cells: ['be', 'nl', 'sy', 'af'] },
    { cells: ['be', 'nl'], parent: 'g_eu' },
    { cells: ['sy', 'af'], parent: 'g_tc' },
  ];
  // Complementing within the nationality total only (af) leaves be = g_eu − nl: the group sum must be protected too.
  assert.deepEqual(disclosedCells({ cells: c, sums, withheld: new Set(['be', 'af']) }).sort(), ['af', 'be']);
  const withheld = suppressCells({ cells: c, sums, threshold: 5 });
  assert.deepEqual(disclosedCells({ cells: c, sums, withheld: new Set(withheld.keys()) }), []);
  assert.ok(withheld.has('be') && withheld.has('nl'), 'be is hidden with its group partner');
});

test('500 random tables: nothing below the threshold published, nothing withheld derivable', () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  for (let n = 0; n < 500; n++) {
    const groups = int(1, 3);
    const c: Cell[] = [];
    const sums: Sum[] = [];
    for (let g = 0; g < groups; g++) {
      const members: string[] = [];
      for (let i = int(2, 12); i > 0; i--) {
        const key = `g${g}c${i}`;
        c.push({ key, value: random() < 0.15 ? 0 : random() < 0.4 ? int(1, 4) : int(1, 60) });
        members.push(key);
      }
      sums.push({ cells: members });
    }
    sums.push(all(c));
    const threshold = 5;
    let withheld: Map<string, string>;
    try {
      withheld = suppressCells({ cells: c, sums, threshold });
    } catch {
      continue; // a table that cannot be protected is refused, never published half-protected
    }
    for (const cell of c)
      if (cell.value > 0 && cell.value < threshold) assert.ok(withheld.has(cell.key), `table ${n}: ${cell.key} = ${cell.value} is withheld`);
    assert.deepEqual(disclosedCells({ cells: c, sums, withheld: new Set(withheld.keys()) }), [], `table ${n}: no withheld cell can be derived`);
  }
});

test('applySuppression removes withheld values from the result and keeps the totals', () => {
  const labels = (code: string) => ({ gender: { nl: code, fr: code, en: code } });
  const result: SetResult = {
    set: { id: 'x', version: 1, title: { nl: 'x', fr: 'x', en: 'x' } },
    period: { year: 2022, from: '2022-01-01', to: '2023-01-01' },
    asOf: '2023-01-15T00:00:00.000Z',
    current: false,
    computedAt: '2023-01-15T00:00:00.000Z',
    measures: [{ id: 'persons', label: { nl: 'p', fr: 'p', en: 'p' } }],
    dimensions: [{ id: 'gender', label: { nl: 'g', fr: 'g', en: 'g' } }],
    suppression: null,
    breakdowns: [
      {
        id: 'gender',
        title: { nl: 'g', fr: 'g', en: 'g' },
        dimensions: ['gender'],
        subtotals: [],
        total: { persons: 45 },
        cells: [
          { key: { gender: '1' }, labels: labels('1'), values: { persons: 40 }, percentage: 88.9 },
          { key: { gender: '2' }, labels: labels('2'), values: { persons: 3 }, percentage: 6.7 },
          { key: { gender: '0' }, labels: labels('0'), values: { persons: 2 }, percentage: 4.4 },
        ],
      },
    ],
  };
  const safe = applySuppression(result, 5);
  assert.deepEqual(safe.suppression, { threshold: 5 });
  const [m, f, u] = safe.breakdowns[0]!.cells;
  assert.equal(m!.values.persons, 40, 'two withheld cells adding up to 5 protect each other: 3 + 2 or 4 + 1');
  assert.deepEqual([f!.suppressed, u!.suppressed, m!.suppressed], ['primary', 'primary', undefined]);
  assert.deepEqual(f!.values, {}, 'no value of a withheld cell in the output');
  assert.equal(f!.percentage, undefined);
  assert.deepEqual(safe.breakdowns[0]!.total, { persons: 45 }, 'the total stays published');
  assert.equal(result.breakdowns[0]!.cells[1]!.values.persons, 3, 'the input is not changed');
});
