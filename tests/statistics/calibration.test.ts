/**
 * Issue 12 acceptance: `kbi seed --calibrate` builds a population whose base sets reproduce the
 * published tables t02–t18 (seed 004) cell by cell. The comparison report goes to the test output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { TEST_DATABASES } from '../support/databases.ts';
import { generateCalibratedPopulation } from '../../server/modules/demo/calibrate.ts';
import { computeSet, periodOfYear } from '../../server/modules/statistics/statistics.engine.ts';
import { historyTables } from '../../server/modules/statistics/statistics.service.ts';
import { BASE_SETS } from '../../server/modules/statistics/statistics.sets.ts';

type Row = Record<string, string>;
const reference = (name: string): Row[] =>
  parse(readFileSync(new URL(`../../server/modules/demo/reference/${name}.csv`, import.meta.url), 'utf8'), {
    columns: true,
    skip_empty_lines: true,
    bom: true,
  });
const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase();

/**
 * Where the published tables contradict each other, the finer detail rows win and the coarser
 * table shows the contradiction. Table 3 (nationality groups) does not add up from table 4
 * (nationalities) under KBI's grouping (code list nationality, attributes.group: EU+ = EU, EEA,
 * Switzerland, United Kingdom): 3 persons in 2020 and 2 in 2021 that table 4's nationalities make
 * EU+ are "derdelander" in table 3. No single nationality has those counts; the source does not say
 * how it grouped. Listed here so that the report shows them and any other difference fails.
 */
const SOURCE_MISMATCHES = [
  't03_contracts_by_nationality_group 2020 derdelander persons: published 14331, computed 14328',
  't03_contracts_by_nationality_group 2020 eu+ persons: published 3637, computed 3640',
  't03_contracts_by_nationality_group 2021 derdelander persons: published 18468, computed 18466',
  't03_contracts_by_nationality_group 2021 eu+ persons: published 4469, computed 4471',
];

for (const which of TEST_DATABASES) {
  test(`the calibrated population reproduces every cell of t02–t18 (${which.name})`, { timeout: 900_000 }, async (t) => {
    const database = await which.open();
    t.after(() => database.close());
    const seeded = await generateCalibratedPopulation(database, { seed: 1 });
    t.diagnostic(
      `calibrated population: ${seeded.persons} persons, ${Object.values(seeded.rows).reduce((a, b) => a + b, 0)} rows in ${seeded.seconds.toFixed(1)} s`,
    );
    const versioned = await historyTables(database.db);

    const report: string[] = [];
    let compared = 0;
    const differences: string[] = [];
    for (const def of BASE_SETS) {
      for (const b of def.breakdowns.filter((x) => x.reference && /^t(0[2-9]|1[0-8])_/.test(x.reference))) {
        const rows = reference(b.reference!);
        const years = [...new Set(rows.map((r) => r.year ?? '2022'))].sort();
        let equal = 0;
        const diffs: string[] = [];
        for (const year of years) {
          const result = await computeSet(database.db, def, 1, { period: periodOfYear(Number(year)), asOf: null, versioned });
          const breakdown = result.breakdowns.find((x) => x.id === b.id)!;
          // A published row's label columns (all but year and the figures), against the cell's printed labels.
          const actual = new Map<string, Record<string, number>>();
          for (const c of breakdown.cells) actual.set(b.dimensions.map((d) => (c.key[d] === null ? '' : norm(c.labels[d]!.nl))).join('|'), c.values);
          const seen = new Set<string>();
          for (const r of rows.filter((x) => (x.year ?? '2022') === year)) {
            const labels = Object.entries(r)
              .filter(([k]) => !['year', 'count', 'number_of_fines', 'total_amount_eur'].includes(k))
              .map(([, v]) => norm(v));
            const key = b.dimensions.length ? labels.join('|') : '';
            seen.add(key);
            const got = actual.get(key) ?? {};
            const expected: [string, number, number][] =
              def.id === 'fineAmounts'
                ? [
                    ['fines', Number(r.number_of_fines), got.fines ?? 0],
                    ['totalAmount', Number(r.total_amount_eur), got.totalAmount ?? 0],
                  ]
                : [[def.measures[0]!.id, Number(r.count), got[def.measures[0]!.id] ?? 0]];
            for (const [m, want, have] of expected) {
              compared++;
              if (want === have) equal++;
              else diffs.push(`${year} ${key || 'total'} ${m}: published ${want}, computed ${have}`);
            }
          }
          for (const [key, values] of actual)
            if (!seen.has(key) && Object.values(values).some((v) => v !== 0))
              diffs.push(`${year} ${key}: computed ${JSON.stringify(values)}, not in the published table`);
        }
        report.push(
          `${b.reference}: ${equal} of ${equal + diffs.filter((d) => !d.includes('not in the published')).length} cells equal${diffs.length ? `; differences: ${diffs.slice(0, 5).join('; ')}` : ''}`,
        );
        differences.push(...diffs.map((d) => `${b.reference} ${d}`));
      }
    }
    report.push(
      `Source contradictions kept visible (t03 against t04 under KBI's nationality grouping): ${SOURCE_MISMATCHES.join('; ')}.`,
      'The source itself (reference/README.md): t02 2021 prints the Vlaams Agentschap subtotal as 16.005 where its regions add up to 16.006; t08 prints a total of 66.128 where the years add up to 66.130. The detail rows are reproduced above, not the printed totals.',
    );
    for (const line of report) t.diagnostic(line);
    console.log(`\nCalibration report (${which.name}), ${compared} published cells compared:\n  ${report.join('\n  ')}\n`);
    const expectedCells = BASE_SETS.flatMap((d) => d.breakdowns)
      .filter((b) => b.reference && /^t(0[2-9]|1[0-8])_/.test(b.reference))
      .reduce((n, b) => n + reference(b.reference!).length * (b.reference!.startsWith('t12') ? 2 : 1), 0);
    assert.equal(compared, expectedCells, 'every published cell of t02–t18 is compared');
    assert.deepEqual(differences, SOURCE_MISMATCHES, 'every published cell is reproduced, but for the contradictions of the source itself');
  });
}
