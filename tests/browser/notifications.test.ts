/**
 * The change-notice screen in Debian's Chromium: the administrator sees a partner's webhook that
 * keeps failing (alert, state, the delivery log with its failed attempts) and its dead letter, the
 * webhook is mended, and the replay button sends the dead letter again: a real receiver process
 * gets it, signed, and the dead letter leaves the list. The administrator then switches the
 * partner's channel to MAGDA.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';
import { startReceiver, waitFor } from '../support/notifications.ts';
import { inTransaction } from '../../server/platform/db.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { startRelay } from '../../server/modules/notifications/notifications.relay.ts';

const skip = browserSkipReason();

test('change notices: failing webhook, delivery log, dead letter and its replay', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t, 20);
  const db = world.database.db;
  const ocmw = await db.selectFrom('organisations').select(['id', 'name']).where('kind', '=', 'OCMW').orderBy('name').executeTakeFirstOrThrow();
  const person = await db
    .selectFrom('persons as p')
    .innerJoin('dossiers as d', 'd.person_id', 'p.id')
    .select(['p.id', 'p.insz'])
    .orderBy('p.id')
    .executeTakeFirstOrThrow();
  const secret = 's'.repeat(43);
  await inTransaction(db, 'test:setup', async (tx) => {
    await sql`INSERT INTO integrations (organisation_id, insz, capacity_code, starts_on) VALUES (${ocmw.id}::uuid, ${person.insz}, '1', current_date - 1)`.execute(
      tx,
    );
    await sql`INSERT INTO notification_endpoints (organisation_id, url, secret, cursor_seq)
              VALUES (${ocmw.id}::uuid, 'http://127.0.0.1:9/hooks/kbi', ${secret}, (SELECT seq FROM outbox_head))`.execute(tx);
  });
  const receiver = await startReceiver({ secret });
  const relay = startRelay(
    world.app.deps,
    { pollMs: 50, timeoutMs: 1000, retrySeconds: 0, backoffMs: 50, maxBackoffSeconds: 1, leaseSeconds: 5, alertAfter: 1 },
    createLogger('silent'),
  );
  try {
    await inTransaction(db, 'test:screen', (tx) => sql`UPDATE dossiers SET opened_on = opened_on WHERE person_id = ${person.id}::uuid`.execute(tx));
    await waitFor('a dead letter', async () => (await db.selectFrom('notification_dead_letters').select('seq').execute()).length === 1);

    const page = await world.loginAs('ADMINISTRATOR');
    await page.getByRole('link', { name: 'Beheer' }).click();
    await page.getByRole('link', { name: 'Wijzigingsberichten' }).click();
    await page.getByRole('heading', { name: 'Wijzigingsberichten aan partners', level: 2 }).waitFor();
    await page.getByText('1 webhooks falen herhaaldelijk').waitFor();
    const row = page.getByTestId('notification-endpoints').locator('tbody tr');
    assert.match(await row.innerText(), new RegExp(`${ocmw.name}[\\s\\S]*faalt`));
    await row.getByRole('button', { name: 'Leveringslog' }).click();
    const log = page.getByTestId('notification-log');
    await log.waitFor();
    assert.match(await log.innerText(), /dossier gewijzigd[\s\S]*mislukt[\s\S]*geen verbinding/);
    const dead = page.getByTestId('notification-dead-letters').locator('tbody tr');
    assert.equal(await dead.count(), 1);
    assert.match(await dead.innerText(), new RegExp(`${ocmw.name}[\\s\\S]*dossier gewijzigd`));
    await world.screenshot(page, 'notifications-failing');

    // The partner's receiver is up again at its address: send the dead letter again.
    await inTransaction(db, 'test:mend', (tx) => sql`UPDATE notification_endpoints SET url = ${receiver.url}`.execute(tx));
    await dead.getByRole('button', { name: 'Opnieuw versturen' }).click();
    await page.getByText('1 bericht staat opnieuw in de wachtrij.').waitFor();
    await waitFor('the replayed delivery', () => receiver.received().length === 1);
    assert.equal(receiver.received()[0]!.type, 'dossier.invalidated');
    // The relay records its round after the delivery.
    await waitFor(
      'the replay recorded',
      async () => (await db.selectFrom('notification_dead_letters').select('status').executeTakeFirst())?.status === 'DELIVERED',
    );
    await page.getByRole('button', { name: 'Vernieuwen' }).click();
    await page.getByText('Geen onbestelbare berichten.').waitFor();
    await page.getByText('in orde').waitFor();
    await world.screenshot(page, 'notifications-replayed');
    // On a phone the endpoints table scrolls sideways inside its frame; the page itself does not.
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scroll of the page at 390 px');
    await world.screenshot(page, 'notifications-replayed-390');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The partner's channel: a JSON webhook now, MAGDA's InvalidatieKBIDossier once chosen.
    const channel = row.getByRole('combobox', { name: `Kanaal van ${ocmw.name}` });
    assert.equal(await channel.inputValue(), 'WEBHOOK');
    await channel.selectOption({ label: 'MAGDA' });
    await page.getByText(`Berichten aan ${ocmw.name} gaan voortaan via MAGDA (InvalidatieKBIDossier).`).waitFor();
    assert.equal((await db.selectFrom('notification_endpoints').select('transport').executeTakeFirstOrThrow()).transport, 'MAGDA');
    assert.equal(await channel.inputValue(), 'MAGDA');
    await page.context().close();
  } finally {
    await relay.stop();
    await receiver.stop();
  }
});
