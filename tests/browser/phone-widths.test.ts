/**
 * Every main screen on a phone (issue 14): at 390 × 844 the page itself never scrolls sideways —
 * wide tables scroll inside their own frame — for every role's screens: search with results, the
 * dossier, the worklist, the OCMW's consultation with every panel open, the statistics portal and
 * the administration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';
import { demoUsername } from '../../server/modules/access/access.demo.ts';

const skip = browserSkipReason();
const PHONE = { width: 390, height: 844 };

/** How far the page scrolls sideways (0: it fits). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('every main screen fits a 390 px phone without sideways scrolling', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t);
  const db = world.database.db;
  const { office_ids: offices } = await db
    .selectFrom('users')
    .select('office_ids')
    .where('username', '=', demoUsername('AGENCY_CASEWORKER'))
    .executeTakeFirstOrThrow();
  const person = await db
    .selectFrom('persons as p')
    .innerJoin('dossiers as d', 'd.person_id', 'p.id')
    .select(['p.id', 'p.insz', 'p.family_name'])
    .where('d.managing_office_id', 'in', offices as string[])
    .orderBy('p.id')
    .executeTakeFirstOrThrow();
  const ocmw = await db.selectFrom('users').select('organisation_id').where('username', '=', demoUsername('OCMW_SOCIAL_WORKER')).executeTakeFirstOrThrow();
  const client = await db
    .selectFrom('integrations')
    .select('insz')
    .where('organisation_id', '=', ocmw.organisation_id)
    .orderBy('insz')
    .executeTakeFirstOrThrow();

  const failures: string[] = [];
  const check = async (name: string, page: Page) => {
    const px = await overflow(page);
    if (px > 0) {
      // Name the outermost elements that stick out, so that the fix is found where it belongs.
      const culprits = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const out: string[] = [];
        for (const el of document.querySelectorAll<HTMLElement>('body *')) {
          if (el.getBoundingClientRect().right <= width + 1) continue;
          if (el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1) continue;
          out.push(`${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`);
        }
        return out.slice(0, 5);
      });
      failures.push(`${name}: ${px} px too wide (${culprits.join(', ')})`);
      await world.screenshot(page, `phone-${name.replace(/\W+/g, '-')}`);
    }
  };

  const caseworker = await world.loginAs('AGENCY_CASEWORKER', PHONE);
  await caseworker.getByLabel('Familienaam').fill(person.family_name.slice(0, 2));
  await caseworker.getByRole('button', { name: 'Zoeken' }).click();
  await caseworker.getByRole('table').or(caseworker.getByText('Geen personen gevonden.')).first().waitFor();
  await check('search', caseworker);
  await caseworker.goto(`/persons/${person.id}`);
  await caseworker.locator('[data-dossier-ready]').waitFor();
  await caseworker.getByRole('button', { name: 'Alles uitvouwen' }).click();
  await check('dossier', caseworker);
  for (const tab of ['referrals', 'registrations', 'proposals', 'cases']) {
    await caseworker.goto(`/worklist?tab=${tab}`);
    await caseworker.locator('.worklist-panel table, .worklist-panel p.muted').first().waitFor();
    await check(`worklist ${tab}`, caseworker);
  }

  const worker = await world.loginAs('OCMW_SOCIAL_WORKER', PHONE);
  await worker.getByLabel('INSZ van de cliënt').fill(client.insz);
  await worker.getByRole('button', { name: 'Raadplegen', exact: true }).click();
  await worker.getByRole('button', { name: 'Alles uitvouwen' }).click();
  await worker.getByRole('button', { name: 'Alles samenvouwen' }).waitFor();
  await check('consultation', worker);

  const analyst = await world.loginAs('MONITORING_ANALYST', PHONE);
  await analyst.getByRole('heading', { level: 1 }).waitFor();
  await analyst.waitForLoadState('networkidle');
  await check('statistics', analyst);

  const admin = await world.loginAs('ADMINISTRATOR', PHONE);
  for (const section of ['users', 'organisations', 'imports', 'rules', 'authorisations']) {
    await admin.goto(`/admin/${section}`);
    await admin.getByRole('heading', { level: 2 }).first().waitFor();
    await admin.waitForLoadState('networkidle');
    await check(`admin ${section}`, admin);
  }
  const officer = await world.loginAs('PRIVACY_OFFICER', PHONE);
  await officer.getByRole('heading', { level: 1 }).waitFor();
  await check('privacy officer start', officer);

  assert.deepEqual(failures, [], 'no screen scrolls sideways on a phone');
});
