/**
 * From the worklist's oldest overdue infringement proposal to the dossier and back to decide it, in
 * a real browser (issue 13 acceptance): the rules ran on the demo world over the last year;
 * the caseworker's start page counts them and leads to the proposals tab, the oldest item is flagged overdue, its name leads to
 * the person's dossier; the caseworker takes it (the "my items" filter shows it alone), and opening
 * the infringement case from the list takes it off: the count
 * drops by one and the case exists. The case then waits on the cases tab with the fine the schedule
 * proposes: a wrong amount is said at the field, the decision takes it off. A second person lives on
 * a living wage: the fine cannot be chosen and the case goes to the OCMW instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';
import { evaluateRules } from '../../server/modules/rules/evaluation.service.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { addDays } from '../../server/platform/calendar.ts';
import { inTransaction } from '../../server/platform/db.ts';

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
  // The caseworker takes it; "my items" then shows it alone, "without an owner" no longer.
  await row.getByLabel('Behandelaar').selectOption({ label: 'ik' });
  await page.locator('select[name=show]').selectOption('mine');
  await page.locator('tr.worklist-row').first().waitFor();
  for (let i = 0; i < 50 && (await page.locator('tr.worklist-row').count()) !== 1; i++) await page.waitForTimeout(100);
  assert.equal(await page.locator('tr.worklist-row').count(), 1, 'my items: the one I took');
  await page.locator('select[name=show]').selectOption('nobody');
  assert.equal(await row.count(), 0, 'no longer without an owner');
  await page.locator('select[name=show]').selectOption('all');
  const owner = await db.selectFrom('infringement_proposals').select('owner_id').where('id', '=', oldest.id).executeTakeFirstOrThrow();
  const me = await db.selectFrom('users').select('id').where('username', '=', 'demo.agencycaseworker').executeTakeFirstOrThrow();
  assert.equal(owner.owner_id, me.id);
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
  // The follow-up lists open from the start page too.
  await page.goto(`${world.base}/persons`);
  await summary.getByText(`${mine.rows.length - 1} inbreukvoorstellen`).waitFor();
  await page.locator('.worklist-summary [data-list=registrations]').getByRole('link').click();
  assert.equal(await page.getByRole('tab', { name: /Aanmelding te laat/ }).getAttribute('aria-selected'), 'true');
  await page.getByRole('tab', { name: /Aanwezigheid onder de drempel/ }).click();
  await page.getByText(/Lopende trajectonderdelen met minder dan 80 % aanwezigheid|Geen lopende onderdelen onder de aanwezigheidsdrempel/).waitFor();
  await page.goto(`${world.base}/persons`);
  await world.screenshot(page, 'start-page-worklist-summary');

  const decided = await db.selectFrom('infringement_proposals').select(['status', 'case_id']).where('id', '=', oldest.id).executeTakeFirstOrThrow();
  assert.equal(decided.status, 'ACCEPTED');
  const infringement = await db.selectFrom('infringements').select(['person_id']).where('case_id', '=', decided.case_id!).executeTakeFirstOrThrow();
  assert.equal(infringement.person_id, oldest.person_id);
});

test('the case opened from a proposal is decided with a fine; a person on a living wage goes to the OCMW', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t, 400);
  const db = world.database.db;
  const today = belgianToday();
  for (let days = 364; days >= 0; days -= 28) await evaluateRules(db, { on: addDays(today, -days), actor: 'system:test' });
  const { office_ids: offices } = await db.selectFrom('users').select('office_ids').where('username', '=', 'demo.agencycaseworker').executeTakeFirstOrThrow();
  const mine = await sql<{ id: string; person_id: string; family_name: string }>`
    SELECT ip.id::text, ip.person_id::text, p.family_name FROM infringement_proposals ip
      JOIN persons p ON p.id = ip.person_id JOIN dossiers d ON d.person_id = ip.person_id
     WHERE ip.status = 'OPEN' AND d.managing_office_id = ANY(${offices}::uuid[])
       AND NOT EXISTS (SELECT 1 FROM infringement_cases c WHERE c.person_id = ip.person_id AND c.status IN ('OPEN', 'SENT'))
     ORDER BY ip.detected_on, ip.id`.execute(db);
  const [fined, onWage] = [mine.rows[0]!, mine.rows.find((r) => r.person_id !== mine.rows[0]!.person_id)!];
  const ocmw = await db.selectFrom('organisations').select(['id', 'name']).where('kind', '=', 'OCMW').orderBy('name').executeTakeFirstOrThrow();
  await inTransaction(db, 'system:test', (tx) =>
    tx
      .insertInto('living_wage_records')
      .values({ person_id: onWage.person_id, organisation_id: ocmw.id, starts_on: addDays(today, -90) })
      .execute(),
  );
  const waiting = async () =>
    Number(
      (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM infringement_cases c JOIN dossiers d ON d.person_id = c.person_id
          WHERE c.status IN ('OPEN', 'SENT') AND d.managing_office_id = ANY(${offices}::uuid[])`.execute(db)
      ).rows[0]!.n,
    );
  const before = await waiting();

  const page = await world.loginAs('AGENCY_CASEWORKER');
  await page.goto(`${world.base}/worklist?tab=proposals`);
  for (const p of [fined, onWage]) {
    await page.locator(`tr[data-proposal="${p.id}"]`).getByRole('button', { name: 'Inbreukdossier openen' }).click();
    await page
      .getByRole('form', { name: /Inbreukdossier openen voor/ })
      .getByRole('button', { name: 'Inbreukdossier openen' })
      .click();
    await page.getByText(/Inbreukdossier geopend voor/).waitFor();
  }
  const tab = page.getByRole('tab', { name: /Inbreukdossiers/ });
  await tab.getByText(`(${before + 2})`).waitFor();
  await tab.click();

  // The fine: the schedule's proposal filled in; an amount outside the range is said at the field, nothing is sent.
  const caseId = async (personId: string) =>
    (await db.selectFrom('infringement_cases').select('id').where('person_id', '=', personId).where('status', '=', 'OPEN').executeTakeFirstOrThrow()).id;
  const finedCase = await caseId(fined.person_id);
  const row = page.locator(`tr[data-case="${finedCase}"]`);
  await row.getByText(/voorstel 100 EUR/).waitFor();
  await row.getByRole('button', { name: 'Beslissen' }).click();
  const form = page.getByRole('form', { name: /Beslissing over het inbreukdossier van/ });
  await form.getByRole('button', { name: 'Beslissing vastleggen' }).click();
  await form.getByText('Kies een beslissing.').waitFor();
  await form.getByLabel('boete', { exact: true }).check();
  const amount = form.getByLabel(/Bedrag van de boete/);
  assert.equal(await amount.inputValue(), '100', 'the proposed amount filled in');
  await amount.fill('20');
  await form.getByRole('button', { name: 'Beslissing vastleggen' }).click();
  await form.getByText('Geef een bedrag van 50 tot 5.000 EUR.').waitFor();
  assert.equal(await db.selectFrom('infringement_decisions').select('id').where('case_id', '=', finedCase).executeTakeFirst(), undefined, 'nothing sent');
  await amount.fill('100');
  await form.getByLabel('Motivering').fill('Geen reactie op de ingebrekestelling.');
  await form.getByRole('button', { name: 'Beslissing vastleggen' }).click();
  await page.getByText(/Beslissing vastgelegd voor .*: boete\./).waitFor();
  await tab.getByText(`(${before + 1})`).waitFor();
  const decision = await db.selectFrom('infringement_decisions').selectAll().where('case_id', '=', finedCase).executeTakeFirstOrThrow();
  assert.deepEqual([decision.decision, Number(decision.fine_amount), decision.reason], ['BOETE', 100, 'Geen reactie op de ingebrekestelling.']);

  // The living wage: no fine can be chosen; the case goes to the OCMW, which is told.
  const wageCase = await caseId(onWage.person_id);
  const wageRow = page.locator(`tr[data-case="${wageCase}"]`);
  await wageRow.getByText(`leefloon (${ocmw.name}): geen boete`).waitFor();
  await wageRow.getByRole('button', { name: 'Beslissen' }).click();
  assert.equal(
    await page
      .getByRole('form', { name: /Beslissing over/ })
      .getByLabel('boete', { exact: true })
      .isDisabled(),
    true,
  );
  await world.screenshot(page, 'worklist-case-living-wage');
  await wageRow.getByRole('button', { name: 'Overdragen aan het OCMW' }).click();
  const handOver = page.getByRole('form', { name: new RegExp(`overdragen aan ${ocmw.name}`) });
  await handOver.getByText(/krijgt geen administratieve boete/).waitFor();
  await handOver.getByRole('button', { name: 'Overdragen aan het OCMW' }).click();
  await page.getByText(new RegExp(`is overgedragen aan ${ocmw.name}`)).waitFor();
  await tab.getByText(`(${before})`).waitFor();
  const handed = await db.selectFrom('infringement_cases').select(['status', 'ocmw_id']).where('id', '=', wageCase).executeTakeFirstOrThrow();
  assert.deepEqual([handed.status, handed.ocmw_id], ['OCMW', ocmw.id]);
  const event = await db.selectFrom('outbox_events').select(['organisation_id']).where('subject_id', '=', wageCase).executeTakeFirstOrThrow();
  assert.equal(event.organisation_id, ocmw.id);
});
