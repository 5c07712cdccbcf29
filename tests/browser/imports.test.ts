/** The import-runs screen: the administrator follows the course-feed batches and reads a refused batch's row-level error report. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';

const skip = browserSkipReason();

test('the administrator sees each import run and the error report of a refused batch', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t, 40);
  const admin = await world.loginAs('ADMINISTRATOR');
  const { csrfToken } = await (await admin.request.get('/api/v1/session')).json();

  // A CVO of the demo world, with an API client, re-sends attendance it sent before (a good
  // batch: nothing changes) and then a batch with two bad lines (refused whole).
  const rows = (
    await sql<{ insz: string; training_code: string; start_date: string; code: string; starts_at: Date; attendance: string; provider_id: string }>`
    SELECT pe.insz, c.training_code, c.start_date::text AS start_date, m.code, l.starts_at, p.attendance, c.provider_id
      FROM participations p JOIN persons pe ON pe.id = p.person_id JOIN lessons l ON l.id = p.lesson_id
      JOIN course_modules m ON m.id = l.module_id JOIN courses c ON c.id = m.course_id JOIN organisations o ON o.id = c.provider_id
     WHERE o.kind IN ('CVO', 'CBE') AND c.training_code IS NOT NULL
     ORDER BY c.provider_id, pe.insz, l.starts_at LIMIT 3`.execute(world.database.db)
  ).rows;
  assert.ok(rows.length >= 1, 'the demo world has attendance at a CVO');
  const provider = rows[0]!.provider_id;
  const mine = rows.filter((r) => r.provider_id === provider);
  const client = await (
    await admin.request.post('/api/v1/partnerClients', { data: { organisationId: provider, clientId: 'cvo-feed' }, headers: { 'x-csrf-token': csrfToken } })
  ).json();
  const token = (
    (await (
      await fetch(`${world.base}/api/exchange/v1/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'cvo-feed', client_secret: client.clientSecret }),
      })
    ).json()) as { access_token: string }
  ).access_token;
  const send = (batchId: string, csv: string) =>
    fetch(`${world.base}/api/exchange/v1/imports/participations?batchId=${batchId}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${token}` },
      body: csv,
    });
  const header = 'insz;trainingCode;courseStart;moduleCode;lessonStart;attendance';
  const line = (r: (typeof mine)[number], attendance = r.attendance) =>
    [r.insz, r.training_code, r.start_date, r.code, new Date(r.starts_at).toISOString(), attendance].join(';');
  const good = await send('feed-2026-11-30', [header, ...mine.map((r) => line(r))].join('\n') + '\n');
  assert.equal(good.status, 200, await good.clone().text());
  const bad = await send(
    'feed-2026-12-01',
    [header, line(mine[0]!), line(mine[0]!, 'MISSCHIEN'), '12345678901;X;2020-01-01;M;2020-01-01T09:00;PRESENT'].join('\n') + '\n',
  );
  assert.equal(bad.status, 400);

  await admin.goto('/admin/imports');
  const table = admin.getByRole('table', { name: /importruns/ });
  await table.waitFor();
  const goodRow = table.getByRole('row', { name: /feed-2026-11-30/ });
  assert.match((await goodRow.textContent()) ?? '', /Ingelezen/);
  const badRow = table.getByRole('row', { name: /feed-2026-12-01/ });
  assert.match((await badRow.textContent()) ?? '', /Geweigerd/);
  await admin.getByRole('button', { name: 'Details van feed-2026-12-01' }).click();
  const report = admin.getByRole('region', { name: /Foutenrapport/ });
  await report.waitFor();
  const text = (await report.textContent()) ?? '';
  assert.match(text, /Niets van deze batch werd ingelezen/);
  // Line 3 has an unknown attendance code; line 4 a malformed INSZ: each named with its line and column.
  const lines = await report.locator('tbody tr').allTextContents();
  assert.ok(
    lines.some((l) => l.startsWith('3') && /attendance/.test(l) && /niet in codelijst attendance/.test(l)),
    `line 3 reported in Dutch: ${lines.join(' | ')}`,
  );
  assert.ok(
    lines.some((l) => l.startsWith('4') && /insz/.test(l) && /geen geldig INSZ/.test(l)),
    `line 4 reported in Dutch: ${lines.join(' | ')}`,
  );
  await world.screenshot(admin, 'admin-import-runs');
  await admin.context().close();
});
