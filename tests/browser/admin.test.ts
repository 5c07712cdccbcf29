/**
 * The administration screens in Debian's Chromium: the administrator registers a partner API
 * client and rotates its secret (the exchange's token endpoint then refuses the old secret and
 * accepts the new one), creates and disables an account; the privacy officer changes an
 * authorisation through a conflict, looks up the integration register, searches the audit trail
 * (in words, one line per consultation, without the anonymous noise) and opens a person's access
 * report with its letters in Dutch and French, CSV and JSON — in Dutch and in French; each role
 * sees only its own sections.
 */
import { test } from 'node:test';
import { evaluateRules } from '../../server/modules/rules/evaluation.service.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';
import { demoUsername } from '../../server/modules/access/access.demo.ts';
import { inTransaction } from '../../server/platform/db.ts';

const skip = browserSkipReason();

/** The error shown at the field with this label (the Field component puts it inside the field). */
function errorAt(scope: Page | Locator, label: string | RegExp): Locator {
  // The inner locator of `has` is matched inside each field, so it starts from the page.
  const page = 'page' in scope && typeof scope.page === 'function' ? (scope as Locator).page() : (scope as Page);
  return scope.locator('.field', { has: page.getByLabel(label) }).locator('.field-error');
}

/** What the user reads in an element (cells apart), in one line. */
const text = async (l: Locator) => (await l.innerText()).replace(/\s+/g, ' ').trim();

