/**
 * From the worklist's oldest overdue infringement proposal to the dossier and back to decide it, in
 * a real browser (issue 13 acceptance): the rules ran on the demo world over the last year;
 * the caseworker's start page counts them and leads to the proposals tab, the oldest item is flagged overdue, its name leads to
 * the person's dossier, and opening the infringement case from the list takes it off: the count
 * drops by one and the case exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';
import { evaluateRules } from '../../server/modules/rules/evaluation.service.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { addDays } from '../../server/platform/calendar.ts';

const skip = browserSkipReason();

test('a caseworker walks from the oldest overdue proposal to the dossier and decides it', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t, 400);
  const db = world.database.db;
  const today = belgianToday();
  // The nightly runs of the last year, every other week.
  for (let days = 364; days >= 0; days -= 14) await evaluateRules(db, { on: addDays(today, -days), actor: 'system:test' });
  const { office_ids: offices } = await db.selectFrom('users').select('office_ids').where('username', '=', 'demo.agencycaseworker').executeTakeFirstOrThrow();
  const mine = await sql<{ id: string; person_id: string; family_name: string; detected_on: string }>`
    SELECT ip.id::text, ip.person_id::text, p.family_name, ip.detected_on::text FROM infringement_proposals ip
      JOIN persons p ON p.id = ip.person_id JOIN dossiers d ON d.person_id = ip.person_id
     WHERE ip.status = 'OPEN' AND d.managing_office_id = ANY(${offices}::uuid[]) ORDER BY ip.detected_on, ip.id`.execute(db);
  assert.ok(mine.rows.length >= 2, `the rules found proposals for the caseworker's persons (${mine.rows.length})`);
  const oldest = mine.rows[0]!;
  assert.ok(oldest.detected_on <= addDays(today, -30), 'the oldest is past its ten working days');

  // The start page counts what waits, and leads to the list.
  const page = await world.loginAs('AGENCY_CASEWORKER');
  await page.goto(`${world.base}/persons`);
  const summary = page.locator('.worklist-summary [data-list=proposals]');
  await summary.getByText(`${mine.rows.length} inbreukvoorstellen`).waitFor();
  await summary.getByText(/te laat/).waitFor();
  await summary.getByRole('link').click();
  const tab = page.getByRole('tab', { name: /Inbreukvoorstellen/ });
  await tab.getByText(`(${mine.rows.length})`).waitFor();
  assert.equal(await tab.getAttribute('aria-selected'), 'true', 'the summary opens the proposals tab');
  const first = page.locator('tr.worklist-row').first();
  await first.waitFor();
  assert.equal(await first.getAttribute('data-proposal'), oldest.id, 'the oldest first');
  await first.getByText('Termijn verstreken').waitFor();

  // To the dossier and back.
  await first.getByRole('link', { name: new RegExp(oldest.family_name) }).click();
  await page.waitForURL(`**/persons/${oldest.person_id}`);
  await page.locator('[data-dossier-ready]').waitFor();
  await page.goBack();
  await page.getByRole('tab', { name: /Inbreukvoorstellen/ }).click();

  const row = page.locator(`tr[data-proposal="${oldest.id}"]`);
  await row.getByRole('button', { name: 'Inbreukdossier openen' }).click();
  const form = page.getByRole('form', { name: /Inbreukdossier openen voor/ });
  await form.getByRole('button', { name: 'Inbreukdossier openen' }).click();
  await page.getByText(/Inbreukdossier geopend voor/).waitFor();
  await page
    .getByRole('tab', { name: /Inbreukvoorstellen/ })
    .getByText(`(${mine.rows.length - 1})`)
    .waitFor();
  assert.equal(await page.locator(`tr[data-proposal="${oldest.id}"]`).count(), 0, 'off the list');
  await world.screenshot(page, 'worklist-proposals');
  await page.goto(`${world.base}/persons`);
  await summary.getByText(`${mine.rows.length - 1} inbreukvoorstellen`).waitFor();
  await world.screenshot(page, 'start-page-worklist-summary');

  const decided = await db.selectFrom('infringement_proposals').select(['status', 'case_id']).where('id', '=', oldest.id).executeTakeFirstOrThrow();
  assert.equal(decided.status, 'ACCEPTED');
  const infringement = await db.selectFrom('infringements').select(['person_id']).where('case_id', '=', decided.case_id!).executeTakeFirstOrThrow();
  assert.equal(infringement.person_id, oldest.person_id);
});
