/**
 * Issue 17, big tables (migration 0037): the audit trail and the outbox are partitioned by month of
 * `at`. Rows land in their month's partition; the months ahead and a DEFAULT partition are made in
 * advance (by the migration and the worker); the audit chain verifies with its rows spread over
 * several months; and the retention purge drops whole months past their term — only those of which
 * every row may go — deletes the rest row by row, audits it, and leaves the published statistics as
 * they were.
 *
 * Participations are partitioned by the year of their lesson (migration 0038): each row carries its
 * lesson's date, a lesson moved to another year takes its participations along (one recorded
 * version each), and the purge drops a year once the persons' purges left it empty and it lies past
 * the courses term.
 *
 * Rows of past months are written as they would have been written then: with the triggers off
 * (session_replication_role, as the database owner), their chain hash and sequence number computed
 * the way the triggers compute them. The backdated audit rows take lane 15, which no test uses
 * otherwise, so that they are that lane's oldest rows, as old rows are.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { publishFirstContracts } from '../support/statistics.ts';
import { expectOk, partner, startTestApp } from '../support/app.ts';
import type { Db } from '../../server/platform/db.ts';
import { ensurePartitions, listPartitions } from '../../server/platform/partitions.ts';
import { verifyAuditChain } from '../../server/modules/audit/audit.verify.ts';
import { purge } from '../../server/modules/retention/retention.service.ts';

/** `<table>__YYYY_MM` of the UTC month `offset` months from the one of `at`. */
function monthName(table: string, at: Date, offset = 0): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
  return `${table}__${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Appends an audit row written at `at` to lane 15 of the chain, hashed as the chain trigger hashes. */
async function backdatedAuditRow(db: Db, at: string): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    const head = (await sql<{ seq: string; hash: string | null }>`SELECT seq, hash FROM audit_chain_lanes WHERE lane = 15 FOR UPDATE`.execute(tx)).rows[0]!;
    const seq = Number(head.seq) + 1;
    const { rows } = await sql<{ id: string }>`
      INSERT INTO audit_log (at, actor_id, actor_kind, action, result, detail, lane, seq, prev_hash, hash)
      VALUES (${at}::timestamptz, 'test:backdated', 'system', 'test.backdated', 'allowed', '{}', 15, ${seq}, ${head.hash}, '') RETURNING id`.execute(tx);
    const { rows: hashed } = await sql<{ hash: string }>`
      UPDATE audit_log a SET hash = kbi_audit_row_hash(a.prev_hash, a) WHERE lane = 15 AND seq = ${seq} RETURNING hash`.execute(tx);
    await sql`UPDATE audit_chain_lanes SET seq = ${seq}, hash = ${hashed[0]!.hash} WHERE lane = 15`.execute(tx);
    return Number(rows[0]!.id);
  });
}

/** Appends a change notice for `organisationId` written at `at`, numbered as the sequence trigger numbers. */
async function backdatedEvent(db: Db, organisationId: string, at: string): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(tx);
    const { rows } = await sql<{ seq: string }>`UPDATE outbox_head SET seq = seq + 1 WHERE id = 1 RETURNING seq`.execute(tx);
    const seq = Number(rows[0]!.seq);
    await sql`INSERT INTO outbox_events (seq, at, organisation_id, type, subject_id, payload, recorded_by)
      VALUES (${seq}, ${at}::timestamptz, ${organisationId}, 'referral.expired', gen_random_uuid(), '{}', 'test:backdated')`.execute(tx);
    return seq;
  });
}

const partitionOf = async (db: Db, table: 'audit_log' | 'outbox_events', column: 'id' | 'seq', value: number) =>
  (await sql<{ p: string }>`SELECT tableoid::regclass::text AS p FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${value}`.execute(db)).rows[0]?.p ?? null;

for (const which of TEST_DATABASES) {
  test(`the audit trail and the outbox are partitioned by month, made ahead, with a DEFAULT partition (${which.name})`, async (t) => {
    const app = await startTestApp(t, which);
    const db = app.database.db;
    const now = new Date();
    for (const table of ['audit_log', 'outbox_events'] as const) {
      const names = (await listPartitions(db, table)).map((p) => p.name);
      for (let i = 0; i <= 3; i++)
        assert.ok(names.includes(monthName(table, now, i)), `${table}: ${monthName(table, now, i)} made ahead (${names.join(', ')})`);
      assert.equal(names.at(-1), `${table}__default`);
      const { rows } = await sql<{ kind: string }>`SELECT c.relkind::text AS kind FROM pg_class c WHERE c.oid = ${table}::regclass`.execute(db);
      assert.equal(rows[0]!.kind, 'p', `${table} is a partitioned table`);
    }

    // A read is audited in this month's partition; a partner's event too.
    const person = await app.factories.person();
    await expectOk(await app.call('GET', `/api/v1/persons/${person.id}/dossier`));
    const last = Number((await sql<{ id: string }>`SELECT max(id) AS id FROM audit_log`.execute(db)).rows[0]!.id);
    assert.equal(await partitionOf(db, 'audit_log', 'id', last), monthName('audit_log', now));
    const ocmw = await partner(app, 'OCMW');
    const seq = await backdatedEvent(db, ocmw.organisation.id, now.toISOString());
    assert.equal(await partitionOf(db, 'outbox_events', 'seq', seq), monthName('outbox_events', now));

    // The worker's upkeep: months ahead of a later day are made once; a row of a month without a
    // partition lands in DEFAULT, and that month is then not made over it (the insert never failed).
    const later = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 6, 15));
    const years = (await listPartitions(db, 'participations')).map((p) => p.name);
    const made = await ensurePartitions(db, later.toISOString());
    assert.deepEqual(
      made.filter((n) => !n.startsWith('participations')),
      [0, 1, 2, 3]
        .flatMap((i) => ['audit_log', 'outbox_events'].map((table) => ({ table, name: monthName(table, later, i) })))
        .sort((a, b) => a.table.localeCompare(b.table))
        .map((x) => x.name),
    );
    assert.deepEqual(
      made.filter((n) => n.startsWith('participations')),
      [later.getUTCFullYear(), later.getUTCFullYear() + 1].map((y) => `participations__${y}`).filter((n) => !years.includes(n)),
      'this year and the next of participations',
    );
    assert.deepEqual(await ensurePartitions(db, later.toISOString()), [], 'nothing twice');
    const old = await backdatedAuditRow(db, '2011-05-10T10:00:00Z');
    assert.equal(await partitionOf(db, 'audit_log', 'id', old), 'audit_log__default');
    assert.equal((await sql<{ made: string | null }>`SELECT kbi_add_partition('audit_log', 'month', '2011-05-15') AS made`.execute(db)).rows[0]!.made, null);
    assert.equal(await partitionOf(db, 'audit_log', 'id', old), 'audit_log__default', 'the row stays where it is');
    assert.equal(
      (await sql<{ made: string | null }>`SELECT kbi_add_partition('audit_log', 'month', '2011-06-15') AS made`.execute(db)).rows[0]!.made,
      'audit_log__2011_06',
    );

    // The application role reaches the rows through their parent only.
    if (which.name === 'postgres') {
      const { rows } = await sql<{ parent: boolean; partition: boolean }>`
        SELECT has_table_privilege('kbi_app', 'audit_log', 'INSERT') AS parent, has_table_privilege('kbi_app', ${monthName('audit_log', now)}, 'SELECT') AS partition`.execute(
        db,
      );
      assert.deepEqual(rows[0], { parent: true, partition: false });
    }
    assert.ok((await verifyAuditChain(db)).ok);
  });

  test(`the purge drops whole months past their term, deletes the rest row by row, audits it; the chain verifies and the statistics stay (${which.name})`, async (t) => {
    const app = await startTestApp(t, which);
    const db = app.database.db;
    const add = (table: string, month: string) =>
      sql<{ made: string | null }>`SELECT kbi_add_partition(${table}, 'month', ${month}::timestamptz) AS made`.execute(db);

    // The audit trail: lane 15 from 2014 on, over three months with partitions and one without (DEFAULT).
    for (const m of ['2014-02-15', '2015-01-15', '2016-06-15']) await add('audit_log', m);
    const audit = {
      feb14: await backdatedAuditRow(db, '2014-02-10T10:00:00Z'),
      may14: await backdatedAuditRow(db, '2014-05-10T10:00:00Z'),
      jan15: await backdatedAuditRow(db, '2015-01-10T10:00:00Z'),
      jun16: await backdatedAuditRow(db, '2016-06-10T10:00:00Z'),
    };
    assert.deepEqual(
      await Promise.all(Object.values(audit).map((id) => partitionOf(db, 'audit_log', 'id', id))),
      ['audit_log__2014_02', 'audit_log__default', 'audit_log__2015_01', 'audit_log__2016_06'],
      'each row in its month',
    );
    assert.deepEqual((await verifyAuditChain(db)).problems, [], 'the chain verifies across the months');

    // The outbox: 2022-05 (delivered), 2022-09 (one delivered, one a webhook still waits for), 2023-06.
    const a = await partner(app, 'OCMW', 'OCMW A');
    const b = await partner(app, 'OCMW', 'OCMW B');
    for (const m of ['2022-05-15', '2022-09-15', '2023-06-15']) await add('outbox_events', m);
    const events = {
      may22: await backdatedEvent(db, a.organisation.id, '2022-05-10T10:00:00Z'),
      sep22: await backdatedEvent(db, a.organisation.id, '2022-09-10T10:00:00Z'),
      sep22pending: await backdatedEvent(db, b.organisation.id, '2022-09-11T10:00:00Z'),
      jun23: await backdatedEvent(db, a.organisation.id, '2023-06-10T10:00:00Z'),
    };
    await db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('kbi.actor', 'test:setup', true)`.execute(tx);
      await sql`INSERT INTO notification_endpoints (organisation_id, url, secret, cursor_seq)
        VALUES (${b.organisation.id}, 'https://b.example/hook', ${'s'.repeat(40)}, ${events.sep22pending - 1})`.execute(tx);
    });

    // Published statistics of 2024, with a contract in them.
    const agency = await app.factories.organisation({ kind: 'AGENCY', agency: 'AGII', name: 'Agentschap Integratie en Inburgering' });
    const gent = await app.factories.office(agency.id, { postcode: '9000', municipality: 'Gent' });
    const person = await app.factories.person();
    await app.factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: '2024-03-14', registeredOn: '2024-03-14', officeId: gent.id });
    const { analyst, pub, published } = await publishFirstContracts(app, 2024);
    const before = await published();

    // The clock at 2025-03-01: the audit trail keeps from 2015-03-01 on, the change notices from 2023-03-01 on.
    const today = '2025-03-01';
    const dry = await purge(db, { today, dryRun: true });
    const planOf = (report: typeof dry, rule: string) => report.logs.find((l) => l.ruleId === rule)!;
    assert.deepEqual(planOf(dry, 'audit-trail').partitions, { audit_log: ['audit_log__2014_02', 'audit_log__2015_01'] });
    assert.equal(planOf(dry, 'audit-trail').rows.audit_log, 3);
    assert.deepEqual(planOf(dry, 'partner-events').partitions, { outbox_events: ['outbox_events__2022_05'] });
    assert.equal(planOf(dry, 'partner-events').rows.outbox_events, 2, 'the event a webhook still waits for stays');

    const run = await purge(db, { today, dryRun: false });
    assert.equal(run.failed, 0);
    assert.deepEqual(planOf(run, 'audit-trail').partitions, { audit_log: ['audit_log__2014_02', 'audit_log__2015_01'] });
    assert.equal(planOf(run, 'audit-trail').rows.audit_log, 3);
    assert.deepEqual(planOf(run, 'partner-events').partitions, { outbox_events: ['outbox_events__2022_05'] });
    assert.equal(planOf(run, 'partner-events').rows.outbox_events, 2);

    // The old months are gone whole, the newer ones stay; DEFAULT and the month with a waiting event lost their old rows one by one.
    const names = async (table: 'audit_log' | 'outbox_events') => (await listPartitions(db, table)).map((p) => p.name);
    const auditMonths = await names('audit_log');
    assert.ok(!auditMonths.includes('audit_log__2014_02') && !auditMonths.includes('audit_log__2015_01'), auditMonths.join(', '));
    assert.ok(auditMonths.includes('audit_log__2016_06') && auditMonths.includes('audit_log__default'));
    assert.deepEqual(await Promise.all(Object.values(audit).map((id) => partitionOf(db, 'audit_log', 'id', id))), [null, null, null, 'audit_log__2016_06']);
    const outboxMonths = await names('outbox_events');
    assert.ok(!outboxMonths.includes('outbox_events__2022_05'), outboxMonths.join(', '));
    assert.ok(outboxMonths.includes('outbox_events__2022_09') && outboxMonths.includes('outbox_events__2023_06'));
    assert.deepEqual(await Promise.all(Object.values(events).map((seq) => partitionOf(db, 'outbox_events', 'seq', seq))), [
      null,
      null,
      'outbox_events__2022_09',
      'outbox_events__2023_06',
    ]);

    // Audited: the anchor names the months dropped, the log trim too; and the chain verifies from its checkpoint.
    const records = await db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'retention.%').orderBy('id').execute();
    const anchor = records.find((r) => r.action === 'retention.auditTrimmed')!;
    assert.deepEqual((anchor.detail as any).partitions, ['audit_log__2014_02', 'audit_log__2015_01']);
    assert.ok((anchor.detail as any).checkpoints.some((c: any) => c.lane === 15 && c.seq === 3));
    const trimmed = records.find((r) => r.action === 'retention.logTrimmed' && (r.detail as any).rule === 'partner-events')!;
    assert.deepEqual((trimmed.detail as any).partitions, { outbox_events: ['outbox_events__2022_05'] });
    assert.equal((trimmed.detail as any).rows.outbox_events, 2);
    assert.deepEqual((await verifyAuditChain(db)).problems, []);
    const summary = (await db.selectFrom('retention_runs').select('summary').where('id', '=', run.runId!).executeTakeFirstOrThrow()).summary as any;
    assert.deepEqual(summary.partitions['audit-trail'], { audit_log: ['audit_log__2014_02', 'audit_log__2015_01'] });

    // The published statistics: the same bytes, and recomputed the same figures.
    assert.deepEqual(await published(), before);
    const restated = await expectOk(await analyst.call('GET', `/api/v1/statistics/publications/${pub.id}/restatement`));
    assert.equal(restated.unchanged, true);

    // Nothing is due twice; the next audited read still lands in this month.
    const again = await purge(db, { today, dryRun: true });
    assert.equal(planOf(again, 'audit-trail').partitions, undefined);
    assert.equal(planOf(again, 'partner-events').partitions, undefined);
    await expectOk(await app.call('GET', `/api/v1/persons/${person.id}/dossier`));
    assert.ok((await verifyAuditChain(db)).ok);
  });

  test(`participations are partitioned by the year of their lesson; a year goes once the persons' purges left it empty (${which.name})`, async (t) => {
    const app = await startTestApp(t, which);
    const db = app.database.db;
    const f = app.factories;
    const year = new Date().getUTCFullYear();
    const names = async () => (await listPartitions(db, 'participations')).map((p) => p.name);
    for (const y of [year, year + 1]) assert.ok((await names()).includes(`participations__${y}`), `${y} made ahead`);
    for (const y of [2011, 2012, 2022, 2030])
      assert.equal(
        (await sql<{ made: string }>`SELECT kbi_add_partition('participations', 'year', ${`${y}-07-01`}::timestamptz) AS made`.execute(db)).rows[0]!.made,
        `participations__${y}`,
      );

    const provider = await f.organisation({ kind: 'CVO', name: 'CVO Gent' });
    const { course, module, lessons } = await f.course(provider.id, 4); // 5, 12, 19 and 26 September 2022
    const enrol = async (personId: string, enrolledOn: string) =>
      f.add(personId, 'enrolments', { courseId: course.id, moduleId: module.id, enrolledOn, status: 'INGESCHREVEN' });
    const attend = async (personId: string, enrolmentId: string, lessonId: string) =>
      f.add(personId, 'participations', { enrolmentId, lessonId, attendance: 'PRESENT' });
    // P1, last active in 2012, follows the first two lessons; P3, last active in 2022, the first, third and fourth.
    const p1 = await f.person();
    const p3 = await f.person();
    const e1 = await enrol(p1.id, '2012-08-20');
    const e3 = await enrol(p3.id, '2022-08-20');
    const a1 = await attend(p1.id, e1.id, lessons[0].id);
    const a2 = await attend(p1.id, e1.id, lessons[1].id);
    const b1 = await attend(p3.id, e3.id, lessons[0].id);
    const b3 = await attend(p3.id, e3.id, lessons[2].id);
    const b4 = await attend(p3.id, e3.id, lessons[3].id);
    const where = async (id: string) =>
      (
        await sql<{
          p: string;
          lesson_on: string;
          version: number;
        }>`SELECT tableoid::regclass::text AS p, lesson_on::text, version FROM participations WHERE id = ${id}`.execute(db)
      ).rows[0] ?? null;
    assert.deepEqual(await where(a1.id), { p: 'participations__2022', lesson_on: '2022-09-05', version: 1 });

    // The second lesson was in 2012, the third is in 2030, the fourth was in 2011: their participations move along, one recorded version each.
    await db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('kbi.actor', 'test:planner', true)`.execute(tx);
      await sql`UPDATE lessons SET starts_at = '2012-09-12T09:00:00Z' WHERE id = ${lessons[1].id}`.execute(tx);
      await sql`UPDATE lessons SET starts_at = '2030-09-19T09:00:00Z' WHERE id = ${lessons[2].id}`.execute(tx);
      await sql`UPDATE lessons SET starts_at = '2011-09-26T09:00:00Z' WHERE id = ${lessons[3].id}`.execute(tx);
    });
    assert.deepEqual(await where(a2.id), { p: 'participations__2012', lesson_on: '2012-09-12', version: 2 });
    assert.deepEqual(await where(b3.id), { p: 'participations__2030', lesson_on: '2030-09-19', version: 2 });
    assert.deepEqual(await where(b4.id), { p: 'participations__2011', lesson_on: '2011-09-26', version: 2 });
    const history = async (id: string) =>
      (
        await sql<{
          version: number;
          lesson_on: string;
        }>`SELECT version, lesson_on::text FROM participations_history WHERE id = ${id} ORDER BY version`.execute(db)
      ).rows;
    assert.deepEqual(await history(a2.id), [{ version: 1, lesson_on: '2022-09-12' }], 'the earlier version kept once, not once per half of the move');
    await assert.rejects(
      db.transaction().execute(async (tx) => {
        await sql`SELECT set_config('kbi.actor', 'test:planner', true)`.execute(tx);
        await sql`UPDATE participations SET lesson_on = '2022-01-01' WHERE id = ${a1.id}`.execute(tx);
      }),
      /not the date of its lesson/,
    );

    // The courses cluster deleted after its term; the clock in mid-2030: P1's last activity (2012) is past
    // ten years, P3's (2022) is not. A year wholly before mid-2020 goes once it is empty: 2012, not 2011 (P3's lesson).
    await db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('kbi.actor', 'test:security-officer', true)`.execute(tx);
      await sql`UPDATE retention_rules SET action = 'DELETE' WHERE id = 'courses'`.execute(tx);
    });
    const document = async (personId: string) =>
      (await db.selectFrom('dossier_documents').select('version').where('person_id', '=', personId).executeTakeFirst())?.version;
    const p1Document = Number(await document(p1.id));
    const today = '2030-06-01';
    assert.deepEqual((await purge(db, { today, dryRun: true })).participationYears, [], 'the dry run: no year is empty now');
    const run = await purge(db, { today, dryRun: false });
    assert.equal(run.failed, 0);
    assert.deepEqual(
      run.persons.map((p) => p.personId),
      [p1.id],
    );
    assert.deepEqual(run.participationYears, ['participations__2012']);
    const left = await names();
    assert.ok(!left.includes('participations__2012'), left.join(', '));
    for (const n of ['participations__2011', 'participations__2022', 'participations__2030', `participations__${year}`, 'participations__default'])
      assert.ok(left.includes(n), `${n} stays (${left.join(', ')})`);

    // P1's participations are gone with their history; the dossier document knows; P3's stay whole.
    assert.equal(await where(a1.id), null);
    assert.equal(await where(a2.id), null);
    assert.deepEqual(await history(a2.id), []);
    assert.ok(Number(await document(p1.id)) > p1Document, "P1's stored dossier document was invalidated");
    assert.deepEqual(await where(b1.id), { p: 'participations__2022', lesson_on: '2022-09-05', version: 1 });
    assert.deepEqual(await where(b3.id), { p: 'participations__2030', lesson_on: '2030-09-19', version: 2 });
    assert.deepEqual(await where(b4.id), { p: 'participations__2011', lesson_on: '2011-09-26', version: 2 });
    const record = await db.selectFrom('audit_log').select('detail').where('action', '=', 'retention.partitionsDropped').executeTakeFirstOrThrow();
    assert.deepEqual((record.detail as any).partitions, ['participations__2012']);
    assert.equal((record.detail as any).rule, 'courses');
    assert.deepEqual((await verifyAuditChain(db)).problems, []);
  });
}
