import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { toCsv, toXlsx } from './statistics.export.ts';
import type { SetResult } from './statistics.types.ts';

const L = (nl: string, en = nl) => ({ nl, fr: nl, en });

/** firstContracts 2022 as known on 15/1/2023: agency × region with the agencies' subtotals, and gender; one cell withheld. */
function sample(): SetResult {
  const cell = (agency: string, region: string | null, regionLabel: string | null, persons: number, suppressed?: 'primary') => ({
    key: { agency, region },
    labels: { agency: L(agency === 'AGII' ? 'Vlaams Agentschap' : agency), region: L(regionLabel ?? 'onbekend') },
    values: (suppressed ? {} : { persons }) as Record<string, number>,
    ...(suppressed ? { suppressed } : {}),
  });
  return {
    set: { id: 'firstContracts', version: 3, title: L('Personen met een inburgeringscontract', 'Persons with an integration contract') },
    period: { year: 2022, from: '2022-01-01', to: '2023-01-01' },
    asOf: '2023-01-15T10:00:00Z',
    current: false,
    computedAt: '2023-01-15T10:00:00Z',
    measures: [{ id: 'persons', label: L('Personen', 'Persons') }],
    dimensions: [
      { id: 'agency', label: L('Agentschap', 'Agency') },
      { id: 'region', label: L('Regio', 'Region') },
      { id: 'gender', label: L('Geslacht', 'Gender') },
    ],
    suppression: { threshold: 5 },
    breakdowns: [
      {
        id: 'agencyRegion',
        title: L('Per agentschap en regio', 'By agency and region'),
        dimensions: ['agency', 'region'],
        cells: [
          cell('Atlas', null, null, 4607),
          cell('AGII', 'LIMBURG', 'Limburg', 2412),
          cell('AGII', 'BRUSSELS', 'Brussels Hoofdstedelijk Gewest', 3, 'primary'),
        ],
        subtotals: [
          { dimension: 'agency', code: 'Atlas', label: L('Atlas'), values: { persons: 4607 } },
          { dimension: 'agency', code: 'AGII', label: L('Vlaams Agentschap'), values: { persons: 2415 } },
        ],
        total: { persons: 7022 },
      },
      {
        id: 'gender',
        title: L('Per geslacht', 'By gender'),
        dimensions: ['gender'],
        cells: [
          { key: { gender: '1' }, labels: { gender: L('Man') }, values: { persons: 3100 }, percentage: 44.1 },
          { key: { gender: '2' }, labels: { gender: L('Vrouw') }, values: { persons: 3922 }, percentage: 55.9 },
        ],
        subtotals: [],
        total: { persons: 7022 },
      },
    ],
  };
}

test('CSV: one tidy row per number, the context on every row, withheld cells empty and marked', () => {
  const rows = parse(toCsv(sample(), 'nl', true), { columns: true }) as Record<string, string>[];
  const limburg = rows.find((r) => r.breakdown === 'agencyRegion' && r.region === 'Limburg')!;
  assert.equal(limburg.persons, '2412');
  assert.equal(limburg.as_of, '2023-01-15T10:00:00Z');
  assert.equal(limburg.provisional, 'true');
  const brussels = rows.find((r) => r.region === 'Brussels Hoofdstedelijk Gewest')!;
  assert.deepEqual([brussels.persons, brussels.suppressed], ['', 'primary']);
  const totals = rows.filter((r) => r.row === 'total');
  assert.deepEqual(
    totals.map((r) => [r.breakdown, r.persons]),
    [
      ['agencyRegion', '7022'],
      ['gender', '7022'],
    ],
  );
  assert.equal(rows.filter((r) => r.row === 'subtotal').length, 2);
  assert.equal(rows.find((r) => r.gender === 'Vrouw')!.percentage, '55.9');
});

test('XLSX: a notice with the situation line, a sheet per breakdown with subtotals, total and x for withheld cells', async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await toXlsx(sample(), 'nl', true)) as unknown as ArrayBuffer);
  assert.deepEqual(
    wb.worksheets.map((w) => w.name),
    ['Toelichting', 'Per agentschap en regio', 'Per geslacht'],
  );
  const notice = wb.getWorksheet('Toelichting')!;
  const texts: string[] = [];
  notice.eachRow((row) => row.eachCell((c) => texts.push(String(c.value))));
  assert.ok(texts.includes('Toestand op 15/01/2023 (voorlopige cijfers, kunnen nog wijzigen)'), texts.join(' | '));
  const sheet = wb.getWorksheet('Per agentschap en regio')!;
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  assert.equal(rows[1]![0], 'Toestand op 15/01/2023 (voorlopige cijfers, kunnen nog wijzigen)');
  assert.deepEqual(rows[2], ['Agentschap', 'Regio', 'Personen'], 'title, situation, an empty row, the header');
  assert.deepEqual(rows[3], ['Atlas', 'onbekend', 4607]);
  assert.equal(rows[4]![0], 'Subtotaal Atlas', 'the subtotal under its group');
  const limburg = rows.find((r) => r[1] === 'Limburg')!;
  assert.equal(limburg[2], 2412, 'numbers are numbers');
  assert.deepEqual(rows.find((r) => r[1] === 'Brussels Hoofdstedelijk Gewest')!.slice(2), ['x']);
  const subtotal = rows.find((r) => r[0] === 'Subtotaal Vlaams Agentschap')!;
  assert.equal(subtotal[2], 2415);
  const total = rows.find((r) => r[0] === 'Totaal')!;
  assert.equal(total[2], 7022);
  assert.equal(sheet.getRow(rows.indexOf(total) + 1).font?.bold, true, 'the total row is bold');
  const gender = wb.getWorksheet('Per geslacht')!;
  assert.equal(gender.getRow(5).getCell(3).value, 0.441, 'percentages as fractions, formatted 0.0 %');
  assert.equal(gender.getRow(5).getCell(3).numFmt, '0.0%');
});
