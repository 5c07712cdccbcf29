/** The statistics screen: seed 001's table of exchanges per partner and month, with distinct dossiers and a chart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';

const skip = browserSkipReason();

test('the monitoring analyst reads the exchanges per partner and month, in exchanges and in dossiers', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t, 40);
  // A partner client of the demo OCMW consults one of its integrated clients three times.
  const admin = await world.loginAs('ADMINISTRATOR');
  const { csrfToken } = await (await admin.request.get('/api/v1/session')).json();
  const ocmw = await world.database.db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select(['organisations.id', 'organisations.name'])
    .where('users.username', '=', 'demo.ocmwsocialworker')
    .executeTakeFirstOrThrow();
  const client = await (
    await admin.request.post('/api/v1/partnerClients', { data: { organisationId: ocmw.id, clientId: 'stats-ocmw' }, headers: { 'x-csrf-token': csrfToken } })
  ).json();
  const token = (await (
    await fetch(`${world.base}/api/exchange/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'stats-ocmw', client_secret: client.clientSecret }),
    })
  ).json()) as { access_token: string };
  const { insz } = await world.database.db
    .selectFrom('integrations')
    .select('insz')
    .where('organisation_id', '=', ocmw.id)
    .orderBy('insz')
    .executeTakeFirstOrThrow();
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${world.base}/api/exchange/v1/dossiers/consult`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.access_token}` },
      body: JSON.stringify({ insz, purpose: 'BEGELEIDING_OCMW_CLIENT' }),
    });
    assert.equal(res.status, 200);
  }
  await admin.context().close();

  const page = await world.loginAs('MONITORING_ANALYST');
  // The analyst lands on the portal of base sets; the exchange report is one link away.
  await page.waitForURL('**/statistics');
  await page.getByRole('link', { name: 'Uitwisselingen met partners per maand' }).click();
  await page.waitForURL('**/statistics/exchanges');
  const table = page.getByRole('table', { name: /per maand en per partner/ });
  await table.waitFor();
  assert.ok(await table.getByRole('columnheader', { name: ocmw.name }).isVisible(), 'the OCMW has a column');
  // Its total: 3 exchanges of 1 dossier.
  const totals = table.locator('tfoot tr');
  assert.match((await totals.textContent()) ?? '', /3 \(1 dossier\)/);
  assert.ok(await page.locator('canvas[role=img]').isVisible(), 'the chart is drawn');
  await page.getByLabel('dossiers').check();
  assert.match((await page.locator('canvas[role=img]').getAttribute('aria-label')) ?? '', /dossiers per maand/);
  const purpose = page.getByRole('table', { name: 'Per doeleinde' });
  assert.match((await purpose.textContent()) ?? '', /3/);
  await world.screenshot(page, 'statistics-exchanges');

  // A month after "to" before "from" is refused at the field.
  await page.getByLabel('Tot en met (maand)').fill('2015-01');
  await page.getByRole('button', { name: 'Tonen' }).click();
  const field = page.getByLabel('Tot en met (maand)');
  await page.locator('.field-error').first().waitFor();
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  await page.context().close();
});
