/**
 * The statistics portal's API: every base set computes now and as known on an earlier date, all
 * breakdowns of a set count the same units, and only roles with the statistics capabilities see them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';
import { generateDemoData } from '../../server/modules/demo/generator.ts';
import { sql } from 'kysely';
import ExcelJS from 'exceljs';
import { BASE_SETS } from '../../server/modules/statistics/statistics.sets.ts';
import { disclosedCells, numbersOf, sumsOf } from '../../server/modules/statistics/statistics.suppression.ts';

for (const which of TEST_DATABASES) {
  test(`every base set computes for a year, now and as known on a date, with consistent breakdowns (${which.name})`, async (t) => {
    const app = await startTestApp(t, which);
    await generateDemoData(app.database, { persons: 400, seed: 7 });
    const analyst = await app.as('MONITORING_ANALYST');

    const { sets } = await expectOk(await analyst.call('GET', '/api/v1/statistics/sets'));
    assert.deepEqual(
      sets.map((s: any) => s.id),
      BASE_SETS.map((s) => s.id),
      'the portal lists the definitions stored from statistics.sets.ts, in their order',
    );
    assert.ok(sets.length >= 14, 'at least the 14 base sets of seed 000');

    // A world with a past: a corrected person's dossier as known before the correction shows the earlier value,
    // and a year's figures as known shortly after it differ from today's.
    const h = await sql<{ id: string; nationality: string; sys_to: Date }>`SELECT id, nationality, sys_to FROM persons_history ORDER BY sys_to LIMIT 1`.execute(
      app.database.db,
    );
    assert.ok(h.rows.length, 'the demo world has corrected persons');
    const corrected = h.rows[0]!;
    const before = new Date(new Date(corrected.sys_to).getTime() - 1000).toISOString();
    const then = await expectOk(await app.call('GET', `/api/v1/persons/${corrected.id}/dossier?asOf=${encodeURIComponent(before)}`));
    const today = await expectOk(await app.call('GET', `/api/v1/persons/${corrected.id}/dossier`));
    assert.equal(then.person.nationality, corrected.nationality);
    assert.notEqual(today.person.nationality, then.person.nationality, 'the correction is visible as a difference in the dossier');
    const figure = async (asOf?: string) =>
      (await expectOk(await analyst.call('GET', `/api/v1/statistics/sets/firstContracts/result?year=2023${asOf ? `&asOf=${asOf}` : ''}`))).breakdowns[0].total
        .persons;
    const early = await figure('2023-10-31');
    const late = await figure();
    assert.ok(
      early > 0 && early < late,
      `2023 as known on 31/10/2023 (${early}) is smaller than as known today (${late}): the rest of the year was not known yet`,
    );

    let nonEmpty = 0;
    for (const set of sets) {
      for (const asOf of [undefined, '2025-06-30']) {
        const path = `/api/v1/statistics/sets/${set.id}/result?year=2024${asOf ? `&asOf=${asOf}` : ''}`;
        const result = await expectOk(await analyst.call('GET', path));
        assert.equal(result.set.id, set.id);
        assert.equal(result.breakdowns.length, set.breakdowns.length);
        const def = BASE_SETS.find((s) => s.id === set.id)!;
        // Every unit is in exactly one cell of each breakdown: for count(*) measures the cells add up to the total.
        for (const b of result.breakdowns)
          for (const m of def.measures.filter((x) => x.sql === 'count(*)' || set.id === 'firstContracts' || set.id === 'certificates')) {
            const sum = b.cells.reduce((n: number, c: any) => n + c.values[m.id], 0);
            assert.equal(sum, b.total[m.id], `${set.id}.${b.id}: cells add up to the total of ${m.id}`);
          }
        if (!asOf && result.breakdowns[0].total[def.measures[0]!.id] > 0) nonEmpty++;
      }
    }
    assert.ok(nonEmpty >= 8, `most sets have figures for 2024 in the demo world (${nonEmpty})`);

    // Small-cell protection on a publication: nothing below the threshold, nothing withheld derivable from the sums.
    const set = await expectOk(await analyst.call('GET', '/api/v1/statistics/sets/firstContracts'));
    await expectOk(await analyst.call('POST', `/api/v1/statistics/sets/firstContracts/versions/${set.version}/validations`, {}), 201);
    const asOf = new Date().toISOString();
    const raw = await expectOk(await analyst.call('GET', `/api/v1/statistics/sets/firstContracts/result?year=2021&asOf=${encodeURIComponent(asOf)}`));
    const published = await expectOk(
      await analyst.call('POST', '/api/v1/statistics/publications', { setId: 'firstContracts', year: 2021, asOf, provisional: true, threshold: 3 }),
      201,
    );
    const result = published.result;
    assert.deepEqual(result.suppression, { threshold: 3 });
    const cellKey = (b: string, key: unknown) => `${b}|${JSON.stringify(key)}`;
    const values = numbersOf(raw);
    const withheld = new Set<string>([
      ...result.breakdowns.flatMap((b: any) => b.cells.filter((c: any) => c.suppressed).map((c: any) => cellKey(b.id, c.key))),
      ...result.breakdowns.flatMap((b: any) => b.subtotals.filter((s: any) => s.suppressed).map((s: any) => `${b.id}|subtotal|${s.dimension}|${s.code}`)),
    ]);
    assert.ok(withheld.size > 0, 'the demo world has small cells (nationalities)');
    for (const v of values) if (v.value > 0 && v.value < 3) assert.ok(withheld.has(v.key), `${v.key} (${v.value}) is withheld`);
    for (const b of result.breakdowns) for (const c of b.cells) if (c.suppressed) assert.deepEqual(c.values, {}, 'no value of a withheld cell is sent');
    const groups = new Map<string, string>(
      (
        await app.database.db
          .selectFrom('code_list')
          .select(['code', sql<string>`attributes->>'group'`.as('g')])
          .where('list', '=', 'nationality')
          .execute()
      ).map((r) => [r.code, r.g]),
    );
    const groupBreakdown = 'nationalityGroup';
    const sums = sumsOf(raw, (dim, code) =>
      dim === 'nationality' ? { breakdown: groupBreakdown, key: { nationality_group: code ? (groups.get(code) ?? 'UNKNOWN') : 'UNKNOWN' } } : null,
    );
    assert.deepEqual(disclosedCells({ cells: values, sums, withheld }), [], 'solving the sums gives no withheld cell');
    const tooHigh = await analyst.call('POST', '/api/v1/statistics/publications', {
      setId: 'firstContracts',
      year: 2021,
      asOf,
      provisional: true,
      threshold: 101,
    });
    assert.equal(tooHigh.status, 400);

    // Downloads: XLSX and CSV carry the numbers of the JSON answer.
    const xlsx = await fetch(`${app.base}/api/v1/statistics/sets/firstContracts/result?year=2021&asOf=${encodeURIComponent(asOf)}&format=xlsx`, {
      headers: { cookie: analyst.cookie },
    });
    assert.equal(xlsx.status, 200);
    assert.match(xlsx.headers.get('content-disposition') ?? '', /attachment; filename="firstContracts-2021-/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const genderSheet = wb.worksheets.find((w) => w.name === 'Per geslacht')!;
    const totalRow = genderSheet.getRows(1, genderSheet.rowCount)!.find((r) => r.getCell(1).value === 'Totaal')!;
    assert.equal(totalRow.getCell(2).value, raw.breakdowns.find((b: any) => b.id === 'gender').total.persons, 'the XLSX total is the JSON total');
    const csv = await analyst.call('GET', `/api/v1/statistics/sets/firstContracts/result?year=2021&asOf=${encodeURIComponent(asOf)}&format=csv&lang=en`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.ok(String(csv.body).startsWith('set,version,year,as_of,provisional,breakdown,row,'));

    // Bad input names the field and computes nothing; other roles are refused.
    const future = await analyst.call('GET', '/api/v1/statistics/sets/firstContracts/result?year=2024&asOf=2999-01-01');
    assert.equal(future.status, 400);
    assert.equal(future.body.issues[0].name, 'asOf');
    assert.equal((await analyst.call('GET', '/api/v1/statistics/sets/firstContracts/result?year=1999')).status, 400);
    assert.equal((await analyst.call('GET', '/api/v1/statistics/sets/noSuchSet/result?year=2024')).status, 404);
    const caseworker = await app.as('AGENCY_CASEWORKER');
    assert.equal((await caseworker.call('GET', '/api/v1/statistics/sets')).status, 403);
  });
}
