/**
 * Issue 17, crash safety: a KBI process killed with SIGKILL in the middle of an operation leaves all
 * of it or none of it, nothing half-done and nothing stuck, and the restarted process carries on.
 *
 * The kill lands where the test wants it: the process kills itself at a named point
 * (`KBI_CRASH_AT`, server/platform/crash.ts), or, for a webhook, while the partner's receiver holds
 * back its answer. Which database, and why:
 * - a caseworker's change through HTTP on the embedded PGlite, killed before and after its commit:
 *   the killed server held the data directory, so the question is what the reopened directory
 *   holds; and on PostgreSQL, killed inside the transaction: the server's backend must roll it back
 *   and let go of the record's row lock when its client dies;
 * - a statistics publication, a run of the rules' re-evaluation and a webhook delivery on
 *   PostgreSQL, where `kbi serve` or `kbi worker` is a process of its own beside the database, and
 *   the one restarted (or another) must not be held up by what the dead one held. What they must
 *   guarantee lies in where their transactions begin and end and in the leases and locks, which is
 *   the same code on PGlite (where the worker runs inside the server; the data directory's part is
 *   the first case).
 * Each case ends with `audit verify` on the database. Two cases run at a time: most of their time
 * is process starts and waiting for leases.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { migratedPgliteTemplate, TEST_DATABASES, type TestDatabase } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type TestApp } from '../support/app.ts';
import { personWithCaseLead, subscribedOcmw, summarise, waitFor } from '../support/notifications.ts';
import { startServerProcess, startWorkerProcess } from '../support/processes.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { inTransaction, openDatabase, type Database } from '../../server/platform/db.ts';
import { addDays } from '../../server/platform/calendar.ts';
import { verifyAuditChain } from '../../server/modules/audit/audit.verify.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';

const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');
const needsPostgres = postgres ? false : 'needs PostgreSQL (set KBI_TEST_DATABASE_URL; CI does)';
/** The URL of the test's own PostgreSQL database (startTestApp opened it). */
const dbUrl = (app: TestApp): string => (app.database as unknown as { url: string }).url;
const KILLED = { code: null, signal: 'SIGKILL' };
const patch = { 'content-type': 'application/merge-patch+json' };

/** The embedded database in a data directory, from the migrated template (the in-memory one of the other tests cannot be handed to another process). */
const pgliteIn = (dataDir: string): TestDatabase => ({
  name: 'pglite',
  async open() {
    const database = await openDatabase({ url: null, dataDir, template: await migratedPgliteTemplate() });
    return Object.assign(database, { url: null });
  },
});

/**
 * What the test started and must end if it fails half-way: call it before startTestApp, so that
 * these are killed before the test's database is dropped (after-hooks run in their order).
 */
function endsWith(t: TestContext) {
  const started: { stop(): Promise<unknown> }[] = [];
  t.after(() => Promise.all(started.map((p) => p.stop())));
  return <P extends { stop(): Promise<unknown> }>(p: P): P => {
    started.push(p);
    return p;
  };
}

async function auditIntact(database: Database): Promise<void> {
  const report = await verifyAuditChain(database.db);
  assert.ok(report.ok, `audit verify: ${JSON.stringify(report.problems)}`);
}

/**
 * A caseworker's change to a contract of a person an OCMW has in its register: the edit (a PATCH
 * with the ETag of version 1) and what the change consists of — the record, its old version in the
 * history, its audit record, the OCMW's change notice.
 */
