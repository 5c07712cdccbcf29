/**
 * The target-group assistant in the dossier, in a real browser (issue 13): the caseworker opens it
 * in the registration group, answers the questions only a person can answer, gets the proposal with
 * its reasons and legal source, confirms it, and then — with new information — decides otherwise,
 * which the form refuses without a reason. Both determinations remember the proposal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';
import { demoUsername } from '../../server/modules/access/access.demo.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { addDays } from '../../server/platform/calendar.ts';

const skip = browserSkipReason();

test('the caseworker has the target group proposed, confirms it, and overrides it with a reason', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t);
  const db = world.database.db;
  const { office_ids: offices } = await db
    .selectFrom('users')
    .select('office_ids')
    .where('username', '=', demoUsername('AGENCY_CASEWORKER'))
    .executeTakeFirstOrThrow();
  // An adult third-country national with a national-register number living in the Flemish Region, without a certificate.
  const { rows } = await sql<{ id: string }>`
    SELECT p.id::text FROM persons p
      JOIN dossiers d ON d.person_id = p.id
      JOIN code_list n ON n.list = 'nationality' AND n.code = p.nationality AND n.attributes->>'group' = 'THIRD_COUNTRY'
     WHERE d.managing_office_id = ANY(${offices}::uuid[])
       AND substring(p.insz, 3, 2)::int BETWEEN 1 AND 12
       AND p.postcode::int NOT BETWEEN 1000 AND 1499 AND p.postcode::int NOT BETWEEN 4000 AND 7999
       AND p.birth_date BETWEEN ${addDays(belgianToday(), -60 * 365)}::date AND ${addDays(belgianToday(), -20 * 365)}::date
       AND coalesce(p.residence_status, '') <> 'ASIELZOEKER'
       AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.person_id = p.id AND c.kind = 'INTEGRATION')
     ORDER BY p.id LIMIT 1`.execute(db);
  const personId = rows[0]?.id;
  assert.ok(personId, 'the demo world has such a person');

  const page = await world.loginAs('AGENCY_CASEWORKER');
  await page.goto(`${world.base}/persons/${personId}`);
  await page.locator('[data-dossier-ready]').waitFor();
  const toggle = page.locator('[data-group=registration] .panel-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  const assistant = page.getByTestId('target-group-assistant');
  await assistant.getByRole('button', { name: 'Doelgroep laten voorstellen' }).click();
  const questions = assistant.getByRole('form', { name: 'Vragen voor de doelgroepbepaling' });
  await questions.getByLabel('Eerste inschrijving in het Rijksregister').fill(addDays(belgianToday(), -60));
  await questions.getByLabel('Gewest van die eerste inschrijving').selectOption('FLANDERS');
  await questions.getByLabel('Voor het eerst een verblijfstitel van meer dan drie maanden').selectOption('yes');
  for (const label of [
    'Verblijf met een tijdelijk doel (maximaal één jaar)',
    'Bedienaar van een erkende eredienst',
    'Ernstige ziekte of handicap',
    'Diploma van het Nederlandstalig onderwijs',
  ])
    await questions.getByLabel(label).selectOption('no');
  await questions.getByRole('button', { name: 'Voorstel maken' }).click();

  const proposal = assistant.getByTestId('target-group-proposal');
  await proposal.waitFor();
  assert.equal(await proposal.getAttribute('data-outcome'), 'PLICHT');
  await proposal.getByText(/Voorstel: Verplichte inburgeraar · Volledig programma/).waitFor();
  await proposal.getByText(/minder dan 12 maanden geleden: verplicht/).waitFor();
  await proposal.getByText(/Rechtsgrond: Decreet 7 juni 2013/).waitFor();
  await world.screenshot(page, 'dossier-target-group-assistant');
  await proposal.getByRole('button', { name: 'Voorstel bevestigen' }).click();
  await assistant.getByText('Doelgroepbepaling vastgelegd: Verplichte inburgeraar.').waitFor();

  // New information: the caseworker decides otherwise, and must say why.
  await assistant.getByRole('button', { name: 'Doelgroep laten voorstellen' }).click();
  await assistant.getByRole('form', { name: 'Vragen voor de doelgroepbepaling' }).getByRole('button', { name: 'Voorstel maken' }).click();
  await proposal.waitFor();
  const proposed = await proposal.getAttribute('data-outcome');
  await proposal.getByRole('button', { name: 'Anders beslissen' }).click();
  const otherwise = proposal.getByRole('form', { name: 'Anders beslissen' });
  await otherwise.getByLabel('Beslissing').selectOption(proposed === 'RECHT' ? 'PLICHT' : 'RECHT');
  await otherwise.getByRole('button', { name: 'Doelgroepbepaling vastleggen' }).click();
  await otherwise.getByText('Geef aan waarom u anders beslist dan het voorstel.').waitFor();
  await otherwise.getByLabel('Waarom anders dan het voorstel?').fill('Verblijfskaart getoond aan het loket: minder dan drie maanden geldig.');
  await otherwise.getByRole('button', { name: 'Doelgroepbepaling vastleggen' }).click();
  await assistant.getByText(/Doelgroepbepaling vastgelegd/).waitFor();

  const determinations = await db
    .selectFrom('target_group_determinations')
    .select(['type', 'proposed_outcome', 'proposal_rule_id', 'override_reason'])
    .where('person_id', '=', personId!)
    .where('proposed_outcome', 'is not', null)
    .orderBy('sys_from')
    .execute();
  assert.equal(determinations.length, 2);
  assert.deepEqual(determinations[0], { type: 'PLICHT', proposed_outcome: 'PLICHT', proposal_rule_id: 'target-group-2022', override_reason: null });
  assert.equal(determinations[1]!.override_reason, 'Verblijfskaart getoond aan het loket: minder dan drie maanden geldig.');
  assert.notEqual(determinations[1]!.type, determinations[1]!.proposed_outcome);
});