const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function tokenStatus(base: string, clientId: string, secret: string): Promise<number> {
  const res = await fetch(`${base}/api/exchange/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).toString(),
  });
  return res.status;
}

/** Waits until `read` gives `expected` (forms fill in after their data arrives), then checks it. */
async function eventually<T>(read: () => Promise<T>, expected: T, message?: string): Promise<void> {
  let value = await read();
  for (let i = 0; i < 50 && value !== expected; i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  assert.equal(value, expected, message);
}

/** The content type of the person's letter, fetched as the download button does (with the session's CSRF token). */
async function letterType(page: Page, insz: string, lang: string): Promise<string | undefined> {
  const { csrfToken } = (await (await page.request.get('/api/v1/session')).json()) as { csrfToken: string };
  const res = await page.request.post('/api/v1/audit/personReport', {
    data: { insz, lang },
    headers: { accept: 'application/pdf', 'x-csrf-token': csrfToken },
  });
  assert.equal(res.status(), 200);
  assert.equal((await res.body()).subarray(0, 5).toString(), '%PDF-');
  return res.headers()['content-type'];
}

const formatInsz = (d: string) => `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}-${d.slice(6, 9)}.${d.slice(9)}`;

test('the administration screens', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t, 60);
  const db = world.database.db;
  const ocmw = await db.selectFrom('organisations').select(['id', 'name']).where('kind', '=', 'OCMW').orderBy('name').executeTakeFirstOrThrow();
  const agency = await db.selectFrom('organisations').select(['id', 'name']).where('kind', '=', 'AGENCY').orderBy('name').executeTakeFirstOrThrow();
  const admin = await db.selectFrom('users').select(['id']).where('username', '=', demoUsername('ADMINISTRATOR')).executeTakeFirstOrThrow();
  const person = await db.selectFrom('persons').select(['id', 'insz']).orderBy('id').executeTakeFirstOrThrow();
  const clientId = 'ocmw-demo.koppeling';

  await t.test('the administrator sees the administration sections, not the audit trail', async () => {
    const page = await world.loginAs('ADMINISTRATOR');
    await page.getByRole('link', { name: 'Beheer' }).click();
    await page.getByRole('heading', { name: 'Gebruikers', level: 2 }).waitFor();
    assert.match(page.url(), /\/admin\/users$/, 'the first section opens');
    const nav = page.getByRole('navigation', { name: 'Beheeronderdelen' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(), [
      'Gebruikers',
      'Organisaties en kantoren',
      'API-clients van partners',
      'Wijzigingsberichten',
      'Importruns',
      'Regels',
      'Machtigingen',
      'Integratieregister',
    ]);
    // The runs of the rules' re-evaluation: one ran for today, and it shows.
    const run = await evaluateRules(db, { on: belgianToday(), actor: 'system:test' });
    await nav.getByRole('link', { name: 'Regels' }).click();
    await page.getByRole('heading', { name: 'Herbeoordeling van de regels', level: 2 }).waitFor();
    await page.locator(`tr[data-run="${run.runId}"]`).getByText('iedereen (nachtelijk)').waitFor();
    await page.getByText(/Laatste volledige run/).waitFor();
    await page.context().close();
  });

  await t.test('the administrator registers a partner API client and rotates its secret; the old secret stops working', async () => {
    const page = await world.loginAs('ADMINISTRATOR');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.base });
    await page.goto('/admin/clients');
    await page.getByRole('heading', { name: 'API-clients van partners', level: 2 }).waitFor();
    await page.locator('summary', { hasText: 'Nieuwe API-client registreren' }).click();
    const form = page.getByRole('form', { name: 'Nieuwe API-client registreren' });

    // A client id of the wrong form: the error sits at the field and what was typed stays.
    await form.getByLabel('Partnerorganisatie').selectOption(ocmw.id);
    await form.getByLabel('Client-id').fill('OCMW Demo!');
    await form.getByRole('button', { name: 'Registreren' }).click();
    await errorAt(form, 'Client-id').waitFor();
    assert.equal(await text(errorAt(form, 'Client-id')), 'Deze waarde heeft niet de juiste vorm.');
    assert.equal(await form.getByLabel('Client-id').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByLabel('Client-id').inputValue(), 'OCMW Demo!');
    assert.equal(await form.getByLabel('Partnerorganisatie').inputValue(), ocmw.id);
    await world.screenshot(page, 'admin-clients-field-error');

    await form.getByLabel('Client-id').fill(clientId);
    await form.getByRole('button', { name: 'Registreren' }).click();
    const reveal = page.getByRole('region', { name: `Geheim van de nieuwe API-client ${clientId}` });
    await reveal.waitFor();
    assert.match(await text(reveal), /Dit geheim wordt maar één keer getoond\./);
    const first = await reveal.getByLabel('Client-geheim').inputValue();
    assert.match(first, /^[A-Za-z0-9_-]{40,}$/);
    await reveal.getByRole('button', { name: 'Kopiëren' }).click();
    await reveal.getByText('Het geheim is gekopieerd naar het klembord.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first, 'the copy button copies the secret');
    const row = page.getByRole('row', { name: new RegExp(clientId) });
    await row.waitFor();
    assert.match(await text(row), new RegExp(`${re(ocmw.name)}.*Actief`));
    await world.screenshot(page, 'admin-clients-secret');
    assert.equal(await tokenStatus(world.base, clientId, first), 200, 'the new client gets a token');

    // Shown once: put away, it is gone from the page.
    await reveal.getByRole('button', { name: 'Ik heb het geheim bewaard' }).click();
    await reveal.waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(first));

    // Rotation asks first; cancelling changes nothing.
    await row.getByRole('button', { name: `Geheim vernieuwen: ${clientId}` }).click();
    const dialog = page.getByRole('dialog', { name: `Nieuw geheim voor ${clientId}?` });
    await dialog.waitFor();
    assert.match(await text(dialog), /Het huidige geheim werkt daarna niet meer/);
    await world.screenshot(page, 'admin-clients-rotate-dialog');
    await dialog.getByRole('button', { name: 'Annuleren' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await tokenStatus(world.base, clientId, first), 200, 'cancelled: the secret still works');

    await row.getByRole('button', { name: `Geheim vernieuwen: ${clientId}` }).click();
    await dialog.getByRole('button', { name: 'Ja, nieuw geheim maken' }).click();
    const rotated = page.getByRole('region', { name: `Nieuw geheim van ${clientId}` });
    await rotated.waitFor();
    assert.match(await text(rotated), /Dit geheim wordt maar één keer getoond\. Het vorige geheim is vervangen/);
    const second = await rotated.getByLabel('Client-geheim').inputValue();
    assert.notEqual(second, first);
    assert.equal(await tokenStatus(world.base, clientId, first), 401, 'the old secret no longer gives a token');
    assert.equal(await tokenStatus(world.base, clientId, second), 200, 'the new secret does');
    await world.screenshot(page, 'admin-clients-rotated');

    await page.reload();
    await page.getByRole('row', { name: new RegExp(clientId) }).waitFor();
    assert.ok(!(await page.content()).includes(second), 'after a reload the secret is not shown again');
    await page.context().close();
  });

  await t.test('the administrator creates a user, sees it in the list, and disables it after confirming', async () => {
    const page = await world.loginAs('ADMINISTRATOR');
    await page.goto('/admin/users');
    await page.getByRole('button', { name: 'Nieuwe gebruiker' }).click();
    const form = page.getByRole('form', { name: 'Nieuwe gebruiker' });

    // Nothing filled in: every required field says so, next to it.
    await form.getByRole('button', { name: 'Gebruiker aanmaken' }).click();
    await errorAt(form, 'Gebruikersnaam').waitFor();
    assert.equal(await text(errorAt(form, /^Naam/)), 'Dit veld is verplicht.');
    assert.equal(await text(errorAt(form, 'Rol')), 'Kies een waarde uit de lijst.');
    assert.equal(await text(errorAt(form, 'Organisatie')), 'Kies een waarde uit de lijst.');
    assert.match(await text(form.getByRole('alert').last()), /Controleer de aangeduide velden/);

    // A weak password: only that field is wrong, and everything typed stays.
    await form.getByLabel('Gebruikersnaam').fill('an.peeters');
    await form.getByLabel(/^Naam/).fill('An Peeters');
    await form.getByLabel('Rol').selectOption('TEAM_LEAD');
    await form.getByLabel('Organisatie').selectOption(agency.id);
    const offices = form.getByRole('group', { name: 'Kantoren (werkgebied)' }).getByRole('checkbox');
    await offices.first().waitFor();
    await offices.first().check();
    await form.getByLabel('Wachtwoord').fill('kort');
    await form.getByRole('button', { name: 'Gebruiker aanmaken' }).click();
    await errorAt(form, 'Wachtwoord').waitFor();
    assert.equal(await text(errorAt(form, 'Wachtwoord')), 'Het wachtwoord moet minstens 12 tekens lang zijn.');
    assert.equal(await form.locator('.field-error').count(), 1);
    assert.equal(await form.getByLabel('Gebruikersnaam').inputValue(), 'an.peeters');
    assert.equal(await form.getByLabel('Rol').inputValue(), 'TEAM_LEAD');
    assert.ok(await offices.first().isChecked());
    await world.screenshot(page, 'admin-users-form-error');

    await form.getByLabel('Wachtwoord').fill('Inburgering-Gent-2026!');
    await form.getByRole('button', { name: 'Gebruiker aanmaken' }).click();
    await page.getByText('Gebruiker an.peeters is aangemaakt.').waitFor();
    const row = page.getByRole('row', { name: /an\.peeters/ });
    await row.waitFor();
    assert.match(await text(row), new RegExp(`an\\.peeters An Peeters .+ ${re(agency.name)} 1 kantoor Actief`));
    await page.getByLabel('Zoeken in de lijst').fill('peeters');
    assert.equal(await page.locator('table tbody tr').count(), 1, 'the filter finds the new account alone');
    await world.screenshot(page, 'admin-users');

    // A change carries the version that was read; the list shows the new name.
    await row.getByRole('button', { name: 'Wijzigen: an.peeters' }).click();
    const edit = page.getByRole('form', { name: 'Gebruiker an.peeters wijzigen' });
    await eventually(() => edit.getByLabel(/^Naam/).inputValue(), 'An Peeters');
    await edit.getByLabel(/^Naam/).fill('An Peeters-Janssens');
    await edit.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText('Opgeslagen: an.peeters.').waitFor();
    await row.getByText('An Peeters-Janssens').waitFor();

    await row.getByRole('button', { name: 'Uitschakelen: an.peeters' }).click();
    const dialog = page.getByRole('dialog', { name: 'Account an.peeters uitschakelen?' });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Annuleren', 'focus starts on the safe choice');
    await dialog.getByRole('button', { name: 'Ja, uitschakelen' }).click();
    await page.getByText('Account an.peeters is uitgeschakeld.').waitFor();
    await row.getByText('Uitgeschakeld').waitFor();
    const stored = await db
      .selectFrom('users')
      .select(['active', 'role', 'office_ids', 'display_name', 'version'])
      .where('username', '=', 'an.peeters')
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [stored.active, stored.role, stored.office_ids.length, stored.display_name, stored.version],
      [false, 'TEAM_LEAD', 1, 'An Peeters-Janssens', 3],
    );
    await page.context().close();
  });

  await t.test('the administrator looks through the organisations and an organisation with its offices', async () => {
    const page = await world.loginAs('ADMINISTRATOR');
    await page.goto('/admin/organisations');
    await page.getByLabel('Soort').selectOption('OCMW');
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    assert.ok((await rows.count()) > 1);
    assert.ok((await rows.allTextContents()).every((r) => r.includes('OCMW')));
    await world.screenshot(page, 'admin-organisations');
    await page.getByRole('link', { name: ocmw.name, exact: true }).click();
    await page.getByRole('heading', { name: 'Kantoren', level: 3 }).waitFor();
    await eventually(() => page.getByLabel(/^Naam/).first().inputValue(), ocmw.name, 'the form shows the organisation');
    await world.screenshot(page, 'admin-organisation-detail');
    await page.context().close();
  });

  await t.test('the privacy officer sees authorisations, the register, the audit trail and the report, never user management', async () => {
    const page = await world.loginAs('PRIVACY_OFFICER');
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Machtigingen', level: 2 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Beheeronderdelen' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Machtigingen', 'Integratieregister', 'Audittrail', 'Raadplegingen van een persoon']);
    await page.goto('/admin/users');
    await page.getByText('Dit beheeronderdeel bestaat niet of hoort niet bij uw rol.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Nieuwe gebruiker' }).count(), 0);
    assert.equal(await page.getByRole('table').count(), 0);
    const refused = await page.request.get('/api/v1/users');
    assert.equal(refused.status(), 403, 'and the server refuses it too');
    await page.context().close();
  });

  await t.test('the privacy officer changes an authorisation; a version changed meanwhile gives the conflict message and keeps the input', async () => {
    const page = await world.loginAs('PRIVACY_OFFICER');
    await page.goto('/admin/authorisations');
    const first = page.locator('table tbody tr').first().getByRole('link');
    await first.waitFor();
    await world.screenshot(page, 'admin-authorisations');
    await first.click();
    const form = page.getByRole('form', { name: /^Machtiging \(versie \d+\)$/ });
    await form.getByLabel('Rechtsgrond').waitFor();
    const id = page.url().split('/').pop()!;
    let before = '';
    for (let i = 0; i < 50 && !before; i++) before = (await form.getByLabel('Rechtsgrond').inputValue()) || (await page.waitForTimeout(100), '');
    assert.match(before, /Vlaamse Toezichtcommissie/, 'the form shows the authorisation');
    await form.getByLabel('Rechtsgrond').fill(`${before} (herzien)`);
    await form.getByRole('checkbox', { name: 'Gesprekken' }).setChecked(false);

    // Meanwhile someone else changes the same authorisation.
    const { csrfToken } = await (await page.request.get('/api/v1/session')).json();
    const current = await (await page.request.get(`/api/v1/authorisations/${id}`)).json();
    const other = await page.request.patch(`/api/v1/authorisations/${id}`, {
      data: { description: 'Gewijzigd door een collega' },
      headers: { 'if-match': `"${current.version}"`, 'x-csrf-token': csrfToken },
    });
    assert.equal(other.status(), 200);

    await form.getByRole('button', { name: 'Opslaan' }).click();
    await form.getByText('Iemand anders heeft dit record intussen gewijzigd.', { exact: false }).waitFor();
    assert.equal(await form.getByLabel('Rechtsgrond').inputValue(), `${before} (herzien)`, 'what was typed stays');
    assert.equal(await form.getByRole('checkbox', { name: 'Gesprekken' }).isChecked(), false);
    await world.screenshot(page, 'admin-authorisation-conflict');

    await form.getByRole('button', { name: 'Nieuwe versie laden (mijn invoer blijft staan)' }).click();
    await page.getByText(`Versie ${current.version + 1} is geladen.`, { exact: false }).waitFor();
    assert.equal(await form.getByLabel('Toelichting').inputValue(), 'Gewijzigd door een collega', "what I left alone takes the colleague's version");
    assert.equal(await form.getByLabel('Rechtsgrond').inputValue(), `${before} (herzien)`, 'what I typed stays');
    await form.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText(`Opgeslagen als versie ${current.version + 2}.`).waitFor();
    const saved = await (await page.request.get(`/api/v1/authorisations/${id}`)).json();
    assert.equal(saved.legalBasis, `${before} (herzien)`);
    assert.ok(!saved.clusters.includes('conversations'));
    assert.equal(saved.description, 'Gewijzigd door een collega', "the colleague's change is kept");
    const history = page.getByRole('table', { name: /versies, nieuwste eerst/ });
    assert.equal(await history.locator('tbody tr').count(), current.version + 2);
    await world.screenshot(page, 'admin-authorisation-history');
    await page.context().close();
  });

  await t.test('the privacy officer looks up a person in the integration register', async () => {
    const integrated = await db.selectFrom('integrations').select(['insz', 'organisation_id']).orderBy('insz').executeTakeFirstOrThrow();
    const partner = await db.selectFrom('organisations').select('name').where('id', '=', integrated.organisation_id).executeTakeFirstOrThrow();
    const page = await world.loginAs('PRIVACY_OFFICER');
    await page.goto('/admin/integrations');
    await page.getByLabel('INSZ').fill('12345678901');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await errorAt(page, 'INSZ').waitFor();
    assert.equal(await text(errorAt(page, 'INSZ')), 'Dit is geen geldig INSZ-nummer: controleer de 11 cijfers.');
    await page.getByLabel('INSZ').fill(formatInsz(integrated.insz));
    await page.getByRole('button', { name: 'Zoeken' }).click();
    const table = page.getByRole('table', { name: /integraties? van/ });
    await table.waitFor();
    assert.match(await text(table.locator('tbody tr').first()), new RegExp(`${re(partner.name)} 1 — .+ lopend`));
    await world.screenshot(page, 'admin-integrations');
    await page.context().close();
  });

  await t.test('the privacy officer reads the audit trail in words, one line per consultation, and opens the access report of a person (Dutch)', async () => {
    // An access worth reporting: the administrator opens the person's dossier (functional support):
    // the dossier and its timeline, as the dossier screen asks them, one consultation.
    const adminPage = await world.loginAs('ADMINISTRATOR');
    for (const part of ['dossier', 'timeline'])
      assert.equal(
        (await adminPage.request.get(`/api/v1/persons/${person.id}/${part}`, { headers: { 'kbi-purpose': 'functionele ondersteuning' } })).status(),
        200,
      );
    await adminPage.context().close();
    // Noise: requests refused before anybody was identified.
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${world.base}/api/v1/audit/search`, { method: 'POST' })).status, 401);
    // And a partner's declaration of the person, which the report lists beside the accesses.
    const declaredFrom = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    await inTransaction(db, 'test:setup', (tx) =>
      tx.insertInto('integrations').values({ organisation_id: ocmw.id, insz: person.insz, capacity_code: '9', starts_on: declaredFrom }).execute(),
    );

    const page = await world.loginAs('PRIVACY_OFFICER');
    await page.goto('/admin/audit');
    await page.getByLabel('Handeling').fill('partnerClients.rotateSecret');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    const table = page.getByRole('table', { name: /^1 regel$/ });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 1, 'one rotation in this installation');
    const rotation = await text(rows.first());
    for (const words of [
      'Demo beheerder',
      'medewerker',
      'Agentschap Binnenlands Bestuur',
      'Geheim van een partnersysteem vernieuwd',
      'Doel: Beheer van de Kruispuntbank Inburgering',
      'toegestaan',
    ])
      assert.ok(rotation.includes(words), `the line says ${words}: ${rotation}`);
    for (const code of ['partnerClients.rotateSecret', `user:${admin.id}`]) assert.ok(!rotation.includes(code), `the line shows no code ${code}`);
    assert.equal(
      await rows
        .first()
        .getByRole('button', { name: /Demo beheerder/ })
        .getAttribute('title'),
      `user:${admin.id}`,
      'the id on hover',
    );
    await world.screenshot(page, 'admin-audit-search');

    // Every line of this actor: clicking the actor adds it to the filters.
    await rows
      .first()
      .getByRole('button', { name: `Alleen Demo beheerder (user:${admin.id}) tonen` })
      .click();
    assert.equal(await page.getByLabel('Wie (actor-id)').inputValue(), `user:${admin.id}`);
    await page.getByLabel('Handeling').fill('');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    const all = page.getByRole('table', { name: /regels, nieuwste eerst/ });
    await all.waitFor();
    const actions = (await all.locator('tbody tr td:nth-child(4) .admin-audit-action').allTextContents()).map((a) => a.trim());
    for (const a of [
      'Tijdlijn van het dossier ingezien + Dossier ingezien',
      'Geheim van een partnersysteem vernieuwd',
      'Partnersysteem toegevoegd',
      'Gebruiker aangemaakt',
      'Aanmelding',
    ])
      assert.ok(actions.includes(a), `${a} is in the trail of the administrator: ${actions.join(' | ')}`);
    assert.ok(!actions.includes('Dossier ingezien'), 'the dossier and its timeline are one line');
    // The consultation opens to show its two rows, codes and all.
    const view = all.locator('tbody tr', { hasText: 'Tijdlijn van het dossier ingezien + Dossier ingezien' });
    assert.match(await text(view), /Doel: functionele ondersteuning/);
    await view.getByText('2 regels in de audittrail').click();
    assert.match(await text(view.locator('details li').first()), /Tijdlijn van het dossier ingezien dossier\.timeline/);

    // Requests refused before anybody was identified: hidden, unless asked for.
    await page.getByRole('button', { name: 'Filters wissen' }).click();
    await page.getByLabel('Handeling').fill('POST /api/v1/audit/search');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByText('Geen regels in de audittrail die aan de filters voldoen.').waitFor();
    await page.getByLabel('Ook verzoeken tonen die geweigerd werden vóór iemand was aangemeld').check();
    await page.getByRole('button', { name: 'Zoeken' }).click();
    const noise = page.getByRole('table', { name: /regels, nieuwste eerst|^1 regel$/ });
    await noise.waitFor();
    assert.ok((await noise.locator('tbody tr', { hasText: 'niet aangemeld' }).count()) >= 3);
    assert.match(await text(noise.locator('tbody tr').first()), /Verzoek aan \/api\/v1\/audit\/search \(POST\).*geweigerd/);

    // A bad INSZ is named at its field, and stays there to be corrected.
    await page.getByRole('button', { name: 'Filters wissen' }).click();
    await page.getByLabel('INSZ').fill('1234');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await errorAt(page, 'INSZ').waitFor();
    assert.equal(await page.getByLabel('INSZ').inputValue(), '1234');

    // The person's access report: one line per consultation, who by name, purpose and legal basis in words.
    await page.getByRole('navigation', { name: 'Beheeronderdelen' }).getByRole('link', { name: 'Raadplegingen van een persoon' }).click();
    await page.getByLabel('INSZ').fill(formatInsz(person.insz));
    await page.getByRole('button', { name: 'Rapport opmaken' }).click();
    const report = page.getByRole('table', { name: /raadpleging/ });
    await report.waitFor();
    const read = report.locator('tbody tr', { hasText: 'Dossier ingezien' });
    assert.equal(await read.count(), 1, 'one line for the page view');
    assert.match(
      await text(read),
      /Demo beheerder.*Agentschap Binnenlands Bestuur.*functionele ondersteuning.*Rechtsgrond: Decreet van 7 juni 2013.*Dossier ingezien \+ Tijdlijn van het dossier ingezien.*toegestaan/,
    );
    for (const line of await report.locator('tbody tr td:nth-child(4)').allTextContents()) assert.ok(line.trim().length > 0, 'no line without a purpose');
    assert.match(await text(page.getByRole('heading', { level: 3 })), new RegExp(`Raadplegingen van ${formatInsz(person.insz).replace(/\./g, '\\.')}`));
    await page.getByRole('heading', { name: 'Organisaties die de persoon als cliënt aangaven' }).waitFor();
    const declarations = page.locator('table', { has: page.getByRole('columnheader', { name: 'Hoedanigheid' }) });
    const declared = declarations.locator('tbody tr', { hasText: ocmw.name }).filter({ hasText: declaredFrom });
    assert.equal(await declared.count(), 1, 'the declaration is listed');
    assert.match(await text(declared), /Sociaal onderzoek lopend/, 'the capacity in words');
    await world.screenshot(page, 'admin-access-report');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV downloaden' }).click()]);
    assert.equal(csv.suggestedFilename(), 'raadplegingen.csv');
    const lines = (await readFile((await csv.path())!, 'utf8')).trim().split('\n');
    assert.equal(lines[0], 'moment,tot,wie,soort,organisatie,doel,rechtsgrond,handeling,gegevens,resultaat,handelingscodes,verzoek');
    assert.ok(lines.some((l) => l.includes('Dossier ingezien + Tijdlijn van het dossier ingezien') && l.includes('functionele ondersteuning')));
    for (const [button, name] of [
      ['Brief (PDF) in het Nederlands', 'raadplegingen-nl.pdf'],
      ['Brief (PDF) in het Frans', 'consultations-fr.pdf'],
    ] as const) {
      const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
      assert.equal(pdf.suggestedFilename(), name);
      assert.equal((await readFile((await pdf.path())!)).subarray(0, 5).toString(), '%PDF-');
    }
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'JSON downloaden' }).click()]);
    assert.equal(JSON.parse(await readFile((await json.path())!, 'utf8')).lang, 'nl');
    assert.equal(await letterType(page, person.insz, 'nl'), 'application/pdf');

    // The report itself, and each search, is in the trail.
    const audited = await db
      .selectFrom('audit_log')
      .select(['action'])
      .where('actor_id', 'like', 'user:%')
      .where('action', 'in', ['audit.search', 'audit.personReport'])
      .execute();
    assert.ok(audited.filter((r) => r.action === 'audit.personReport').length >= 5, 'the report and every download are audited');
    assert.ok(audited.some((r) => r.action === 'audit.search'));
    await page.context().close();
  });

  await t.test('in French: the audit trail and the access report in words, without the anonymous noise', async () => {
    const page = await world.loginAs('PRIVACY_OFFICER', { locale: 'fr-BE' });
    await page.goto('/admin/audit');
    await page.getByLabel('Qui (identifiant acteur)').fill(`user:${admin.id}`);
    await page.getByLabel('Action').fill('dossier.*');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const table = page.getByRole('table', { name: /^1 ligne$/ });
    await table.waitFor();
    const line = await text(table.locator('tbody tr').first());
    for (const words of [
      'Demo beheerder',
      'collaborateur',
      'Agentschap Binnenlands Bestuur',
      "Consultation de l'historique du dossier + Consultation du dossier",
      'autorisé',
    ])
      assert.ok(line.includes(words), `the line says ${words}: ${line}`);
    assert.ok(!line.includes('dossier.read'), 'no code');

    await page.getByRole('button', { name: 'Effacer les filtres' }).click();
    await page.getByLabel('Action').fill('POST /api/v1/audit/search');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByText("Aucune ligne du journal d'audit ne correspond aux filtres.").waitFor();
    await world.screenshot(page, 'admin-audit-search-fr');

    await page.getByRole('navigation', { name: 'Rubriques de gestion' }).getByRole('link', { name: "Consultations d'une personne" }).click();
    await page.getByLabel('NISS').fill(formatInsz(person.insz));
    await page.getByRole('button', { name: 'Établir le rapport' }).click();
    const report = page.getByRole('table', { name: /consultation/ });
    await report.waitFor();
    const read = report.locator('tbody tr', { hasText: 'Consultation du dossier' });
    assert.equal(await read.count(), 1, 'one line for the page view');
    assert.match(
      await text(read),
      /Demo beheerder.*Agentschap Binnenlands Bestuur.*functionele ondersteuning.*Base légale: Décret du 7 juin 2013.*Consultation du dossier \+ Consultation de l'historique du dossier.*autorisé/,
    );
    await page.getByRole('button', { name: 'Lettre (PDF) en français' }).waitFor();
    await page.getByRole('button', { name: 'Lettre (PDF) en néerlandais' }).waitFor();
    await world.screenshot(page, 'admin-access-report-fr');
    assert.equal(await letterType(page, person.insz, 'fr'), 'application/pdf');
    await page.context().close();
  });

  await t.test('on a tablet the sections are a row of tabs above the content, without sideways scrolling', async () => {
    const page = await world.loginAs('PRIVACY_OFFICER', { width: 820, height: 1180 });
    await page.goto('/admin/audit');
    await page.getByLabel('Handeling').fill('session.*');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByRole('table', { name: /regels/ }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling of the page (${overflow}px)`);
    const navBox = (await page.getByRole('navigation', { name: 'Beheeronderdelen' }).boundingBox())!;
    const contentBox = (await page.locator('.admin-content').boundingBox())!;
    assert.ok(navBox.y + navBox.height <= contentBox.y + 1, 'the navigation is above the content');
    await world.screenshot(page, 'admin-tablet-audit');
    await page.context().close();
  });
});
