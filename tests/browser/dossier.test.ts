/**
 * The caseworker's dossier page in a real browser (issue 4, "Caseworker workspace"): find a person
 * by INSZ, read the dossier, change the contract through the form and see the change in the
 * history at once; two people changing the same contract (the second gets the conflict message,
 * keeps what they typed, loads the new version and saves); the dossier as known before the change.
 */
import { test } from 'node:test';
import { inTransaction } from '../../server/platform/db.ts';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';
import { demoUsername } from '../../server/modules/access/access.demo.ts';

const skip = browserSkipReason();

/** How the app writes a date in Dutch (nl-BE, Brussels time). */
const nlDate = (iso: string) =>
  new Intl.DateTimeFormat('nl-BE', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Europe/Brussels' }).format(new Date(`${iso}T12:00:00Z`));
const brusselsDay = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Brussels' }).format(d);
const brusselsTime = (d: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Brussels', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(d);
const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : v == null ? null : String(v).slice(0, 10));

const contractsOf = (page: Page) => page.locator('section[data-resource=contracts]');
const contractForm = (page: Page) => contractsOf(page).getByRole('form', { name: /Inburgeringscontract wijzigen/ });
const historyItems = (page: Page) => page.getByRole('complementary').locator('.dossier-history-list > li');

async function openContractForm(page: Page): Promise<Locator> {
  await contractsOf(page)
    .getByRole('button', { name: /^Wijzigen/ })
    .click();
  const form = contractForm(page);
  await form.waitFor();
  return form;
}

test('the caseworker dossier page', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t);
  const db = world.database.db;

  // A person in the demo caseworker's offices with exactly one contract (the territory rule: the
  // dossier's managing office is one of the caseworker's offices).
  const { office_ids: offices } = await db
    .selectFrom('users')
    .select('office_ids')
    .where('username', '=', demoUsername('AGENCY_CASEWORKER'))
    .executeTakeFirstOrThrow();
  const candidates = await db
    .selectFrom('contracts as c')
    .innerJoin('dossiers as d', 'd.person_id', 'c.person_id')
    .innerJoin('persons as p', 'p.id', 'c.person_id')
    .select([
      'p.id as personId',
      'p.insz',
      'p.family_name as familyName',
      'c.id as contractId',
      'c.signed_on as signedOn',
      'c.registered_on as registeredOn',
      'c.end_date as endDate',
    ])
    .where('d.managing_office_id', 'in', offices as string[])
    .orderBy('p.id')
    .execute();
  const person = candidates.find((c) => candidates.filter((o) => o.personId === c.personId).length === 1);
  assert.ok(person, 'the demo world has a person with one contract in the caseworker territory');
  const signedOn = day(person.signedOn)!;
  const originalEnd = day(person.endDate);
  const firstEnd = addDays(signedOn, 400);
  const secondEnd = addDays(signedOn, 500);
  const newRegisteredOn = day(person.registeredOn) === signedOn ? addDays(signedOn, 1) : signedOn;
  let beforeEdit = new Date();

  const caseworker = await world.loginAs('AGENCY_CASEWORKER');

  await t.test('a caseworker finds a person by INSZ, reads the dossier and changes the contract through the form', async () => {
    const page = caseworker;
    await page.getByLabel('INSZ').fill(person.insz);
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByRole('link', { name: new RegExp(person.familyName) }).click();
    await page.waitForURL(`**/persons/${person.personId}`);
    await page.locator('[data-dossier-ready]').waitFor();

    assert.match((await page.locator('h1').textContent()) ?? '', new RegExp(person.familyName));
    const insz = person.insz.replace(/^(\d{2})(\d{2})(\d{2})(\d{3})(\d{2})$/, '$1.$2.$3-$4.$5');
    assert.ok(await page.locator('.dossier-facts').getByText(insz).isVisible(), 'the INSZ is shown formatted');
    // When the data go (retention, seed 003 §68–70): a line under the facts, every term on request.
    const retention = page.getByTestId('dossier-retention');
    assert.match((await retention.textContent()) ?? '', /^Bewaartermijn: (Vanaf \d\d\/\d\d\/\d{4}: .+ (gewist|geanonimiseerd)\.|Nog geen datum: .+)/);
    await retention.getByText('Alle termijnen').click();
    assert.match((await retention.locator('li').first().textContent()) ?? '', /^Persoonsgegevens \(naam, INSZ, geboortedatum, adres\): geanonimiseerd /);
    // The path: the signed contract is a done step with its date.
    const path = page.getByRole('region', { name: 'Verloop van het dossier' });
    const contractStep = path.locator('li.path-step', { hasText: 'Contract ondertekend' });
    assert.match((await contractStep.getAttribute('class')) ?? '', /\bdone\b/);
    assert.match((await contractStep.textContent()) ?? '', new RegExp(nlDate(signedOn).replace(/[./]/g, '\\$&')));
    // Codes as labels, offices by name.
    const row = contractsOf(page).locator('tbody tr').first();
    assert.match((await row.textContent()) ?? '', /Moedercontract|Overnamecontract/);
    assert.doesNotMatch((await row.textContent()) ?? '', /MOTHER|TAKEOVER/);

    // An end date before the signing date: the server's objection sits at the field, and the input stays.
    const form = await openContractForm(page);
    // The office list offers agency offices only (not the OCMWs, VDAB or DVZ of the demo world).
    const agencyOffices = new Set(
      (
        await db
          .selectFrom('offices as f')
          .innerJoin('organisations as o', 'o.id', 'f.organisation_id')
          .select('f.name')
          .where('o.kind', '=', 'AGENCY')
          .execute()
      ).map((o) => o.name),
    );
    const offered = (await form.getByLabel('Vestiging', { exact: true }).locator('option').allTextContents()).slice(1);
    assert.ok(
      offered.length > 0 && offered.every((name) => agencyOffices.has(name)),
      `agency offices only: ${offered.filter((n) => !agencyOffices.has(n)).join(', ')}`,
    );
    const tooEarly = addDays(signedOn, -10);
    await form.getByLabel('Einddatum').fill(tooEarly);
    await form.getByRole('button', { name: 'Opslaan' }).click();
    const endField = form.locator('.field', { has: page.getByLabel('Einddatum') });
    await endField.locator('.field-error').waitFor();
    assert.match((await endField.locator('.field-error').textContent()) ?? '', /Mag niet vóór “Ondertekend op”/);
    assert.equal(await form.getByLabel('Einddatum').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByLabel('Einddatum').inputValue(), tooEarly, 'what the user typed is kept');
    assert.match((await form.getByRole('alert').first().textContent()) ?? '', /Controleer de aangeduide velden/);
    await world.screenshot(page, 'dossier-field-error');

    // A server failure and a lost connection: the message says the input is kept, and it is.
    const contractUrl = `**/api/v1/contracts/${person.contractId}`;
    await page.route(contractUrl, (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({
            status: 500,
            contentType: 'application/problem+json',
            body: JSON.stringify({ title: 'Internal Server Error', status: 500, code: 'internal' }),
          })
        : route.continue(),
    );
    await form.getByLabel('Einddatum').fill(firstEnd);
    await form.getByRole('button', { name: 'Opslaan' }).click();
    await form.getByText(/De server kon de vraag niet verwerken \(500\)/).waitFor();
    assert.equal(await form.getByLabel('Einddatum').inputValue(), firstEnd);
    await page.unroute(contractUrl);
    await page.route(contractUrl, (route) => (route.request().method() === 'PATCH' ? route.abort('internetdisconnected') : route.continue()));
    await form.getByRole('button', { name: 'Opslaan' }).click();
    await form.getByText(/KBI is niet bereikbaar/).waitFor();
    assert.equal(await form.getByLabel('Einddatum').inputValue(), firstEnd);
    await page.unroute(contractUrl);
    assert.equal(
      (await db.selectFrom('contracts').select('version').where('id', '=', person.contractId).executeTakeFirstOrThrow()).version,
      1,
      'nothing saved yet',
    );

    // A valid end date is saved; the table and the history show it at once.
    beforeEdit = new Date();
    await page.waitForTimeout(1100); // the "as known" moment below lies a full second before the change
    await form.getByRole('button', { name: 'Opslaan' }).click();
    await contractsOf(page)
      .getByText(/Opgeslagen: /)
      .waitFor();
    assert.equal(await contractForm(page).count(), 0, 'the form closes');
    assert.match((await contractsOf(page).locator('tbody tr').first().textContent()) ?? '', new RegExp(nlDate(firstEnd).replace(/[./]/g, '\\$&')));
    const latest = historyItems(page).first();
    await latest.filter({ hasText: 'versie 2' }).waitFor();
    const text = (await latest.textContent()) ?? '';
    assert.match(text, /gewijzigd/);
    assert.match(text, /Inburgeringscontract/);
    assert.match(text, /door u/);
    assert.match(text, /via het scherm/);
    // The change itself, before and after.
    const changed = latest.locator('.dossier-history-changes div').filter({ hasText: 'Einddatum' }).first();
    assert.match((await changed.locator('ins').textContent()) ?? '', new RegExp(nlDate(firstEnd).replace(/[./]/g, '\\$&')));
    await world.screenshot(page, 'dossier-edited');

    const stored = await db.selectFrom('contracts').select(['version', 'end_date']).where('id', '=', person.contractId).executeTakeFirstOrThrow();
    assert.equal(stored.version, 2);
    assert.equal(day(stored.end_date), firstEnd);
  });

  await t.test('two people change the same contract: the second gets the conflict, keeps the input, loads the new version and saves', async () => {
    const lead = await world.loginAs('TEAM_LEAD');
    await lead.goto(`/persons/${person.personId}`);
    await lead.locator('[data-dossier-ready]').waitFor();
    await caseworker.reload();
    await caseworker.locator('[data-dossier-ready]').waitFor();

    const first = await openContractForm(caseworker);
    const second = await openContractForm(lead);

    await first.getByLabel('Einddatum').fill(secondEnd);
    await first.getByRole('button', { name: 'Opslaan' }).click();
    await contractsOf(caseworker)
      .getByText(/Opgeslagen: /)
      .waitFor();

    await second.getByLabel('Geregistreerd op').fill(newRegisteredOn);
    await second.getByRole('button', { name: 'Opslaan' }).click();
    const conflict = second.locator('.dossier-conflict');
    await conflict.waitFor();
    assert.match((await conflict.textContent()) ?? '', /Iemand anders heeft dit record intussen gewijzigd/);
    assert.equal(await second.getByLabel('Geregistreerd op').inputValue(), newRegisteredOn, 'the typed value is still in the field');
    await world.screenshot(lead, 'dossier-conflict');

    await second.getByRole('button', { name: 'Nieuwe versie laden (mijn invoer blijft staan)' }).click();
    await second.getByText(/De nieuwe versie \(3\) is geladen/).waitFor();
    assert.equal(await second.getByLabel('Geregistreerd op').inputValue(), newRegisteredOn, 'still what the user typed');
    assert.equal(
      await second.getByLabel('Einddatum').inputValue(),
      secondEnd,
      'the field the user left alone shows the other change, so saving does not undo it',
    );
    await second.getByRole('button', { name: 'Opslaan' }).click();
    await contractsOf(lead)
      .getByText(/Opgeslagen: /)
      .waitFor();
    await historyItems(lead).first().filter({ hasText: 'versie 4' }).waitFor();

    // Both changes are kept, and every version in the history.
    const current = await db
      .selectFrom('contracts')
      .select(['version', 'end_date', 'registered_on'])
      .where('id', '=', person.contractId)
      .executeTakeFirstOrThrow();
    assert.equal(current.version, 4);
    assert.equal(day(current.end_date), secondEnd);
    assert.equal(day(current.registered_on), newRegisteredOn);
    const history = await db
      .selectFrom('contracts_history')
      .select(['version', 'end_date', 'registered_on'])
      .where('id', '=', person.contractId)
      .orderBy('version')
      .execute();
    assert.deepEqual(
      history.map((h) => [h.version, day(h.end_date), day(h.registered_on)]),
      [
        [1, originalEnd, day(person.registeredOn)],
        [2, firstEnd, day(person.registeredOn)],
        [3, secondEnd, day(person.registeredOn)],
      ],
    );
    await lead.context().close();
  });

  await t.test('"show as known on" a moment before the change shows the old value, read-only', async () => {
    const page = caseworker;
    await page.reload();
    await page.locator('[data-dossier-ready]').waitFor();
    const side = page.getByRole('complementary');
    await side.getByLabel('Datum', { exact: true }).fill(brusselsDay(beforeEdit));
    await side.getByLabel('Tijdstip (optioneel)').fill(brusselsTime(beforeEdit));
    await side.getByRole('button', { name: 'Tonen', exact: true }).click();
    await page.getByText(/Dossier zoals gekend op/).waitFor();
    await page.locator('[data-dossier-ready]').waitFor();
    assert.match(page.url(), /asOf=/);

    const row = contractsOf(page).locator('tbody tr').first();
    await row.waitFor();
    const cells = (await row.textContent()) ?? '';
    assert.doesNotMatch(cells, new RegExp(nlDate(firstEnd).replace(/[./]/g, '\\$&')), 'not the value saved later');
    if (originalEnd) assert.match(cells, new RegExp(nlDate(originalEnd).replace(/[./]/g, '\\$&')), 'the value as it was');
    assert.match(cells, new RegExp(nlDate(day(person.registeredOn)!).replace(/[./]/g, '\\$&')));
    assert.equal(await page.getByRole('button', { name: /^Wijzigen/ }).count(), 0, 'read-only: no Edit');
    assert.equal(await page.getByRole('button', { name: /^Toevoegen/ }).count(), 0, 'read-only: no Add');
    assert.ok(
      (await page.getByRole('complementary').locator('.dossier-history-versions > li.later').count()) >= 3,
      'the later changes are marked in the history',
    );
    await world.screenshot(page, 'dossier-as-of');

    // The day before KBI first recorded the person (the demo world records each person around the day of extraction): not known yet.
    const firstRecorded = await world.database.db
      .selectFrom('persons')
      .select('sys_from')
      .where('id', '=', person.personId)
      .unionAll(world.database.db.selectFrom('persons_history').select('sys_from').where('id', '=', person.personId))
      .orderBy('sys_from')
      .executeTakeFirstOrThrow();
    await side.getByLabel('Datum', { exact: true }).fill(brusselsDay(new Date(new Date(firstRecorded.sys_from as unknown as string).getTime() - 86_400_000)));
    await side.getByLabel('Tijdstip (optioneel)').fill('');
    await side.getByRole('button', { name: 'Tonen', exact: true }).click();
    await page.getByText('Op dat moment was deze persoon nog niet gekend in KBI.').waitFor();

    await page.getByRole('button', { name: 'Terug naar vandaag' }).first().click();
    await page.locator('[data-dossier-ready]').waitFor();
    assert.equal(await page.getByText(/Dossier zoals gekend op/).count(), 0);
    assert.match((await contractsOf(page).locator('tbody tr').first().textContent()) ?? '', new RegExp(nlDate(secondEnd).replace(/[./]/g, '\\$&')));
    assert.ok(
      await contractsOf(page)
        .getByRole('button', { name: /^Wijzigen/ })
        .isVisible(),
    );
  });

  await t.test('a table of contents moves through the dossier; a long table shows its latest rows and the rest on request', async () => {
    const page = await world.loginAs('AGENCY_CASEWORKER');
    // Ten conversations: more than a table shows at first.
    await inTransaction(db, 'system:test', async (tx) => {
      for (let i = 0; i < 10; i++)
        await tx
          .insertInto('conversations')
          .values({ person_id: person.personId, held_at: new Date(Date.UTC(2024, 0, 1 + i, 9)).toISOString(), text: `Gesprek ${i + 1}` })
          .execute();
    });
    await page.goto(`/persons/${person.personId}`);
    await page.locator('[data-dossier-ready]').waitFor();
    const index = page.getByRole('navigation', { name: 'Inhoud van het dossier' });
    await index.getByRole('link', { name: /^Gesprekken/ }).click();
    const group = page.locator('[data-group=conversations]');
    assert.equal(await group.locator('.panel-toggle').getAttribute('aria-expanded'), 'true', 'the link opens the part');
    const rows = group.locator('section[data-resource=conversations] tbody tr');
    const total = Number(
      (
        await db
          .selectFrom('conversations')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('person_id', '=', person.personId)
          .executeTakeFirstOrThrow()
      ).n,
    );
    assert.equal(await rows.count(), 8, 'the latest eight');
    await group.getByRole('button', { name: new RegExp(`Alle ${total} tonen`) }).click();
    assert.equal(await rows.count(), total);
    await group.getByRole('button', { name: 'Enkel de laatste 8 tonen' }).click();
    // "As known on" and the history are within reach from the top.
    await index.getByRole('link', { name: 'Geschiedenis' }).click();
    await page.getByRole('heading', { name: 'Geschiedenis', level: 2 }).waitFor();
    assert.ok(await index.isVisible(), 'the table of contents stays in view');
    await index.getByRole('link', { name: 'Zoals gekend op' }).waitFor();
    await world.screenshot(page, 'dossier-index');
    await page.context().close();
  });

  await t.test('on a tablet the page fits the screen', async () => {
    const page = await world.loginAs('AGENCY_CASEWORKER', { width: 800, height: 1100 });
    await page.goto(`/persons/${person.personId}`);
    await page.locator('[data-dossier-ready]').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling of the page (${overflow}px too wide)`);
    await world.screenshot(page, 'dossier-tablet');
    await page.context().close();
  });
});
