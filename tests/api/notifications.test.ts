/**
 * Change notifications (issue 16) over real HTTP, on both databases: every dossier change writes
 * its dossier.invalidated events in its own transaction, routed at change time to the partners
 * that have the person in their integration register today and are authorised for a changed
 * cluster; the pull feed carries them; the relay pushes them, signed, to a real receiver process
 * that checks them with the helper shipped for partners — in order, at least once, through a
 * receiver that is down for a while, into dead letters after the retry period, and out again by replay.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type TestApp } from '../support/app.ts';
import { startReceiver, summarise, waitFor } from '../support/notifications.ts';
import { belgianToday, dayOffset } from '../../server/modules/integrations/integrations.service.ts';
import { inTransaction } from '../../server/platform/db.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { startRelay, type Relay, type RelaySettings } from '../../server/modules/notifications/notifications.relay.ts';
import { readWebhook, signWebhook, verifyWebhook } from '../../server/modules/notifications/verify.ts';

const FAST: RelaySettings = { pollMs: 50, timeoutMs: 1000, retrySeconds: 3600, backoffMs: 50, maxBackoffSeconds: 1, leaseSeconds: 5, alertAfter: 3 };

/**
 * A person with a case lead; OCMW A integrated today (capacity code 1: the seed 003 authorisation,
 * 17 clusters, not personalia); OCMW B whose integration ended yesterday; a VDAB authorised for
 * personalia only, integrated under its own capacity code; an OCMW that never integrated the person.
 */
async function world(app: TestApp) {
  const today = belgianToday();
  const agency = await app.factories.organisation({ kind: 'AGENCY', name: 'Agentschap Integratie en Inburgering' });
  const office = await app.factories.office(agency.id);
  const person = await app.factories.person();
  const ocmwA = await partner(app, 'OCMW', 'OCMW Gent');
  const ocmwB = await partner(app, 'OCMW', 'OCMW Aalst');
  const stranger = await partner(app, 'OCMW', 'OCMW Brugge');
  const vdab = await partner(app, 'VDAB', 'VDAB');
  await inTransaction(app.database.db, 'test:setup', (tx) =>
    sql`INSERT INTO authorisations (partner_organisation_id, purpose, clusters, legal_basis, starts_on, capacity_codes)
        VALUES (${vdab.organisation.id}::uuid, 'BEGELEIDING_NAAR_WERK', ARRAY['personalia'], 'test legal basis', DATE '2020-01-01', ARRAY['W1'])`.execute(tx),
  );
  const integrationA = await expectOk(await ocmwA.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1' }), 201);
  const integrationV = await expectOk(await vdab.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: 'W1' }), 201);
  await expectOk(await ocmwB.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '2', startsOn: dayOffset(today, -5) }), 201);
  await expectOk(await ocmwB.call('POST', '/api/exchange/v1/integrations/end', { insz: person.insz, capacityCode: '2', endsOn: dayOffset(today, -1) }));
  await app.factories.add(person.id, 'caseLead', { managingOfficeId: office.id, openedOn: dayOffset(today, -30) });
  return { person, office, ocmwA, ocmwB, stranger, vdab, integrationA, integrationV };
}

const invalidations = async (app: TestApp, organisationId: string) =>
  app.database.db
    .selectFrom('outbox_events')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('type', '=', 'dossier.invalidated')
    .orderBy('seq')
    .execute();

const touch = (app: TestApp, personId: string, table: 'dossiers' | 'persons') =>
  inTransaction(app.database.db, 'test:screen', (tx) =>
    table === 'persons'
      ? sql`UPDATE persons SET given_names = given_names || 'a' WHERE id = ${personId}::uuid`.execute(tx)
      : sql`UPDATE dossiers SET opened_on = opened_on WHERE person_id = ${personId}::uuid`.execute(tx),
  );