async function contractChange(app: TestApp) {
  const { person, agency, office } = await personWithCaseLead(app);
  const ocmw = await partner(app, 'OCMW', 'OCMW Gent');
  await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1' }), 201);
  const contract = await app.factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: '2025-03-03', registeredOn: '2025-03-03', officeId: office.id });
  const caseworker = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
  const path = `/api/v1/contracts/${contract.id}`;
  const state = (database: Database) =>
    sql<{ version: number; end_date: string | null; history: number; audited: number; notices: number }>`
      SELECT c.version, c.end_date::text,
             (SELECT count(*)::int FROM contracts_history h WHERE h.id = c.id) AS history,
             (SELECT count(*)::int FROM audit_log a WHERE a.action = 'contracts.update' AND a.detail->>'recordId' = c.id::text) AS audited,
             (SELECT count(*)::int FROM outbox_events o WHERE o.person_id = c.person_id AND o.organisation_id = ${ocmw.organisation.id}::uuid) AS notices
        FROM contracts c WHERE c.id = ${contract.id}::uuid`
      .execute(database.db)
      .then((r) => r.rows[0]!);
  const before = await state(app.database);
  assert.deepEqual({ ...before, notices: 0 }, { version: 1, end_date: null, history: 0, audited: 0, notices: 0 });
  return {
    caseworker,
    path,
    state,
    before,
    /** All of the change, on top of `before`. */
    whole: { version: 2, end_date: '2026-06-30', history: 1, audited: 1, notices: before.notices + 1 },
    edit: (base: string) => caseworker.at(base)('PATCH', path, { endDate: '2026-06-30' }, { ...patch, 'if-match': '"1"' }),
  };
}

