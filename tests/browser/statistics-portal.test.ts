/**
 * The statistics portal in Debian's Chromium, as the monitoring analyst uses it: a base set, a
 * breakdown, the situation date; table and chart change together; the XLSX download holds the
 * number on screen; a publication and its restatement; the same screen on a phone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';

const skip = browserSkipReason();
const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
const number = (s: string) => Number(s.replace(/[^\d]/g, ''));

/** The chart's pixels, to see it was drawn again. */
const chartImage = (page: Page) => page.locator('.chart-box canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());

test('the statistics portal', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t, 400);
  const year = String(new Date().getUTCFullYear() - 3);

  await t.test('the analyst switches breakdown and situation date, sees table and chart change, downloads the XLSX', async () => {
    const page = await world.loginAs('MONITORING_ANALYST');
    await page.goto('/statistics');
    await page.getByLabel('Basisset').selectOption('firstContracts');
    await page.getByLabel('Referentiejaar').selectOption(year);
    await page.getByTestId('portal-table').waitFor();
    assert.match(await text(page, '[data-testid=situation]'), /^Toestand op \d\d\/\d\d\/\d{4} \(voorlopig: kan nog wijzigen\)/);
    const totalNow = number(await text(page, '[data-testid=total-persons]'));
    assert.ok(totalNow > 0, 'the demo world has contracts that year');
    const agencies = await text(page, '[data-testid=portal-table] tbody');
    assert.match(agencies, /Subtotaal/, 'the agencies with their subtotals');
    const chartBefore = await chartImage(page);

    await page.getByLabel('Uitsplitsing').selectOption({ label: 'Per geslacht' });
    await page.getByRole('columnheader', { name: 'Geslacht' }).waitFor();
    assert.match(await text(page, '[data-testid=portal-table] tbody'), /Man.*Vrouw/);
    assert.equal(number(await text(page, '[data-testid=total-persons]')), totalNow, 'every breakdown counts the same persons');
    await page.waitForFunction((before) => (document.querySelector('.chart-box canvas') as HTMLCanvasElement).toDataURL() !== before, chartBefore);

    // As known in the middle of that year, fewer contracts were known.
    const genderChart = await chartImage(page);
    await page.getByLabel('Toestand op').fill(`${year}-06-30`);
    await page.getByTestId('situation').getByText('Toestand op 30/06/').waitFor();
    assert.match(await text(page, '[data-testid=situation]'), /\(zoals gekend op die dag\)/);
    const totalThen = number(await text(page, '[data-testid=total-persons]'));
    assert.ok(totalThen < totalNow, `as known on 30/6 (${totalThen}) less than now (${totalNow})`);
    await page.waitForFunction((before) => (document.querySelector('.chart-box canvas') as HTMLCanvasElement).toDataURL() !== before, genderChart);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'XLSX' }).first().click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await download.path())!);
    const sheet = wb.getWorksheet('Per geslacht')!;
    const totalRow = sheet.getRows(1, sheet.rowCount)!.find((r) => r.getCell(1).value === 'Totaal')!;
    assert.equal(totalRow.getCell(2).value, totalThen, 'the XLSX holds the number on screen');
    assert.match(String(sheet.getRow(2).getCell(1).value), new RegExp(`^Toestand op 30/06/${year}`));
    await world.screenshot(page, 'statistics-portal-1280');
    await page.close();
  });

  await t.test('the analyst validates, publishes and sees the restatement', async () => {
    const page = await world.loginAs('MONITORING_ANALYST');
    await page.goto('/statistics');
    await page.getByLabel('Referentiejaar').selectOption(year);
    await page.getByTestId('portal-table').waitFor();
    await page.getByText('Documentatie').click();
    assert.match(await text(page, '.portal-doc'), /Populatie.*Teleenheid.*Referentieperiode/);
    await page.getByRole('button', { name: 'Deze versie valideren' }).click();
    await page.getByText('Versie gevalideerd.').waitFor();
    await page.getByRole('button', { name: 'Publiceren' }).click();
    await page.locator('.publications li').first().waitFor();
    assert.match(await text(page, '.publications li'), new RegExp(`Personen met een inburgeringscontract ${year} — toestand op`));
    await page.getByRole('button', { name: 'Herziening tonen' }).click();
    await page.getByTestId('restatement').waitFor();
    assert.match(await text(page, '[data-testid=restatement]'), /identiek/);
    await page.close();
  });

  await t.test('on a phone the portal stacks table and chart without sideways scrolling', async () => {
    const page = await world.loginAs('MONITORING_ANALYST', { width: 390, height: 844 });
    await page.goto('/statistics');
    await page.getByTestId('portal-table').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no sideways scrolling (${overflow}px)`);
    const [table, chart] = await Promise.all([page.getByTestId('portal-table').boundingBox(), page.locator('.chart-box').boundingBox()]);
    assert.ok(chart!.y >= table!.y + table!.height - 1, 'the chart under the table');
    await world.screenshot(page, 'statistics-portal-390');
    await page.close();
  });

  await t.test('a caseworker has no statistics', async () => {
    const page = await world.loginAs('AGENCY_CASEWORKER');
    assert.equal(await page.getByRole('link', { name: 'Statistieken' }).count(), 0);
    await page.close();
  });
});
