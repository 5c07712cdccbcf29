/**
 * The app as a whole, in Debian's Chromium: the language switch, accessibility (axe-core finds no
 * serious or critical violation on the main pages) and the main flows by keyboard alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSkipReason, describeViolations, seriousViolations, startBrowserWorld, type BrowserWorld } from '../support/browser.ts';
import { demoPassword, demoUsername } from '../../server/modules/access/access.demo.ts';
import { ocmwClient } from '../support/screens.ts';

const skip = browserSkipReason();
/** A person the demo caseworker may see, with a contract (the dossier page then has something in every main part). */
async function caseworkerPerson(world: BrowserWorld): Promise<{ id: string; insz: string; familyName: string }> {
  const page = await world.loginAs('AGENCY_CASEWORKER');
  const ids = await world.database.db.selectFrom('contracts').select('person_id').distinct().orderBy('person_id').limit(200).execute();
  for (const { person_id } of ids) {
    const res = await page.request.get(`/api/v1/persons/${person_id}`);
    if (res.status() === 200) {
      const p = await res.json();
      await page.context().close();
      return { id: p.id, insz: p.insz, familyName: p.familyName };
    }
  }
  throw new Error('no person with a contract in the caseworker territory');
}

test('the web app in a real browser', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t);
  const person = await caseworkerPerson(world);

  await t.test('the language switch turns the app into French and English, and the choice is kept', async () => {
    const page = await world.loginAs('AGENCY_CASEWORKER');
    assert.equal(await page.locator('h1').textContent(), 'Personen zoeken');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'nl');
    await page.getByRole('button', { name: 'FR' }).click();
    assert.equal(await page.locator('h1').textContent(), 'Rechercher des personnes');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    assert.ok(await page.getByRole('button', { name: 'Se déconnecter' }).isVisible());
    await world.screenshot(page, 'language-fr');
    await page.getByRole('button', { name: 'EN' }).click();
    assert.equal(await page.locator('h1').textContent(), 'Find persons');
    assert.ok(await page.getByLabel('Family name').isVisible());
    await page.reload();
    assert.equal(await page.locator('h1').textContent(), 'Find persons', 'the choice survives a reload');
    await world.screenshot(page, 'language-en');
    await page.context().close();
  });

  await t.test('log-in, search and opening a dossier work by keyboard alone', async () => {
    const context = await world.context();
    const page = await context.newPage();
    await page.goto('/');
    await page.locator('input[name=username]').waitFor();
    // Tab from the top of the page: the skip link comes first, then the language buttons, then the form.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`), 'A Naar de inhoud');
    while ((await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)) !== 'username') await page.keyboard.press('Tab');
    await page.keyboard.type(demoUsername('AGENCY_CASEWORKER'));
    await page.keyboard.press('Tab');
    await page.keyboard.type(demoPassword('AGENCY_CASEWORKER'));
    await page.keyboard.press('Enter');
    await page.locator('.user-menu').waitFor();
    // The search form: the INSZ field, then Enter.
    await page.getByLabel('INSZ').focus();
    await page.keyboard.type(person.insz);
    await page.keyboard.press('Enter');
    const link = page.getByRole('link', { name: new RegExp(person.familyName) });
    await link.waitFor();
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/persons/${person.id}`);
    await page.locator('[data-dossier-ready]').waitFor();
    // Tab to the contract's "Wijzigen", open the form with Enter, change the office with the arrow
    // keys, Tab to "Opslaan" and press Enter: the history then shows the change.
    const focused = (locator: import('playwright-core').Locator) => locator.evaluate((el) => el === document.activeElement);
    const tabTo = async (locator: import('playwright-core').Locator, most = 600) => {
      for (let i = 0; i < most && !(await focused(locator)); i++) await page.keyboard.press('Tab');
      assert.ok(await focused(locator), 'reachable with Tab');
    };
    const contracts = page.locator('section[data-resource=contracts]');
    await tabTo(contracts.getByRole('button', { name: /^Wijzigen/ }).first());
    await page.keyboard.press('Enter');
    const form = contracts.getByRole('form', { name: /Inburgeringscontract wijzigen/ });
    await form.waitFor();
    const office = form.getByLabel('Vestiging', { exact: true });
    await tabTo(office, 40);
    const before = await office.inputValue();
    await page.keyboard.press(before ? 'ArrowUp' : 'ArrowDown');
    if ((await office.inputValue()) === before) await page.keyboard.press('ArrowDown');
    assert.notEqual(await office.inputValue(), before, 'the arrow keys change the office');
    await tabTo(form.getByRole('button', { name: 'Opslaan' }), 40);
    await page.keyboard.press('Enter');
    await form.waitFor({ state: 'detached' });
    await page.getByRole('complementary').locator('.dossier-history-list > li').first().getByText('gewijzigd').waitFor();
    await world.screenshot(page, 'keyboard-dossier');
    await context.close();
  });

  await t.test('the OCMW consultation works by keyboard alone: consult, expand all panels', async () => {
    const insz = await ocmwClient(world);
    const page = await world.loginAs('OCMW_SOCIAL_WORKER');
    await page.getByLabel('INSZ van de cliënt').focus();
    await page.keyboard.type(insz);
    await page.keyboard.press('Enter');
    const expand = page.getByRole('button', { name: 'Alles uitvouwen' });
    await expand.waitFor();
    // From the INSZ field, Tab until "Alles uitvouwen" has the focus, then Space.
    for (let i = 0; i < 60 && !(await expand.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    assert.ok(await expand.evaluate((el) => el === document.activeElement), '"Alles uitvouwen" is reachable with Tab');
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Alles samenvouwen' }).waitFor();
    assert.ok((await page.locator('button[aria-expanded=true]').count()) >= 16, 'all 16 panels open');
    await world.screenshot(page, 'keyboard-consultation');
    await page.context().close();
  });

  await t.test('a session that ends while someone types asks for the password again and keeps what was typed', async () => {
    const page = await world.loginAs('AGENCY_CASEWORKER');
    await page.getByLabel('Familienaam').fill('Mohammadi');
    // The session ends on the server (as after the idle time-out or a log-out elsewhere).
    await world.database.db.updateTable('sessions').set({ ended_at: new Date().toISOString() }).where('ended_at', 'is', null).execute();
    // The server hears of it by notification, a moment after the commit: wait for that, then click.
    for (let tries = 0; (await page.request.get('/api/v1/session')).status() !== 401; tries++) {
      assert.ok(tries < 100, 'the ended session is refused within a second');
      await new Promise((r) => setTimeout(r, 10));
    }
    await page.getByRole('button', { name: 'Zoeken' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sessie verlopen' });
    await dialog.waitFor();
    await world.screenshot(page, 'session-expired');
    await dialog.getByLabel('Wachtwoord').fill(demoPassword('AGENCY_CASEWORKER'));
    await dialog.getByRole('button', { name: 'Aanmelden' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.getByLabel('Familienaam').inputValue(), 'Mohammadi', 'the typed search is still there');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByRole('table').or(page.getByText('Geen personen gevonden.')).first().waitFor();
    await page.context().close();
  });

  await t.test('an empty log-in is said at its fields, not as a wrong password; an unknown address offers the way back', async () => {
    const page = await (await world.context()).newPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.getByText('Vul uw gebruikersnaam in.').waitFor();
    await page.getByText('Vul uw wachtwoord in.').waitFor();
    assert.equal(await page.getByText('Gebruikersnaam of wachtwoord is niet juist.').count(), 0, 'not a wrong password');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'username', 'the first empty field has the focus');
    await page.context().close();

    const lost = await world.loginAs('AGENCY_CASEWORKER');
    await lost.goto('/no/such/page');
    await lost.getByRole('heading', { level: 1, name: 'Deze pagina bestaat niet' }).waitFor();
    await lost.getByRole('link', { name: 'Naar de startpagina' }).click();
    await lost.waitForURL((u) => !u.pathname.startsWith('/no/'));
    // A mistyped INSZ is explained in Dutch at its field, never in the server's English.
    await lost.getByLabel('INSZ').fill('85.07.30-033.62');
    await lost.getByRole('button', { name: 'Zoeken' }).click();
    await lost.getByText('De controlecijfers kloppen niet: kijk het nummer na.').waitFor();
    assert.equal(await lost.getByText(/check digits/).count(), 0);
    await lost.context().close();
  });

  await t.test('axe-core finds no serious or critical violation on the main pages', async () => {
    const pages: [string, Page][] = [];
    const anonymous = await (await world.context({ bypassCSP: true })).newPage();
    await anonymous.goto('/');
    await anonymous.locator('input[name=username]').waitFor();
    pages.push(['log-in', anonymous]);

    const caseworker = await world.loginAs('AGENCY_CASEWORKER', { bypassCSP: true });
    await caseworker.getByLabel('INSZ').fill(person.insz);
    await caseworker.getByRole('button', { name: 'Zoeken' }).click();
    await caseworker.getByRole('link', { name: new RegExp(person.familyName) }).waitFor();
    pages.push(['search with results', caseworker]);

    const dossier = await world.loginAs('AGENCY_CASEWORKER', { bypassCSP: true });
    await dossier.goto(`/persons/${person.id}`);
    await dossier
      .locator('[data-dossier-ready]')
      .waitFor()
      .catch(async (e) => {
        await world.screenshot(dossier, 'debug-axe-dossier');
        throw e;
      });
    pages.push(['dossier', dossier]);

    // "As known on": the read-only banner and the later changes marked in the history.
    const asOf = await world.loginAs('AGENCY_CASEWORKER', { bypassCSP: true });
    await asOf.goto(`/persons/${person.id}?asOf=${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}`);
    await asOf.locator('.dossier-asof-banner').waitFor();
    await asOf.locator('[data-dossier-ready]').waitFor();
    pages.push(['dossier as known yesterday', asOf]);

    const consultation = await world.loginAs('OCMW_SOCIAL_WORKER', { bypassCSP: true });
    await consultation.getByLabel('INSZ van de cliënt').fill(await ocmwClient(world));
    await consultation.getByRole('button', { name: 'Raadplegen', exact: true }).click();
    await consultation.getByRole('button', { name: 'Alles uitvouwen' }).click();
    await consultation.getByRole('button', { name: 'Alles samenvouwen' }).waitFor();
    pages.push(['consultation with every panel open', consultation]);

    const statistics = await world.loginAs('MONITORING_ANALYST', { bypassCSP: true });
    await statistics.getByRole('heading', { level: 1 }).waitFor();
    pages.push(['statistics', statistics]);

    const worklist = await world.loginAs('AGENCY_CASEWORKER', { bypassCSP: true });
    await worklist.goto('/worklist?tab=cases');
    await worklist.getByRole('tablist').waitFor();
    await worklist.locator('.worklist-panel table, .worklist-panel p.muted').first().waitFor();
    pages.push(['worklist', worklist]);

    const lost = await world.loginAs('AGENCY_CASEWORKER', { bypassCSP: true });
    await lost.goto('/no/such/page');
    await lost.getByRole('heading', { level: 1, name: 'Deze pagina bestaat niet' }).waitFor();
    pages.push(['unknown address', lost]);

    const admin = await world.loginAs('ADMINISTRATOR', { bypassCSP: true });
    await admin.goto('/admin');
    await admin.getByRole('heading', { level: 1 }).waitFor();
    pages.push(['administration', admin]);

    const failures: string[] = [];
    for (const [name, page] of pages) {
      const found = await seriousViolations(page);
      if (found.length) failures.push(`${name}:\n${describeViolations(found)}`);
    }
    assert.equal(failures.join('\n\n'), '', 'no serious or critical accessibility violation');
    for (const [, page] of pages) await page.context().close();
  });
});
