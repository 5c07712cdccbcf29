/**
 * What daily users tripped over (issue 14), in French: an empty log-in is said at its fields, an
 * unknown address offers the way back, a mistyped NISS is explained in French; the OCMW integrates a
 * client only after saying what that opens and asking for the confirmation, then refers the client
 * from the same screen. The Dutch walks are in app.test.ts and consultation.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';

const skip = browserSkipReason();
const dotted = (insz: string) => `${insz.slice(0, 2)}.${insz.slice(2, 4)}.${insz.slice(4, 6)}-${insz.slice(6, 9)}.${insz.slice(9)}`;

test('en français : connexion, page inconnue, NISS erroné, intégration et orientation par le CPAS', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t);
  const db = world.database.db;

  await t.test('an empty log-in and an unknown address', async () => {
    const page = await (await world.context({ locale: 'fr-BE' })).newPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText("Indiquez votre nom d'utilisateur.").waitFor();
    await page.getByText('Indiquez votre mot de passe.').waitFor();
    await page.context().close();

    const lost = await world.loginAs('AGENCY_CASEWORKER', { locale: 'fr-BE' });
    await lost.goto('/pas/de/page');
    await lost.getByRole('heading', { level: 1, name: "Cette page n'existe pas" }).waitFor();
    await lost.getByRole('link', { name: "Vers la page d'accueil" }).click();
    await lost.waitForURL((u) => !u.pathname.startsWith('/pas/'));
    await lost.getByLabel('NISS').fill('85.07.30-033.62');
    await lost.locator('form button[type=submit]').click();
    await lost.getByText('Les chiffres de contrôle ne correspondent pas : vérifiez le numéro.').waitFor();
    assert.equal(await lost.getByText(/check digits|controlecijfers/).count(), 0, 'neither English nor Dutch');
    await lost.context().close();
  });

  await t.test('the OCMW says what integrating opens, asks for the confirmation, then refers the client', async () => {
    const ocmw = await db.selectFrom('users').select('organisation_id').where('role', '=', 'OCMW_SOCIAL_WORKER').executeTakeFirstOrThrow();
    const registered = (await db.selectFrom('integrations').select('insz').where('organisation_id', '=', ocmw.organisation_id).execute()).map((r) => r.insz);
    const outsider = await db
      .selectFrom('persons')
      .innerJoin('dossiers', 'dossiers.person_id', 'persons.id')
      .select(['persons.insz', 'persons.id'])
      .where('persons.insz', 'not in', registered)
      .where('dossiers.managing_office_id', 'is not', null)
      .orderBy('persons.insz', 'desc')
      .executeTakeFirstOrThrow();
    const page = await world.loginAs('OCMW_SOCIAL_WORKER', { locale: 'fr-BE' });
    await page.getByLabel('NISS du client').fill(dotted(outsider.insz));
    await page.getByRole('button', { name: 'Consulter', exact: true }).click();
    await page.getByRole('heading', { name: 'Non intégré' }).waitFor();
    await page.getByRole('button', { name: 'Intégrer et consulter à nouveau' }).click();
    await page.getByText('Choisissez un code qualité.').waitFor();
    await page.getByLabel('Code qualité').selectOption({ value: '1' });
    await page.getByText(/KBI ouvre aujourd'hui à votre CPAS les données/).waitFor();
    await page.getByRole('button', { name: 'Intégrer et consulter à nouveau' }).click();
    await page.getByText('Confirmez la relation avec le client pour intégrer.').waitFor();
    await page.getByLabel(/Je confirme que cette personne est aujourd'hui client de notre CPAS/).check();
    await page.getByRole('button', { name: 'Intégrer et consulter à nouveau' }).click();
    await page.getByText('Le client est intégré dans le répertoire de votre CPAS.').waitFor();
    await page.getByRole('button', { name: 'Nouvelle orientation' }).click();
    const referral = page.getByRole('form', { name: "Orienter ce client vers l'agence d'intégration civique" });
    await referral.getByRole('button', { name: 'Orienter' }).click();
    await referral.getByText('Choisissez un motif.').waitFor();
    await referral.getByLabel('Motif').selectOption({ index: 1 });
    await referral.getByRole('button', { name: 'Orienter' }).click();
    await page.getByText(/L'orientation est envoyée/).waitFor();
    const sent = await db.selectFrom('referrals').select('status').where('person_id', '=', outsider.id).where('from_id', '=', ocmw.organisation_id).execute();
    assert.deepEqual(
      sent.map((r) => r.status),
      ['SENT'],
    );
    await world.screenshot(page, 'consultation-fr-integrated-referred');
    await page.context().close();
  });
});