test('the receiver helper: a good signature passes; a tampered body, signature or secret and an old timestamp are refused', () => {
  const secret = 'k'.repeat(43);
  const body = JSON.stringify({ eventId: 'e', seq: 1 });
  const ts = Math.floor(Date.now() / 1000);
  const signature = signWebhook(secret, ts, body);
  assert.deepEqual(verifyWebhook({ secret, body, timestamp: String(ts), signature }), { ok: true });
  assert.deepEqual(verifyWebhook({ secret, body: body.replace('1', '2'), timestamp: String(ts), signature }), { ok: false, reason: 'signature' });
  assert.deepEqual(verifyWebhook({ secret, body, timestamp: String(ts), signature: signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0') }), {
    ok: false,
    reason: 'signature',
  });
  assert.deepEqual(verifyWebhook({ secret: 'x'.repeat(43), body, timestamp: String(ts), signature }), { ok: false, reason: 'signature' });
  assert.deepEqual(verifyWebhook({ secret, body, timestamp: String(ts - 301), signature: signWebhook(secret, ts - 301, body) }), {
    ok: false,
    reason: 'expired',
  });
  assert.deepEqual(verifyWebhook({ secret, body, timestamp: String(ts + 1), signature }), { ok: false, reason: 'signature' }, 'the timestamp is signed');
  assert.deepEqual(verifyWebhook({ secret, body, timestamp: undefined, signature }), { ok: false, reason: 'missing' });
  assert.deepEqual(verifyWebhook({ secret, body, timestamp: String(ts), signature: 'sha256=abc' }), { ok: false, reason: 'malformed' });

  // A delivery is an array of events, signed as a whole: readWebhook verifies it, then reads them.
  const events = [
    { eventId: 'a', seq: 7, at: '2026-12-05T10:00:00.000Z', type: 'dossier.invalidated', subjectId: 's', payload: {} },
    { eventId: 'b', seq: 9, at: '2026-12-05T10:00:00.001Z', type: 'dossier.invalidated', subjectId: 's', payload: {} },
  ];
  const delivery = JSON.stringify(events);
  const signed = (b: string) => ({ secret, body: Buffer.from(b), timestamp: String(ts), signature: signWebhook(secret, ts, b) });
  assert.deepEqual(readWebhook(signed(delivery)), { ok: true, events });
  assert.deepEqual(readWebhook({ ...signed(delivery), body: delivery.replace('"b"', '"c"') }), { ok: false, reason: 'signature' });
  assert.deepEqual(readWebhook(signed(body)), { ok: false, reason: 'malformed' }, 'signed, but not an array of events');
  assert.deepEqual(readWebhook(signed('[]')), { ok: false, reason: 'malformed' }, 'no events');
});

for (const which of TEST_DATABASES) {
  describe(`change notifications (${which.name})`, () => {
    test('routing at change time: only integrated, authorised partners, for the clusters they may read; the feed carries it', async (t) => {
      const app = await startTestApp(t, which);
      const w = await world(app);

      // The case lead was recorded through the staff API (a screen): caseLead is one of OCMW A's 17 clusters.
      let a = await invalidations(app, w.ocmwA.organisation.id);
      assert.equal(a.length, 1, 'the screen change made one event for OCMW A');
      assert.equal(a[0]!.subject_id, w.integrationA.id, "the person is named by OCMW A's own integration record");
      assert.deepEqual(a[0]!.payload, { integrationId: w.integrationA.id, clusters: ['caseLead'] });
      assert.equal(a[0]!.person_id, w.person.id);
      assert.ok(!JSON.stringify(a[0]).includes(w.person.insz), 'no INSZ in the outbox');
      assert.ok(!JSON.stringify(a[0]).includes(w.person.familyName), 'no name in the outbox');
      for (const p of [w.ocmwB, w.stranger, w.vdab])
        assert.equal(
          (await invalidations(app, p.organisation.id)).length,
          0,
          `${p.organisation.name} (ended, never integrated, not authorised for caseLead) gets nothing`,
        );

      // personalia: VDAB only (the OCMW authorisation does not name it).
      await touch(app, w.person.id, 'persons');
      const v = await invalidations(app, w.vdab.organisation.id);
      assert.equal(v.length, 1);
      assert.deepEqual(v[0]!.payload, { integrationId: w.integrationV.id, clusters: ['personalia'] });
      assert.equal((await invalidations(app, w.ocmwA.organisation.id)).length, 1, 'OCMW A is not authorised for personalia');

      // Several statements of one transaction about the person: one event, the clusters merged.
      await inTransaction(app.database.db, 'test:import', async (tx) => {
        await sql`UPDATE dossiers SET opened_on = opened_on WHERE person_id = ${w.person.id}::uuid`.execute(tx);
        await sql`UPDATE trajectories SET person_id = person_id WHERE person_id = ${w.person.id}::uuid`.execute(tx);
        await sql`UPDATE dossiers SET opened_on = opened_on WHERE person_id = ${w.person.id}::uuid`.execute(tx);
      });
      a = await invalidations(app, w.ocmwA.organisation.id);
      assert.equal(a.length, 2, 'one more event for the transaction');
      assert.deepEqual(a[1]!.payload.clusters, ['caseLead']);

      // A rolled-back change leaves no event.
      await assert.rejects(
        inTransaction(app.database.db, 'test:screen', async (tx) => {
          await sql`UPDATE dossiers SET opened_on = opened_on WHERE person_id = ${w.person.id}::uuid`.execute(tx);
          throw new Error('rolled back');
        }),
      );
      assert.equal((await invalidations(app, w.ocmwA.organisation.id)).length, 2);

      // The pull feed: the same event, with its id, and nothing about the person but the integration id.
      const feed = await expectOk(await w.ocmwA.call('GET', '/api/exchange/v1/events?after=0'));
      const mine = feed.items.filter((e: { type: string }) => e.type === 'dossier.invalidated');
      assert.equal(mine.length, 2);
      assert.deepEqual(
        { ...mine[0], at: undefined },
        { eventId: a[0]!.event_id, seq: Number(a[0]!.seq), at: undefined, type: 'dossier.invalidated', subjectId: w.integrationA.id, payload: a[0]!.payload },
      );
      assert.ok(!JSON.stringify(feed).includes(w.person.insz));
      const vfeed = await expectOk(await w.vdab.call('GET', '/api/exchange/v1/events?after=0'));
      assert.deepEqual(
        vfeed.items.map((e: { type: string }) => e.type),
        ['dossier.invalidated'],
      );

      // Every dossier table with the change triggers has its clusters for the routing.
      const { rows } = await sql<{ table_name: string }>`
        SELECT DISTINCT c.relname AS table_name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE t.tgname = 'dossier_changed_insert' AND c.relnamespace = current_schema()::regnamespace
           AND c.relname NOT IN (SELECT table_name FROM dossier_table_clusters)`.execute(app.database.db);
      assert.deepEqual(rows, [], 'dossier tables without routing clusters');
    });

    test('events that piled up go in one delivery; an event the partner refuses goes alone, and only it becomes a dead letter', async (t) => {
      const app = await startTestApp(t, which);
      const w = await world(app);
      const ocmw = w.ocmwA.organisation.id;
      const created = await expectOk(await app.call('PUT', `/api/v1/notifications/endpoints/${ocmw}`, { url: 'https://ocmw.example/hook', mode: 'PULL' }), 201);
      for (let i = 0; i < 5; i++) await touch(app, w.person.id, 'dossiers');
      const events = (await invalidations(app, ocmw)).slice(-5);
      // The partner cannot take the third event: it answers 422 to any delivery that carries it.
      const receiver = await startReceiver({ secret: created.secret, refuse: events[2]!.event_id });
      await expectOk(await app.call('PUT', `/api/v1/notifications/endpoints/${ocmw}`, { url: receiver.url, mode: 'BOTH' }));
      const relay = startRelay(app.app.deps, { ...FAST, retrySeconds: 0 }, createLogger('silent'));
      try {
        const view = await waitFor('the four others delivered and recorded', async () => {
          const v = (await expectOk(await app.call('GET', '/api/v1/notifications/endpoints'))).items[0];
          return v.pending === 0 && summarise(receiver.received()).distinct === 4 ? v : null;
        });
        const s = summarise(receiver.received());
        assert.deepEqual(
          s.seqs,
          [0, 1, 3, 4].map((i) => Number(events[i]!.seq)),
          'the others, in order',
        );
        assert.equal(s.duplicates, 0);
        const dead = (await expectOk(await app.call('GET', '/api/v1/notifications/deadLetters'))).items;
        assert.deepEqual(
          dead.map((d: { eventId: string }) => d.eventId),
          [events[2]!.event_id],
          'only the refused event is a dead letter',
        );
        const log = (await expectOk(await app.call('GET', `/api/v1/notifications/endpoints/${view.id}/attempts?limit=100`))).items.reverse();
        assert.deepEqual(
          log[0] && [log[0].seq, log[0].lastSeq, log[0].events, log[0].delivered, log[0].statusCode, log[0].error],
          [Number(events[0]!.seq), Number(events[4]!.seq), 5, false, 422, 'status 422'],
          'the five went together first and were refused as a whole',
        );
        const third = Number(events[2]!.seq);
        const carried = log.filter((a: { seq: number; lastSeq: number; replay: boolean }) => a.seq <= third && a.lastSeq >= third && !a.replay);
        assert.ok(
          carried.every((a: { delivered: boolean }) => !a.delivered),
          'no delivery that carried it succeeded',
        );
        assert.equal(carried.at(-1).events, 1, 'given up after it failed alone');
        assert.deepEqual(
          carried.map((a: { attempt: number }) => a.attempt),
          carried.map((_: unknown, i: number) => i + 1),
          'its attempts counted in every delivery that carried it',
        );
        assert.equal(dead[0].attempts, carried.length);
        assert.equal(receiver.rejected().length, carried.length);
      } finally {
        await relay.stop();
        await receiver.stop();
      }
    });

    test('pushed, signed, in order; through a receiver that is down a while; dead letters and their replay; the admin views', async (t) => {
      const app = await startTestApp(t, which);
      const w = await world(app);
      const ocmw = w.ocmwA.organisation.id;

      const forbidden = await (await app.as('AGENCY_CASEWORKER')).call('GET', '/api/v1/notifications/endpoints');
      assert.equal(forbidden.status, 403);
      const bad = await app.call('PUT', `/api/v1/notifications/endpoints/${ocmw}`, { url: 'http://partner.example/hook' });
      assert.equal(bad.status, 400, 'plain http only to this machine');

      // Register with a placeholder to learn the secret, then point it at the receiver.
      const created = await expectOk(await app.call('PUT', `/api/v1/notifications/endpoints/${ocmw}`, { url: 'https://ocmw.example/hook', mode: 'PULL' }), 201);
      assert.equal(typeof created.secret, 'string');
      let receiver = await startReceiver({ secret: created.secret });
      const file = receiver.file;
      const port = receiver.port;
      const updated = await expectOk(await app.call('PUT', `/api/v1/notifications/endpoints/${ocmw}`, { url: receiver.url }));
      assert.equal(updated.secret, undefined, 'the secret is shown only once');
      assert.equal(updated.mode, 'PULL');

      const relay = startRelay(app.app.deps, FAST, createLogger('silent'));
      let short: Relay | null = null;
      try {
        // PULL: the feed has the event, nothing is pushed.
        await touch(app, w.person.id, 'dossiers');
        await new Promise((r) => setTimeout(r, 400));
        assert.equal(receiver.received().length, 0, 'nothing pushed in PULL mode');
        const feed = await expectOk(await w.ocmwA.call('GET', '/api/exchange/v1/events?after=0'));
        assert.equal(feed.items.length, 2, 'the feed has the events from before the webhook and since');
        // BOTH: pushed from the webhook's registration on (what came before is in the feed only).
        await expectOk(await app.call('PUT', `/api/v1/notifications/endpoints/${ocmw}`, { url: receiver.url, mode: 'BOTH' }));
        for (let i = 0; i < 5; i++) await touch(app, w.person.id, 'dossiers');
        await waitFor('six deliveries', () => receiver.received().length >= 6);
        let s = summarise(receiver.received());
        assert.equal(s.distinct, 6);
        assert.ok(s.ordered, 'in sequence order');
        const got = receiver.received()[0]!;
        assert.equal(got.type, 'dossier.invalidated');
        assert.equal(got.subjectId, w.integrationA.id);
        assert.deepEqual(got.payload, { integrationId: w.integrationA.id, clusters: ['caseLead'] });

        // The receiver goes down; changes go on; it comes back on the same port: everything arrives, in order.
        await receiver.stop();
        for (let i = 0; i < 10; i++) await touch(app, w.person.id, 'dossiers');
        await waitFor(
          'the endpoint failing (alerted)',
          async () => (await expectOk(await app.call('GET', '/api/v1/notifications/endpoints'))).items[0].failing,
        );
        const failingView = (await expectOk(await app.call('GET', '/api/v1/notifications/endpoints'))).items[0];
        assert.equal(failingView.pending, 10);
        assert.ok(failingView.retrying.attempts >= FAST.alertAfter);
        assert.ok(failingView.alertedAt, 'alerted');
        receiver = await startReceiver({ secret: created.secret, port, file });
        await waitFor('sixteen events', () => summarise(receiver.received()).distinct >= 16);
        s = summarise(receiver.received());
        assert.equal(s.distinct, 16);
        assert.ok(s.ordered, `in sequence order: ${s.seqs.join(',')}`);
        const expected = (await invalidations(app, ocmw)).map((e) => Number(e.seq)).filter((seq) => seq >= s.seqs[0]!);
        assert.deepEqual(s.seqs, expected, 'every event after the webhook began, none skipped');
        // The event that failed went again alone; the ones that piled up behind it came together, in growing deliveries.
        const sizes = [
          ...new Map(
            receiver
              .received()
              .slice(6)
              .map((r) => [r.delivery, r.size]),
          ).values(),
        ];
        assert.equal(sizes[0], 1, 'the failed event is retried alone');
        assert.ok(sizes.length < 10 && sizes.some((n) => n > 1), `ten events in fewer deliveries (${sizes.join(', ')})`);
        // The relay records a round after its deliveries: wait for the record to catch up with the receiver.
        const view = await waitFor('the endpoint recorded as recovered', async () => {
          const v = (await expectOk(await app.call('GET', '/api/v1/notifications/endpoints'))).items[0];
          return v.pending === 0 && !v.failing ? v : null;
        });
        assert.equal(view.failing, false);
        assert.equal(view.pending, 0);
        const log = (await expectOk(await app.call('GET', `/api/v1/notifications/endpoints/${view.id}/attempts?limit=1000`))).items;
        assert.ok(
          log.some((a: { delivered: boolean; error: string }) => !a.delivered && /connection/.test(a.error)),
          'failed attempts recorded',
        );
        const delivered = log.filter((a: { delivered: boolean }) => a.delivered);
        assert.equal(
          delivered.reduce((n: number, a: { events: number }) => n + a.events, 0),
          16,
          'the delivered attempts carried the sixteen events',
        );
        for (const a of log) assert.ok(typeof a.latencyMs === 'number' && a.at && a.lastSeq >= a.seq && a.events >= 1);

        // A tampered signature is refused by the receiver (the helper), and the relay counts it as a failure.
        await inTransaction(app.database.db, 'test:tamper', (tx) => sql`UPDATE notification_endpoints SET secret = ${'x'.repeat(43)}`.execute(tx));
        await touch(app, w.person.id, 'dossiers');
        await waitFor('a rejected delivery', () => receiver.rejected().length > 0);
        assert.equal(receiver.rejected()[0]!.rejected, 'signature');
        assert.equal(summarise(receiver.received()).distinct, 16, 'nothing accepted with a wrong signature');

        // Retry period over: a dead letter; the next event goes on. Replay delivers it.
        await relay.stop();
        short = startRelay(app.app.deps, { ...FAST, retrySeconds: 0 }, createLogger('silent'));
        await waitFor('a dead letter', async () => (await expectOk(await app.call('GET', '/api/v1/notifications/deadLetters'))).items.length > 0);
        const dead = (await expectOk(await app.call('GET', '/api/v1/notifications/deadLetters'))).items;
        assert.equal(dead[0].status, 'DEAD');
        assert.equal(dead[0].organisationId, ocmw);
        await inTransaction(app.database.db, 'test:tamper', (tx) => sql`UPDATE notification_endpoints SET secret = ${created.secret}`.execute(tx));
        await touch(app, w.person.id, 'dossiers');
        await waitFor('the next event after the dead letter', () => summarise(receiver.received()).distinct >= 17);
        const replay = await expectOk(await app.call('POST', '/api/v1/notifications/replay', { eventId: dead[0].eventId }));
        assert.equal(replay.queued, 1);
        await waitFor('the replayed event', () => receiver.received().some((r) => r.eventId === dead[0].eventId));
        const after = await waitFor('the replay recorded', async () => {
          const items = (await expectOk(await app.call('GET', '/api/v1/notifications/deadLetters?all=true'))).items;
          return items[0].status === 'DELIVERED' ? items : null;
        });
        assert.equal(after[0].status, 'DELIVERED');
        assert.equal((await expectOk(await app.call('GET', '/api/v1/notifications/deadLetters'))).items.length, 0);
        const audit = await app.database.db.selectFrom('audit_log').select('action').where('action', 'like', 'notifications.%').execute();
        assert.deepEqual(audit.map((r) => r.action).sort(), [
          'notifications.endpoint.create',
          'notifications.endpoint.update',
          'notifications.endpoint.update',
          'notifications.replay',
        ]);
      } finally {
        await relay.stop();
        await short?.stop();
        await receiver.stop();
      }
    });
  });
}