describe('crash safety', { concurrency: 2 }, () => {
  test("a caseworker's change, the server on the embedded database killed before and after its commit: none of it, then all of it; the retry changes nothing", async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kbi-crash-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const ends = endsWith(t);
    const app = await startTestApp(t, pgliteIn(dataDir));
    const change = await contractChange(app);
    await app.close(); // the server must have the data directory to itself
    /** The data directory as the next process finds it. */
    const reopened = async <T>(look: (database: Database) => Promise<T>): Promise<T> => {
      const database = await openDatabase({ url: null, dataDir });
      try {
        return await look(database);
      } finally {
        await database.close();
      }
    };

    // Killed inside the transaction, after the record and its audit row were written: nothing of it is there.
    const first = ends(await startServerProcess({ KBI_DATA_DIR: dataDir, KBI_WORKER: 'false', KBI_CRASH_AT: 'dossier.update.uncommitted' }));
    await assert.rejects(change.edit(first.base), 'no answer: the server died');
    assert.deepEqual(await first.exited, KILLED);
    assert.deepEqual(await reopened(change.state), change.before, 'none of the change');

    // Restarted, and killed after the commit, before the answer.
    const second = ends(await startServerProcess({ KBI_DATA_DIR: dataDir, KBI_WORKER: 'false', KBI_CRASH_AT: 'dossier.update.committed' }));
    const read = await change.caseworker.at(second.base)('GET', change.path);
    assert.equal(read.headers.get('etag'), '"1"', 'the restarted server serves the record as it was');
    await assert.rejects(change.edit(second.base), 'no answer: the server died');
    assert.deepEqual(await second.exited, KILLED);

    // A server on the directory again: all of the change, and the caseworker's retry with the ETag
    // of before (its answer was lost) is refused and changes nothing.
    const database = await openDatabase({ url: null, dataDir });
    const restarted = await buildApp({ config: loadConfig({ KBI_LOG_LEVEL: 'silent', KBI_DEMO_PERSONS: '0', PORT: '0', KBI_SERVE_WEB: 'false' }), database });
    t.after(async () => {
      await restarted.close();
      await database.close();
    });
    await restarted.http.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(restarted.http.server.address() as { port: number }).port}`;
    assert.deepEqual(await change.state(database), change.whole, 'all of the change');
    assert.equal((await change.edit(base)).status, 412, 'the retry: the record is at version 2 already');
    assert.deepEqual(await change.state(database), change.whole, 'the retry changed nothing');
    const versions = await expectOk(await change.caseworker.at(base)('GET', `${change.path}/versions`));
    assert.deepEqual(versions.items.map((v: { version: number }) => v.version).sort(), [1, 2], 'the history: the version before and the one after');
    await auditIntact(database);
  });

  test(
    "a caseworker's change, the server on PostgreSQL killed inside its transaction: rolled back, the record's lock gone, the edit again goes through whole",
    { skip: needsPostgres },
    async (t) => {
      const ends = endsWith(t);
      const app = await startTestApp(t, postgres!);
      const change = await contractChange(app);
      const server = ends(await startServerProcess({ KBI_DATABASE_URL: dbUrl(app), KBI_WORKER: 'false', KBI_CRASH_AT: 'dossier.update.uncommitted' }));
      await assert.rejects(change.edit(server.base), 'no answer: the server died');
      assert.deepEqual(await server.exited, KILLED);
      assert.deepEqual(await change.state(app.database), change.before, 'none of the change');
      // The dead server's transaction held the record (SELECT … FOR UPDATE): another process edits it
      // at once (a lock left behind would make this wait), and the change is there whole, once.
      const edited = await change.edit(app.base);
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.deepEqual(await change.state(app.database), change.whole);
      await auditIntact(app.database);
    },
  );

  test(
    'a statistics publication killed between its figures and its audit record: no publication, then one whole publication',
    { skip: needsPostgres },
    async (t) => {
      const ends = endsWith(t);
      const app = await startTestApp(t, postgres!);
      const agency = await app.factories.organisation({ kind: 'AGENCY', agency: 'AGII', name: 'Agentschap Integratie en Inburgering' });
      const gent = await app.factories.office(agency.id, { postcode: '9000', municipality: 'Gent' });
      for (const signedOn of ['2022-03-14', '2022-05-02', '2022-11-30']) {
        const person = await app.factories.person();
        await app.factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn, registeredOn: signedOn, officeId: gent.id });
      }
      const analyst = await app.as('MONITORING_ANALYST');
      const set = await expectOk(await analyst.call('GET', '/api/v1/statistics/sets/firstContracts'));
      await expectOk(await analyst.call('POST', `/api/v1/statistics/sets/firstContracts/versions/${set.version}/validations`, { note: 'checked' }), 201);
      const publication = () => ({ setId: 'firstContracts', year: 2022, provisional: false, asOf: new Date(Date.now() - 1000).toISOString() });
      const state = async () => {
        const { rows } = await sql<{ publications: number; audited: number }>`
      SELECT (SELECT count(*)::int FROM statistics_publications) AS publications,
             (SELECT count(*)::int FROM audit_log WHERE action = 'statistics.publish') AS audited`.execute(app.database.db);
        return rows[0]!;
      };

      const server = ends(await startServerProcess({ KBI_DATABASE_URL: dbUrl(app), KBI_WORKER: 'false', KBI_CRASH_AT: 'statistics.publish.stored' }));
      await assert.rejects(analyst.at(server.base)('POST', '/api/v1/statistics/publications', publication()), 'no answer: the server died');
      assert.deepEqual(await server.exited, KILLED);
      assert.deepEqual(await state(), { publications: 0, audited: 0 }, 'no publication without its audit record, nor the other way round');

      // Another process publishes again: one publication, with its audit record naming it.
      const published = await expectOk(await analyst.call('POST', '/api/v1/statistics/publications', publication()), 201);
      assert.equal(published.result.breakdowns[0].total.persons, 3);
      assert.deepEqual(await state(), { publications: 1, audited: 1 });
      const audit = await app.database.db.selectFrom('audit_log').select('detail').where('action', '=', 'statistics.publish').executeTakeFirstOrThrow();
      assert.equal((audit.detail as { publicationId: string }).publicationId, published.id);
      await auditIntact(app.database);
    },
  );

  test(
    'a rules run killed before it finished: no proposal of it, its run not left "running", and the next worker does the run whole',
    { skip: needsPostgres },
    async (t) => {
      const ends = endsWith(t);
      const app = await startTestApp(t, postgres!);
      const today = belgianToday();
      // Three obliged newcomers invited five months ago by registered letter, never registered: three proposals.
      const persons: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { person, office } = await personWithCaseLead(app);
        await app.factories.add(person.id, 'targetGroupDeterminations', {
          determinedOn: addDays(today, -190),
          determined: true,
          type: 'PLICHT',
          subtype: 'VOL_PROG',
        });
        await app.factories.add(person.id, 'invitations', { officeId: office.id, sentOn: addDays(today, -150), registeredLetter: true, status: 'SENT' });
        persons.push(person.id);
      }
      const proposals = () =>
        app.database.db
          .selectFrom('infringement_proposals')
          .select(['person_id', 'type'])
          .orderBy('person_id')
          .execute()
          .then((rows) => rows.map((r) => `${r.person_id} ${r.type}`));
      const runs = () => app.database.db.selectFrom('rule_evaluations').select(['id', 'kind', 'finished_at', 'error']).orderBy('started_at').execute();
      const rulesWorker = (env: Record<string, string> = {}) =>
        ends(startWorkerProcess(dbUrl(app), { KBI_RULE_EVALUATION_SECONDS: '1', KBI_NOTIFY_POLL_MS: '0', ...env }));

      const first = rulesWorker({ KBI_CRASH_AT: 'rules.evaluate.written' });
      assert.deepEqual(await first.exited, KILLED, 'the worker died in the middle of its first run');
      assert.deepEqual(await proposals(), [], 'none of its proposals');
      const [dead, ...others] = await runs();
      assert.ok(dead && !dead.finished_at && others.length === 0, 'the run it began, unfinished');

      const second = rulesWorker();
      await waitFor("the next worker's full run", async () => (await runs()).some((r) => r.kind === 'full' && r.finished_at && !r.error), 30_000);
      assert.deepEqual((await second.stop('SIGTERM')).code, 0);
      assert.deepEqual(
        await proposals(),
        persons.sort().map((p) => `${p} NIET_TIJDIG_AANGEMELD`),
        'each proposal once',
      );
      const all = await runs();
      const interrupted = all.find((r) => r.id === dead.id)!;
      assert.ok(interrupted.finished_at, 'the dead run is no longer shown running');
      assert.match(interrupted.error ?? '', /interrupted/);
      assert.deepEqual(
        all.filter((r) => !r.finished_at),
        [],
        'nothing left running',
      );
      await auditIntact(app.database);
    },
  );

  test(
    'a worker killed while the partner still holds a delivery of several events: after the lease runs out the next worker delivers them all again, same ids, and nothing stays in the outbox',
    { skip: needsPostgres },
    async (t) => {
      const ends = endsWith(t);
      const app = await startTestApp(t, postgres!);
      const { person } = await personWithCaseLead(app);
      // The receiver takes two seconds to answer: the kill lands while the delivery is in flight.
      const { organisationId, receiver } = await subscribedOcmw(app, person.insz, 'OCMW Gent', 2000);
      ends(receiver);
      const endpoint = () =>
        app.database.db
          .selectFrom('notification_endpoints')
          .select(['id', 'cursor_seq', 'head_seq', 'lease_owner', 'lease_until'])
          .where('organisation_id', '=', organisationId)
          .executeTakeFirstOrThrow();
      const registered = await endpoint();
      // Three changes, three transactions, before any worker runs: one delivery carries all three events.
      for (let i = 0; i < 3; i++)
        await inTransaction(app.database.db, 'test:change', (tx) =>
          sql`UPDATE dossiers SET opened_on = opened_on WHERE person_id = ${person.id}::uuid`.execute(tx),
        );
      const events = await app.database.db
        .selectFrom('outbox_events')
        .select(['seq', 'event_id'])
        .where('organisation_id', '=', organisationId)
        .where('seq', '>', registered.cursor_seq)
        .orderBy('seq')
        .execute();
      assert.equal(events.length, 3);
      const ids = events.map((e) => e.event_id);
      const last = Number(events[2]!.seq);
      const relay = { KBI_NOTIFY_TIMEOUT_MS: '3000', KBI_NOTIFY_LEASE_SECONDS: '6' };

      const first = ends(startWorkerProcess(dbUrl(app), relay));
      await waitFor('the delivery in flight', () => receiver.arrivals().length >= 1, 30_000);
      await first.stop('SIGKILL');
      const held = await endpoint();
      assert.deepEqual(receiver.arrivals(), [ids], 'one delivery, of the three events, in flight when the worker died');
      assert.ok(held.lease_owner && held.lease_until, 'the dead worker still holds the lease');
      assert.equal(Number(held.cursor_seq), Number(registered.cursor_seq), 'and had not recorded the delivery');

      const second = ends(startWorkerProcess(dbUrl(app), relay));
      await waitFor('the delivery recorded', async () => Number((await endpoint()).cursor_seq) >= last, 30_000);
      const done = await endpoint();
      assert.equal(Number(done.cursor_seq), last, 'the cursor past the last event');
      assert.equal(done.head_seq, null, 'no event waiting for a retry');
      assert.equal(done.lease_owner, null, 'the lease released');
      const attempts = await app.database.db
        .selectFrom('notification_attempts')
        .select(['seq', 'last_seq', 'events', 'event_id', 'delivered', 'worker', 'at'])
        .where('endpoint_id', '=', done.id)
        .execute();
      assert.equal(attempts.length, 1, "the dead worker's attempt was never recorded; the next one's was");
      const [attempt] = attempts;
      assert.deepEqual(
        [Number(attempt!.seq), Number(attempt!.last_seq), attempt!.events, attempt!.event_id],
        [Number(events[0]!.seq), last, 3, ids[0]],
        'one delivery of the three events',
      );
      assert.ok(attempt!.delivered && attempt!.worker !== held.lease_owner);
      assert.ok(new Date(attempt!.at as unknown as string) >= new Date(held.lease_until as unknown as string), 'not before the lease ran out');
      // Nothing stuck: no event of the partner after the cursor, no dead letter.
      const pending = await app.database.db
        .selectFrom('outbox_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organisation_id', '=', organisationId)
        .where('seq', '>', done.cursor_seq)
        .executeTakeFirstOrThrow();
      assert.equal(Number(pending.n), 0, 'nothing left in the outbox for the partner');
      const dead = await app.database.db.selectFrom('notification_dead_letters').select('seq').where('endpoint_id', '=', done.id).execute();
      assert.deepEqual(dead, [], 'no dead letter');

      // The receiver answered both deliveries (the first to a worker already gone): every event
      // twice, each time with its own id, in two deliveries of the three.
      await waitFor('both deliveries answered', () => receiver.received().length >= 6, 10_000);
      assert.deepEqual(receiver.arrivals(), [ids, ids], 'delivered again after the restart, with the same event ids');
      const received = receiver.received();
      assert.deepEqual(
        received.map((r) => [r.eventId, r.seq, r.index, r.size]),
        [0, 1].flatMap(() => events.map((e, i) => [e.event_id, Number(e.seq), i, 3])),
      );
      assert.equal(new Set(received.map((r) => r.delivery)).size, 2);
      const s = summarise(received);
      assert.deepEqual([s.distinct, s.duplicates, s.ordered], [3, 3, true]);
      assert.equal((await second.stop('SIGTERM')).code, 0, 'the worker stops cleanly');
      await auditIntact(app.database);
    },
  );

  test('KBI_CRASH_AT names one of the points, or the configuration refuses it', () => {
    assert.equal(loadConfig({}).crashAt, null);
    assert.equal(loadConfig({ KBI_CRASH_AT: 'rules.evaluate.written' }).crashAt, 'rules.evaluate.written');
    assert.throws(() => loadConfig({ KBI_CRASH_AT: 'rules.evaluate' }), /KBI_CRASH_AT must be one of dossier\.update\.uncommitted, /);
  });

  test('PostgreSQL ending a connection in a transaction or under a held lock fails that work, not the process', { skip: needsPostgres }, async (t) => {
    // A restart or fail-over of PostgreSQL does this to every connection: before the fix the
    // connection's unheard 'error' event ended the process (this test's, here).
    const database = await postgres!.open();
    t.after(() => database.close());
    /**
     * Ends the backend and waits until it is gone: its farewell (FATAL) was sent before it left, so
     * the connection learns of it while idle, between two statements of its user.
     */
    const terminate = async (pid: number) => {
      await sql`SELECT pg_terminate_backend(${pid})`.execute(database.db);
      await waitFor(`backend ${pid} gone`, async () => (await sql`SELECT 1 FROM pg_stat_activity WHERE pid = ${pid}`.execute(database.db)).rows.length === 0);
    };
    await assert.rejects(
      database.db.transaction().execute(async (tx) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx);
        await terminate(rows[0]!.pid);
        await sql`SELECT 1`.execute(tx);
      }),
      'the transaction fails',
    );
    const held = await database.tryLock('kbi:crash-safety');
    assert.ok(held);
    const { rows } = await sql<{ pid: number }>`
      SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(
      database.db,
    );
    await terminate(rows[0]!.pid);
    await held.release();
    const again = await database.tryLock('kbi:crash-safety');
    assert.ok(again, 'the lock went with its connection');
    await again.release();
    assert.deepEqual((await sql<{ one: number }>`SELECT 1 AS one`.execute(database.db)).rows, [{ one: 1 }], 'the pool serves on');
  });
});
