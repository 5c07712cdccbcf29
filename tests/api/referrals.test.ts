/**
 * The referral loop over real HTTP: an OCMW's partner client refers a person (toeleiding), the
 * agency's caseworker sees it in the worklist of their territory and decides, and the outcome goes
 * back to that OCMW — and to no other partner — through its event feed, written in the transaction
 * of the decision. Referrals past their deadline expire and say so. Appointment requests are
 * planned, held or cancelled by the agency, each step told to the requesting partner.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type Call, type TestApp } from '../support/app.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { addDays, addWorkingDays, easterSunday, isWorkingDay } from '../../server/platform/calendar.ts';
import { inTransaction } from '../../server/platform/db.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';
import { Writable } from 'node:stream';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { startReferralExpiry } from '../../server/modules/exchange/referrals.service.ts';
import { startWorker } from '../../server/worker.ts';

/**
 * An agency with two offices and a caseworker in the first; a person whose dossier that office
 * manages; two OCMWs that have the person in their register (capacity code 1).
 */
async function world(app: TestApp) {
  const agency = await app.factories.organisation({ kind: 'AGENCY', name: 'Agentschap Integratie en Inburgering' });
  const office = await app.factories.office(agency.id, { name: 'Kantoor Gent' });
  const otherOffice = await app.factories.office(agency.id, { name: 'Kantoor Aalst' });
  const person = await app.factories.person();
  await app.factories.add(person.id, 'caseLead', { managingOfficeId: office.id, openedOn: addDays(belgianToday(), -60) });
  const ocmw = await partner(app, 'OCMW', 'OCMW Gent');
  const otherOcmw = await partner(app, 'OCMW', 'OCMW Aalst');
  for (const p of [ocmw, otherOcmw]) await expectOk(await p.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1' }), 201);
  const caseworker = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
  return { agency, office, otherOffice, person, ocmw, otherOcmw, caseworker };
}

const count = async (app: TestApp, table: string) => (await app.rowCounts(table))[table]!;
const refer = (p: { call: Call }, insz: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  p.call('POST', '/api/exchange/v1/referrals', { insz, reason: 'LEEFLOON', description: 'Wil Nederlands leren.', ...body }, headers);
const decide = (caller: Call, id: string, version: number | null, body: Record<string, unknown>) =>
  caller('POST', `/api/v1/referrals/${id}/decision`, body, version === null ? {} : { 'if-match': `"${version}"` });
const events = async (p: { call: Call }, query = '') => expectOk(await p.call('GET', `/api/exchange/v1/events${query}`));

test('working days: the ten Belgian legal holidays and the weekend do not count', () => {
  assert.deepEqual(
    [2024, 2025, 2026, 2027, 2028].map(easterSunday),
    ['2024-03-31', '2025-04-20', '2026-04-05', '2027-03-28', '2028-04-16'],
    'domain-rules §6.1 table',
  );
  for (const holiday of ['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-07-21', '2026-08-15', '2026-11-11', '2026-12-25']) {
    assert.equal(isWorkingDay(holiday), false, holiday);
  }
  assert.equal(isWorkingDay('2026-07-11'), false, 'a Saturday');
  assert.equal(isWorkingDay('2027-07-12'), true, 'the Flemish community holiday (11 July) is no legal holiday; the Monday after is a working day');
  // Thursday 30 April 2026: Friday 1 May and Ascension (14 May) are skipped, as are the weekends.
  assert.equal(addWorkingDays('2026-04-30', 10), '2026-05-18');
  assert.equal(addWorkingDays('2026-12-24', 1), '2026-12-28', 'Christmas and the weekend');
});

for (const which of TEST_DATABASES) {
  describe(`referral loop (${which.name})`, () => {
    test('a partner refers, the agency decides, and only the referring partner learns the outcome', async (t) => {
      const app = await startTestApp(t, which);
      const { agency, otherOffice, person, ocmw, otherOcmw, caseworker } = await world(app);
      const today = belgianToday();

      await t.test('a partner without an authorisation is refused (403, audited) and nothing is stored', async () => {
        const vdab = await partner(app, 'VDAB');
        const res = await refer(vdab, person.insz);
        assert.equal(res.status, 403);
        assert.equal(res.body.code, 'noAuthorisation');
        const audit = await app.database.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
        assert.deepEqual(
          [audit.action, audit.result, audit.organisation_id, audit.person_id],
          ['exchange.referral', 'denied', vdab.organisation.id, person.id],
        );
        assert.equal(await count(app, 'referrals'), 0);
      });

      await t.test('a person KBI does not know is a 404, audited', async () => {
        const stranger = makeInsz({ birthDate: '1985-03-04', serial: 777 });
        await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: stranger, capacityCode: '1' }), 201);
        const res = await refer(ocmw, stranger);
        assert.equal(res.status, 404);
        const audit = await app.database.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
        assert.deepEqual([audit.action, audit.result, audit.person_id], ['exchange.referral', 'denied', null]);
        assert.ok(audit.insz_hash, 'findable by the INSZ asked about');
        assert.equal(await count(app, 'referrals'), 0);
      });

      await t.test('bad input names its field and stores nothing', async () => {
        const res = await refer(ocmw, person.insz, { reason: 'GEEN_CODE', purpose: 'GEEN_DOEL' });
        assert.equal(res.status, 400);
        assert.deepEqual(res.body.issues.map((i: any) => i.name).sort(), ['purpose', 'reason']);
        const notAgency = await refer(ocmw, person.insz, { toOrganisationId: otherOcmw.organisation.id });
        assert.equal(notAgency.status, 400);
        assert.equal(notAgency.body.issues[0].name, 'toOrganisationId');
        assert.equal(await count(app, 'referrals'), 0);
      });

      let referral: any;
      await t.test(
        'a referral goes to the agency that manages the dossier, due in ten working days; a retry with the same Idempotency-Key replays',
        async () => {
          const key = { 'idempotency-key': 'referral-test-0001' };
          const first = await refer(ocmw, person.insz, {}, key);
          referral = await expectOk(first, 201);
          assert.equal(referral.toOrganisationId, agency.id, 'derived from the managing office');
          assert.deepEqual([referral.status, referral.referredOn, referral.respondBy, referral.version], ['SENT', today, addWorkingDays(today, 10), 1]);
          assert.equal(first.headers.get('etag'), '"1"');
          const again = await refer(ocmw, person.insz, {}, key);
          assert.equal(again.status, 201);
          assert.equal(again.headers.get('idempotent-replayed'), 'true');
          assert.deepEqual(again.body, referral);
          assert.equal(await count(app, 'referrals'), 1, 'one referral for two sends');
          const reused = await refer(ocmw, person.insz, { reason: 'WERKZOEKENDE' }, key);
          assert.equal(reused.status, 422, 'the same key for another request');
          assert.equal(await count(app, 'referrals'), 1);
        },
      );

      await t.test('the caseworker of the managing office sees it; a colleague of another office and a House of Dutch do not', async () => {
        const list = await expectOk(await caseworker.call('GET', '/api/v1/worklist/referrals?status=SENT'));
        assert.equal(list.items.length, 1);
        const item = list.items[0];
        assert.deepEqual(
          [item.id, item.insz, item.familyName, item.givenNames, item.fromOrganisationName, item.reason, item.respondBy],
          [referral.id, person.insz, person.familyName, person.givenNames, 'OCMW Gent', 'LEEFLOON', referral.respondBy],
        );
        const audit = await app.database.db
          .selectFrom('audit_log')
          .selectAll()
          .where('action', '=', 'referrals.worklist')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        assert.deepEqual(audit.detail.found, [referral.id], 'the worklist read is audited with what it showed');

        const colleague = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [otherOffice.id] });
        assert.deepEqual((await expectOk(await colleague.call('GET', '/api/v1/worklist/referrals'))).items, [], 'outside their territory');
        const lead = await app.as('TEAM_LEAD', { organisationId: agency.id });
        assert.equal((await expectOk(await lead.call('GET', '/api/v1/worklist/referrals'))).items.length, 1, 'the team lead sees the whole organisation');
        const house = await app.as('HOUSE_OF_DUTCH', { organisationId: agency.id, officeIds: [otherOffice.id] });
        assert.equal((await house.call('GET', '/api/v1/worklist/referrals')).status, 403, 'a role that may not change referrals');
        assert.equal(
          (await colleague.call('POST', `/api/v1/referrals/${referral.id}/decision`, { decision: 'ACCEPTED' }, { 'if-match': '"1"' })).status,
          404,
          'nor decide on one',
        );
      });

      await t.test('a rejection without a reason is refused naming the reason, and nothing changes', async () => {
        const before = await count(app, 'outbox_events');
        for (const body of [{ decision: 'REJECTED' }, { decision: 'REJECTED', reason: 'AANGEMELD' }, { decision: 'REJECTED', reason: 'GEEN_CODE' }]) {
          const res = await decide(caseworker.call, referral.id, 1, body);
          assert.equal(res.status, 400, JSON.stringify(body));
          assert.equal(res.body.issues[0].name, 'reason');
        }
        const row = await app.database.db.selectFrom('referrals').selectAll().where('id', '=', referral.id).executeTakeFirstOrThrow();
        assert.deepEqual([row.status, row.version, row.decided_on], ['SENT', 1, null]);
        assert.equal(await count(app, 'outbox_events'), before);
      });

      await t.test('a decision needs If-Match: without one 428, a stale one 412; the current one accepts', async () => {
        assert.equal((await decide(caseworker.call, referral.id, null, { decision: 'ACCEPTED' })).status, 428);
        const stale = await decide(caseworker.call, referral.id, 7, { decision: 'ACCEPTED' });
        assert.equal(stale.status, 412);
        assert.equal(stale.body.currentVersion, 1);
        const accepted = await decide(caseworker.call, referral.id, 1, { decision: 'ACCEPTED', reason: 'INTAKE_GEPLAND' });
        const body = await expectOk(accepted);
        assert.deepEqual([body.status, body.decidedOn, body.decisionReason, body.version], ['ACCEPTED', today, 'INTAKE_GEPLAND', 2]);
        assert.equal(accepted.headers.get('etag'), '"2"');
        const again = await decide(caseworker.call, referral.id, 2, { decision: 'REJECTED', reason: 'DUBBEL' });
        assert.equal(again.status, 409, 'a decided referral stays decided');
        assert.equal((await expectOk(await caseworker.call('GET', '/api/v1/worklist/referrals?status=SENT'))).items.length, 0);
      });

      await t.test("the referring partner's search shows the outcome; another partner's shows nothing", async () => {
        const mine = await expectOk(await ocmw.call('POST', '/api/exchange/v1/referrals/search', { insz: person.insz }));
        assert.deepEqual(
          mine.items.map((r: any) => [r.id, r.status, r.decidedOn, r.decisionReason, r.insz]),
          [[referral.id, 'ACCEPTED', today, 'INTAKE_GEPLAND', person.insz]],
        );
        assert.equal((await expectOk(await ocmw.call('POST', '/api/exchange/v1/referrals/search', {}))).items.length, 1);
        assert.deepEqual((await expectOk(await otherOcmw.call('POST', '/api/exchange/v1/referrals/search', { insz: person.insz }))).items, []);
      });

      await t.test('the event feed tells the referring partner, without a name or an INSZ, and no other partner', async () => {
        const feed = await events(ocmw);
        assert.equal(feed.items.length, 1);
        const [event] = feed.items;
        assert.equal(event.type, 'referral.decided');
        assert.equal(event.subjectId, referral.id);
        assert.deepEqual(event.payload, { referralId: referral.id, status: 'ACCEPTED', decidedOn: today, decisionReason: 'INTAKE_GEPLAND' });
        const text = JSON.stringify(feed);
        for (const secret of [person.insz, person.familyName, person.givenNames]) assert.ok(!text.includes(secret), 'no personal data in the feed');
        assert.deepEqual(feed.next, String(event.seq));
        assert.deepEqual((await events(otherOcmw)).items, []);
        assert.equal((await caseworker.call('GET', '/api/exchange/v1/events')).status, 401, 'the feed is for partner clients');
      });
    });

    test('the event feed pages in order with a cursor that skips nothing', async (t) => {
      const app = await startTestApp(t, which);
      const { person, ocmw, otherOcmw, caseworker } = await world(app);
      const ids: string[] = [];
      for (const [from, reason] of [
        [ocmw, 'LEEFLOON'],
        [otherOcmw, 'TAALVRAAG'],
        [ocmw, 'WERKZOEKENDE'],
        [ocmw, 'ANDERE'],
      ] as const) {
        ids.push((await expectOk(await refer(from, person.insz, { reason }), 201)).id);
      }
      for (const [i, id] of ids.entries()) {
        await expectOk(await decide(caseworker.call, id, 1, i % 2 ? { decision: 'REJECTED', reason: 'DUBBEL' } : { decision: 'ACCEPTED' }));
      }
      const first = await events(ocmw, '?after=0&limit=2');
      assert.deepEqual(
        first.items.map((e: any) => e.subjectId),
        [ids[0], ids[2]],
      );
      assert.equal(first.more, true);
      const second = await events(ocmw, `?after=${first.next}&limit=2`);
      assert.deepEqual(
        second.items.map((e: any) => [e.subjectId, e.payload.status]),
        [[ids[3], 'REJECTED']],
      );
      assert.equal(second.more, false);
      const caughtUp = await events(ocmw, `?after=${second.next}`);
      assert.deepEqual([caughtUp.items, caughtUp.next], [[], second.next], 'nothing new: the same cursor again');
      const seqs = [...first.items, ...second.items].map((e: any) => e.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
      );
      const all = await app.database.db.selectFrom('outbox_events').select('seq').orderBy('seq').execute();
      assert.deepEqual(
        all.map((r) => Number(r.seq)),
        [1, 2, 3, 4],
        'gapless sequence numbers',
      );
      assert.deepEqual(
        (await events(otherOcmw)).items.map((e: any) => e.subjectId),
        [ids[1]],
      );
      assert.equal((await ocmw.call('GET', '/api/exchange/v1/events?limit=0')).status, 400);
      assert.equal((await ocmw.call('GET', '/api/exchange/v1/events?after=-1')).status, 400);
    });

    test('decisions taken at the same moment: every event is in the feed, numbered without gaps', async (t) => {
      const app = await startTestApp(t, which);
      const { person, ocmw, caseworker } = await world(app);
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push((await expectOk(await refer(ocmw, person.insz), 201)).id);
      const answers = await Promise.all(ids.map((id) => decide(caseworker.call, id, 1, { decision: 'ACCEPTED' })));
      assert.deepEqual(
        answers.map((a) => a.status),
        ids.map(() => 200),
      );
      const feed = await events(ocmw);
      assert.deepEqual(
        feed.items.map((e: any) => e.seq),
        [1, 2, 3, 4, 5, 6, 7, 8],
      );
      assert.deepEqual(feed.items.map((e: any) => e.subjectId).sort(), [...ids].sort());
    });

    test('a decision and its event commit together: when the event cannot be written, the decision is not made', async (t) => {
      const app = await startTestApp(t, which);
      const { person, ocmw, caseworker } = await world(app);
      const referral = await expectOk(await refer(ocmw, person.insz), 201);
      // The outbox refuses every row for now, as a full disk or a broken constraint would.
      await sql`CREATE FUNCTION test_refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$`.execute(
        app.database.db,
      );
      await sql`CREATE TRIGGER test_refuse_event BEFORE INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION test_refuse_event()`.execute(app.database.db);
      const failed = await decide(caseworker.call, referral.id, 1, { decision: 'ACCEPTED' });
      assert.equal(failed.status, 500);
      const row = await app.database.db.selectFrom('referrals').selectAll().where('id', '=', referral.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.status, row.version], ['SENT', 1], 'the decision rolled back with its event');
      assert.equal(await count(app, 'outbox_events'), 0);
      assert.equal(await count(app, 'referrals_history'), 0, 'not even a history row');

      await sql`DROP TRIGGER test_refuse_event ON outbox_events`.execute(app.database.db);
      await expectOk(await decide(caseworker.call, referral.id, 1, { decision: 'ACCEPTED' }));
      assert.equal(await count(app, 'outbox_events'), 1);
    });

    test('a referral without a decision past its deadline expires, tells the partner once, and can still be decided', async (t) => {
      const app = await startTestApp(t, which);
      const { person, ocmw, caseworker } = await world(app);
      const today = belgianToday();
      const overdue = await expectOk(await refer(ocmw, person.insz), 201);
      const dueToday = await expectOk(await refer(ocmw, person.insz, { reason: 'TAALVRAAG' }), 201);
      // Twenty days ago, due yesterday; the other due today (still on time).
      await inTransaction(app.database.db, 'test:setup', async (tx) => {
        await tx
          .updateTable('referrals')
          .set({ referred_on: addDays(today, -20), respond_by: addDays(today, -1) })
          .where('id', '=', overdue.id)
          .execute();
        await tx
          .updateTable('referrals')
          .set({ referred_on: addDays(today, -14), respond_by: today })
          .where('id', '=', dueToday.id)
          .execute();
      });

      const feed = await events(ocmw);
      assert.deepEqual(
        feed.items.map((e: any) => [e.type, e.subjectId, e.payload.status, e.payload.respondBy]),
        [['referral.expired', overdue.id, 'EXPIRED', addDays(today, -1)]],
      );
      const listed = await expectOk(await ocmw.call('POST', '/api/exchange/v1/referrals/search', { insz: person.insz }));
      assert.deepEqual(
        listed.items.map((r: any) => [r.id, r.status]).sort(),
        [
          [overdue.id, 'EXPIRED'],
          [dueToday.id, 'SENT'],
        ].sort(),
      );
      const sent = await expectOk(await caseworker.call('GET', '/api/v1/worklist/referrals?status=SENT'));
      assert.deepEqual(
        sent.items.map((r: any) => r.id),
        [dueToday.id],
        'due today is still on time',
      );
      const expired = await expectOk(await caseworker.call('GET', '/api/v1/worklist/referrals?status=EXPIRED'));
      assert.deepEqual(
        expired.items.map((r: any) => [r.id, r.version]),
        [[overdue.id, 3]],
      );
      assert.equal((await events(ocmw)).items.length, 1, 'expiry is told once, however often it is read');
      const audit = await app.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'referrals.expire').execute();
      assert.deepEqual(
        audit.map((a) => [a.person_id, a.actor_id]),
        [[person.id, 'system:referral-expiry']],
      );

      const late = await expectOk(await decide(caseworker.call, overdue.id, 3, { decision: 'REJECTED', reason: 'ONBEREIKBAAR' }));
      assert.equal(late.status, 'REJECTED', 'a late decision is still a decision');
      assert.deepEqual(
        (await events(ocmw, `?after=${feed.next}`)).items.map((e: any) => [e.type, e.payload.status]),
        [['referral.decided', 'REJECTED']],
      );
      // Sorted by deadline: the list answers the closest deadline first.
      const all = await expectOk(await caseworker.call('GET', '/api/v1/worklist/referrals'));
      assert.deepEqual(
        all.items.map((r: any) => r.id),
        [overdue.id, dueToday.id],
      );
    });

    test('the worker expires overdue referrals by itself, without a read, and a failed sweep is logged and tried again', async (t) => {
      const app = await startTestApp(t, which);
      const { person, ocmw } = await world(app);
      const today = belgianToday();
      const status = async (id: string) =>
        (await app.database.db.selectFrom('referrals').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
      const overdue = async () => {
        const r = await expectOk(await refer(ocmw, person.insz), 201);
        await inTransaction(app.database.db, 'test:setup', (tx) =>
          tx
            .updateTable('referrals')
            .set({ referred_on: addDays(today, -20), respond_by: addDays(today, -1) })
            .where('id', '=', r.id)
            .execute(),
        );
        return r.id as string;
      };
      const config = loadConfig({ KBI_LOG_LEVEL: 'silent', KBI_DEMO_PERSONS: '0', KBI_SERVE_WEB: 'false', KBI_REFERRAL_EXPIRY_MINUTES: '15' });
      const first = await overdue();
      await (await buildApp({ config, database: app.database })).close();
      assert.equal(await status(first), 'SENT', 'the web app runs no timers: starting it sweeps nothing');
      await startWorker(app.app.deps, { referralExpiryMinutes: 0, ruleEvaluationSeconds: 0 }, createLogger('silent')).stop();
      assert.equal(await status(first), 'SENT', 'KBI_REFERRAL_EXPIRY_MINUTES=0: no sweep');
      await startWorker(app.app.deps, config, createLogger('silent')).stop(); // stop() waits for a sweep in progress
      assert.equal(await status(first), 'EXPIRED', 'a starting worker sweeps at once');
      const expiredEvents = () =>
        app.database.db.selectFrom('outbox_events').select(['organisation_id', 'subject_id']).where('type', '=', 'referral.expired').execute();
      assert.deepEqual(await expiredEvents(), [{ organisation_id: ocmw.organisation.id, subject_id: first }], 'the referring partner is told');

      // The sweep repeats: while the outbox refuses events a run fails, is logged and changes nothing; the next run succeeds.
      const second = await overdue();
      await sql`CREATE FUNCTION test_refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$`.execute(
        app.database.db,
      );
      await sql`CREATE TRIGGER test_refuse_event BEFORE INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION test_refuse_event()`.execute(app.database.db);
      const lines: string[] = [];
      const log = createLogger(
        'info',
        new Writable({
          write(chunk, _enc, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      );
      const sweep = startReferralExpiry({ db: app.database.db, database: app.database, codes: app.app.codes, acceptTestInsz: false }, 20, log);
      t.after(() => sweep.stop());
      const until = async (what: string, ok: () => Promise<boolean>) => {
        for (const started = Date.now(); !(await ok());) {
          if (Date.now() - started > 10_000) assert.fail(`timed out waiting: ${what}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until('a failed sweep is logged', async () => lines.some((l) => l.includes('referral_expiry_failed')));
      assert.equal(await status(second), 'SENT', 'the failed run rolled back');
      const failure = JSON.parse(lines.find((l) => l.includes('referral_expiry_failed'))!);
      assert.deepEqual([failure.level, failure.code, failure.message], [50, 'P0001', 'outbox unavailable']);
      assert.ok(!lines.join('').includes(person.insz) && !lines.join('').includes(person.familyName), 'no personal data in the log');
      await sql`DROP TRIGGER test_refuse_event ON outbox_events`.execute(app.database.db);
      await until('the next run expires the referral', async () => (await status(second)) === 'EXPIRED');
      await until('the expiry is logged', async () => lines.some((l) => l.includes('referrals_expired')));
      assert.deepEqual(
        (await expiredEvents()).map((e) => e.subject_id),
        [first, second],
      );

      await sweep.stop();
      const third = await overdue();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await status(third), 'SENT', 'a stopped sweep runs no more');
    });

    test('appointment requests: planned, held or cancelled by the agency, each step told to the requesting partner', async (t) => {
      const app = await startTestApp(t, which);
      const { agency, office, person, ocmw, otherOcmw, caseworker } = await world(app);
      const request = async (reason: string) => expectOk(await ocmw.call('POST', '/api/exchange/v1/appointments', { insz: person.insz, reason }), 201);
      const first = await request('NT2');
      const second = await request('INFO_TRAJECT');
      const step = (id: string, name: string, version: number, body: Record<string, unknown> = {}) =>
        caseworker.call('POST', `/api/v1/appointments/${id}/${name}`, body, { 'if-match': `"${version}"` });

      const registered = await expectOk(await caseworker.call('GET', '/api/v1/worklist/appointments?status=REGISTERED'));
      assert.deepEqual(registered.items.map((a: any) => a.id).sort(), [first.id, second.id].sort());
      assert.equal(registered.items[0].familyName, person.familyName);
      assert.equal(registered.items[0].requestedByName, 'OCMW Gent');
      assert.equal(
        (await (await app.as('HOUSE_OF_DUTCH', { organisationId: agency.id, officeIds: [office.id] })).call('GET', '/api/v1/worklist/appointments')).status,
        403,
      );

      const held = await step(first.id, 'hold', 1);
      assert.equal(held.status, 409, 'a registered appointment cannot be marked held');
      assert.match(held.body.detail, /REGISTERED/);
      const foreignOffice = await app.factories.office(ocmw.organisation.id);
      const wrongOffice = await step(first.id, 'plan', 1, { plannedAt: new Date(Date.now() + 2 * 86_400_000).toISOString(), officeId: foreignOffice.id });
      assert.equal(wrongOffice.status, 400);
      assert.equal(wrongOffice.body.issues[0].name, 'officeId');
      const past = await step(first.id, 'plan', 1, { plannedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(), officeId: office.id });
      assert.equal(past.body.issues[0].name, 'plannedAt');
      assert.equal((await step(first.id, 'plan', 5, { plannedAt: new Date(Date.now() + 86_400_000).toISOString(), officeId: office.id })).status, 412);
      const unchanged = await app.database.db.selectFrom('appointments').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
      assert.deepEqual([unchanged.status, unchanged.version], ['REGISTERED', 1], 'refused steps change nothing');

      const soon = new Date(Date.now() + 2 * 86_400_000).toISOString();
      const planned = await expectOk(await step(first.id, 'plan', 1, { plannedAt: soon, officeId: office.id }));
      assert.deepEqual([planned.status, planned.plannedAt, planned.officeId, planned.version], ['PLANNED', soon, office.id, 2]);
      assert.equal((await step(first.id, 'hold', 2)).status, 422, 'not held before its moment');
      const earlier = new Date(Date.now() - 3_600_000).toISOString();
      const moved = await expectOk(await step(first.id, 'plan', 2, { plannedAt: earlier, officeId: office.id }));
      assert.equal(moved.version, 3, 'planning again moves it');
      assert.equal((await expectOk(await step(first.id, 'hold', 3))).status, 'HELD');
      assert.equal((await step(first.id, 'cancel', 4)).status, 409, 'a held appointment cannot be cancelled');

      const cancelled = await expectOk(await step(second.id, 'cancel', 1, { reason: 'Cliënt verhuisd' }));
      assert.deepEqual([cancelled.status, cancelled.cancellationReason], ['CANCELLED', 'Cliënt verhuisd']);
      assert.equal((await step(second.id, 'plan', 2, { plannedAt: soon, officeId: office.id })).status, 409, 'a cancelled appointment cannot be planned');

      const feed = await events(ocmw);
      assert.deepEqual(
        feed.items.map((e: any) => [e.type, e.subjectId, e.payload.status]),
        [
          ['appointment.planned', first.id, 'PLANNED'],
          ['appointment.planned', first.id, 'PLANNED'],
          ['appointment.held', first.id, 'HELD'],
          ['appointment.cancelled', second.id, 'CANCELLED'],
        ],
      );
      assert.equal(feed.items[0].payload.plannedAt, soon);
      assert.ok(!JSON.stringify(feed).includes('verhuisd'), 'the free-text reason stays home');
      assert.ok(!JSON.stringify(feed).includes(person.insz));
      assert.deepEqual((await events(otherOcmw)).items, []);
      const partnerView = await expectOk(await ocmw.call('POST', '/api/exchange/v1/appointments/search', { insz: person.insz }));
      assert.deepEqual(
        partnerView.items.map((a: any) => [a.id, a.status]).sort(),
        [
          [first.id, 'HELD'],
          [second.id, 'CANCELLED'],
        ].sort(),
      );
    });
  });
}
