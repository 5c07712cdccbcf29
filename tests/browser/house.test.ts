/**
 * The House of Dutch's desk in a real browser (issue 14), in Dutch and in French: the House's home is
 * its language desk; an intake of an INSZ the KBI does not know asks for the person's details and
 * registers the person; the intakes show the step each waits for and lead to that part of the
 * dossier; the waiting list is a queue, the longest waiting first, with the next free places, and a
 * placement from it takes the person off the queue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';

const skip = browserSkipReason();

test('the House of Dutch takes a person in, and places the longest waiting from its queue (Dutch)', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t);
  const page = await world.loginAs('HOUSE_OF_DUTCH');
  await page.waitForURL(/\/house/);
  await page.getByRole('heading', { name: 'Taalloket van het Huis van het Nederlands' }).waitFor();

  // An INSZ nobody knows: the desk asks who it is, then registers person and intake.
  const insz = makeInsz({ birthDate: '1991-06-17', serial: 733 });
  await page.getByLabel('Rijksregisternummer of bisnummer (INSZ)').fill(insz);
  await page.getByLabel('Doorverwezen door').selectOption('OWN_INITIATIVE');
  await page.getByRole('button', { name: 'Intake registreren' }).click();
  await page.getByText('Dit INSZ is nog niet gekend in de KBI.', { exact: false }).waitFor();
  await page.getByRole('button', { name: 'Intake registreren' }).click();
  await page.getByText('Verplicht: dit INSZ is nog niet gekend.').first().waitFor();
  await page.getByLabel('Familienaam').fill('Haddad');
  await page.getByLabel('Voornamen').fill('Rana');
  await page.getByLabel('Geslacht').selectOption({ index: 1 });
  await page.getByLabel('Nationaliteit').selectOption('SYR');
  await page.getByRole('button', { name: 'Intake registreren' }).click();
  await page.getByText('Intake geregistreerd voor Haddad, Rana.').waitFor();
  await page.getByText('De persoon was nog niet gekend en is nu geregistreerd.').waitFor();
  await world.screenshot(page, 'house-intake-done');

  // The intakes: the new one waits for its language test; the link opens that part of the dossier.
  await page.getByRole('tab', { name: /^Intakes/ }).click();
  const row = page.locator('tr', { hasText: 'Haddad, Rana' });
  await row.getByText('Taaltest afnemen').waitFor();
  for (const stage of ['Advies geven', 'Plaatsen of op de wachtlijst zetten']) await page.getByText(stage).first().waitFor();
  await row.getByRole('link', { name: 'Naar het dossier' }).click();
  await page.locator('[data-dossier-ready]').waitFor();
  assert.equal(await page.locator('[data-group=language] .panel-toggle').getAttribute('aria-expanded'), 'true', 'the language part is open');
  await page.goBack();

  // The queue: the longest waiting first, with its age and advice, and the next free places.
  await page.goto(`${world.base}/house?tab=waiting`);
  const queue = page.locator('table', { has: page.locator('caption', { hasText: 'Wachtlijst van' }) });
  await queue.waitFor();
  await page.getByText(/4 personen wachten op een plaats; de langst wachtende wacht 88 dagen\./).waitFor();
  const first = queue.locator('tbody tr').first();
  assert.match(await first.innerText(), /88 dagen/);
  const free = page.locator('table', { has: page.locator('caption', { hasText: 'Cursussen met vrije plaatsen' }) });
  assert.equal(await free.locator('tbody tr').count(), 3, 'three courses with a free place; the full one is not offered');
  await world.screenshot(page, 'house-waiting-list');
  await first.getByRole('button', { name: /^Plaatsen:/ }).click();
  await first.getByRole('combobox').selectOption({ index: 1 });
  await first.getByRole('button', { name: 'Plaats toekennen' }).click();
  await page.getByText(/is ingeschreven in Nederlands tweede taal/).waitFor();
  await page.getByText(/3 personen wachten op een plaats/).waitFor();
});

test('le guichet langue en français, et à 390 px', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t);
  const page = await world.loginAs('HOUSE_OF_DUTCH', { locale: 'fr-BE', width: 390, height: 844 });
  await page.goto(`${world.base}/house?tab=waiting`);
  await page.getByRole('heading', { name: 'Guichet langue de la Maison du néerlandais' }).waitFor();
  await page.getByText(/4 personnes attendent une place/).waitFor();
  await page.getByRole('heading', { name: 'Prochaines places libres dans votre région' }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page does not scroll sideways at 390 px (${overflow} px too wide)`);
  await page.getByRole('tab', { name: /^Accueils/ }).click();
  await page.getByText('Faire passer le test de langue').first().waitFor();
  await world.screenshot(page, 'house-fr-390');

  // The placement, then the dossier's history says what changed: before → after, in French, filtered to the courses.
  await page.getByRole('tab', { name: /^Liste d’attente/ }).click();
  const first = page
    .locator('table', { has: page.locator('caption', { hasText: 'Liste d’attente de' }) })
    .locator('tbody tr')
    .first();
  const person = await first.getByRole('link').first().getAttribute('href');
  await first.getByRole('button', { name: /^Placer :/ }).click();
  await first.getByRole('combobox').selectOption({ index: 1 });
  await first.getByRole('button', { name: 'Attribuer la place' }).click();
  await page.getByText(/est inscrit·e dans/).waitFor();
  await page.goto(`${world.base}${person}`);
  await page.locator('[data-dossier-ready]').waitFor();
  await page.getByRole('navigation', { name: 'Contenu du dossier' }).getByRole('link', { name: 'Historique' }).click();
  const history = page.locator('#dossier-history');
  await history.getByRole('heading', { name: 'Historique' }).waitFor();
  await history.getByLabel('Afficher').selectOption('courses');
  const change = history.locator('li', { has: page.locator('del', { hasText: 'Inscrit, en attente de placement' }) }).last();
  await change.locator('ins', { hasText: 'Placé' }).waitFor();
  await change.getByText('modifié').waitFor();
  await world.screenshot(page, 'house-fr-history');

  // The advice step in the dossier: "given by" offers only a House of Dutch or an agency; then the intake moves on.
  await page.goto(`${world.base}/house?tab=intakes`);
  const waiting = page.locator('tr[data-stage=ADVICE]').first();
  await waiting.getByText('Donner un avis').waitFor();
  const name = (await waiting.getByRole('link').first().innerText()).trim();
  await waiting.getByRole('link', { name: 'Vers le dossier' }).click();
  await page.locator('[data-dossier-ready]').waitFor();
  const advice = page.locator('section[data-resource=advice]');
  await advice.getByRole('button', { name: /^Ajouter/ }).click();
  const form = advice.getByRole('form', { name: 'Ajouter : Avis' });
  await form.waitFor();
  const kinds = new Map((await world.database.db.selectFrom('organisations').select(['name', 'kind']).execute()).map((o) => [o.name, o.kind]));
  const offered = (await form.getByLabel('Donné par', { exact: true }).locator('option').allTextContents()).slice(1);
  assert.ok(
    offered.length > 0 && offered.every((o) => ['HOUSE_OF_DUTCH', 'AGENCY'].includes(kinds.get(o) ?? '')),
    `a House of Dutch or an agency only: ${offered.filter((o) => !['HOUSE_OF_DUTCH', 'AGENCY'].includes(kinds.get(o) ?? '')).join(', ')}`,
  );
  // The House's own name (a list longer than twelve gets a search box to find it).
  const { name: own } = await world.database.db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select('organisations.name')
    .where('users.role', '=', 'HOUSE_OF_DUTCH')
    .executeTakeFirstOrThrow();
  if (offered.length > 12) await form.getByLabel('Chercher dans la liste Donné par').fill(own.slice(-8));
  const house = own;
  await form.getByLabel('Donné par', { exact: true }).selectOption({ label: house });
  await form.getByLabel('Source').selectOption('HOUSE_OF_DUTCH');
  await form.getByLabel("Type d'avis").selectOption('CVO_STANDAARD');
  await form.getByLabel('Niveau conseillé').selectOption('A2');
  await form.getByLabel('Intensité').selectOption('SEMI_INTENSIEF');
  await form.getByLabel('Donné le').fill(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(new Date()));
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await advice.getByText(/^Ajouté : Maison du néerlandais/).waitFor();
  await page.goto(`${world.base}/house?tab=intakes`);
  await page.locator('tr', { hasText: name }).getByText('Placer ou inscrire sur la liste d’attente').waitFor();
});
