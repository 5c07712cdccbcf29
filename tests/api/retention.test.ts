/**
 * Issue 17 acceptance (retention, seed 003 §68–70): move the clock past a term and the personal data
 * are gone or anonymised — with their history, everywhere in the database — the published statistics
 * are unchanged (byte for byte, and recomputed too), the purge is audited and the audit trail still
 * verifies; a dry run changes nothing; persons within their term are untouched; a caseworker sees
 * the date in the dossier. And the audit trail itself, past its own term, loses its oldest rows and
 * still verifies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { publishFirstContracts } from '../support/statistics.ts';
import { expectOk, partner, startTestApp, type TestApp } from '../support/app.ts';
import { inTransaction, type Db } from '../../server/platform/db.ts';
import { parseInsz } from '../../server/platform/identifiers/insz.ts';
import { addMonths } from '../../server/platform/calendar.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { purge } from '../../server/modules/retention/retention.service.ts';
import { verifyAuditChain } from '../../server/modules/audit/audit.verify.ts';
import { startWorker } from '../../server/worker.ts';
import { CLUSTER_TABLES } from '../../server/modules/retention/retention.tables.ts';
import { createLogger } from '../../server/platform/logger.ts';

const patch = { 'content-type': 'application/merge-patch+json' };

/** Every row of every table as text, per table: what "nothing changed" means. */
async function fingerprint(db: Db): Promise<Record<string, string>> {
  const tables = (
    await sql<{
      name: string;
    }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`.execute(db)
  ).rows.map((r) => r.name);
  const out: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = await sql<{ h: string | null }>`SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${sql.table(table)} t`.execute(db);
    out[table] = rows[0]!.h ?? '';
  }
  return out;
}

/** Per text, the tables (and how many rows) in which any column holds it. */
async function whereFound(db: Db, texts: string[]): Promise<Record<string, string[]>> {
  const tables = (
    await sql<{
      name: string;
    }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db)
  ).rows.map((r) => r.name);
  const found: Record<string, string[]> = Object.fromEntries(texts.map((x) => [x, []]));
  for (const table of tables) {
    const { rows } = await sql<{ n: number[] }>`SELECT ARRAY[${sql.join(texts.map((x) => sql`count(*) FILTER (WHERE strpos(t::text, ${x}) > 0)::int`))}] AS n
      FROM ${sql.table(table)} t`.execute(db);
    texts.forEach((x, i) => {
      if (rows[0]!.n[i]) found[x]!.push(`${table} (${rows[0]!.n[i]})`);
    });
  }
  return found;
}

async function rowsOf(app: TestApp, table: string, personId: string, column = 'person_id') {
  return (
    await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${personId}
      UNION ALL SELECT * FROM ${sql.table(`${table}_history`)} WHERE ${sql.ref(column)} = ${personId} ORDER BY 1`.execute(app.database.db)
  ).rows;
}

for (const which of TEST_DATABASES) {
  test(`past their term the personal data go, the published statistics stay, the purge is audited (${which.name})`, async (t) => {
    const app = await startTestApp(t, which);
    const { factories } = app;
    // Every cluster of the dossier has its rule, with a legal basis.
    const rules = await app.database.db.selectFrom('retention_rules').select(['cluster', 'legal_basis']).where('subject', '=', 'CLUSTER').execute();
    assert.deepEqual(rules.map((r) => r.cluster).sort(), ['personalia', ...CLUSTER_TABLES.keys()].sort());
    assert.ok(rules.every((r) => r.legal_basis.length > 20));
    const agency = await factories.organisation({ kind: 'AGENCY', agency: 'AGII', name: 'Agentschap Integratie en Inburgering' });
    const gent = await factories.office(agency.id, { postcode: '9000', municipality: 'Gent' });

    // A: a trajectory ended in 2019, with a conversation and a component whose remarks were corrected once.
    const a = await factories.person({ familyName: 'Vanderretentie', givenNames: 'Amina', postcode: '9820', municipality: 'Merelbeke', street: 'Kerkstraat' });
    await factories.add(a.id, 'caseLead', { managingOfficeId: gent.id, openedOn: '2018-01-15' });
    await factories.add(a.id, 'contracts', { kind: 'MOTHER', signedOn: '2018-03-14', registeredOn: '2018-03-14', officeId: gent.id });
    const aTrajectory = await factories.add(a.id, 'trajectories', {
      type: 'TT_IBVP',
      startDate: '2018-02-01',
      endDate: '2019-06-30',
      status: 'OP',
      statusSince: '2018-02-01',
    });
    const component = await factories.add(a.id, 'trajectoryComponents', {
      trajectoryId: aTrajectory.id,
      type: 'TO_A2',
      startDate: '2018-03-01',
      status: 'TO_STA_31',
      statusSince: '2018-03-01',
      remarks: 'Moeilijke thuissituatie',
    });
    await expectOk(
      await app.call(
        'PATCH',
        `/api/v1/trajectoryComponents/${component.id}`,
        { remarks: 'Moeilijke thuissituatie, verhuisd' },
        { ...patch, 'if-match': '"1"' },
      ),
    );
    await factories.add(a.id, 'conversations', { heldAt: '2019-03-01T10:00:00Z', officeId: gent.id, text: 'Amina vertelt over haar gezin in Aleppo.' });
    // The OCMW had A integrated until the end of 2020 (its register row, a partner copy).
    const ocmw = await partner(app, 'OCMW');
    await inTransaction(app.database.db, 'test:setup', (tx) =>
      tx
        .insertInto('integrations')
        .values({ organisation_id: ocmw.organisation.id, insz: a.insz, capacity_code: '1', starts_on: '2019-01-01', ends_on: '2020-12-31' })
        .execute(),
    );

    // B: a trajectory that still runs, a conversation of 2024.
    const b = await factories.person({ familyName: 'Binnentermijn' });
    await factories.add(b.id, 'caseLead', { managingOfficeId: gent.id, openedOn: '2024-01-10' });
    await factories.add(b.id, 'contracts', { kind: 'MOTHER', signedOn: '2024-05-02', registeredOn: '2024-05-02', officeId: gent.id });
    await factories.add(b.id, 'trajectories', { type: 'TT_IBVP', startDate: '2024-02-01', status: 'OP', statusSince: '2024-02-01' });
    await factories.add(b.id, 'conversations', { heldAt: '2024-03-01T10:00:00Z', officeId: gent.id, text: 'Zoekt werk in de zorg.' });

    // The caseworker sees when A's and B's data go.
    const caseworker = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [gent.id] });
    const aDossier = await expectOk(await caseworker.call('GET', `/api/v1/persons/${a.id}/dossier`));
    const byCluster = (d: any) => Object.fromEntries(d.retention.clusters.map((c: any) => [c.cluster, `${c.action} ${c.date}`]));
    // A's last activity: the end of the OCMW's integration (2020-12-31); the conversation counts from the trajectory's end.
    assert.equal(aDossier.retention.deletionDate, '2021-07-01');
    assert.deepEqual(byCluster(aDossier), {
      personalia: 'ANONYMISE 2031-01-01',
      caseLead: 'ANONYMISE 2031-01-01',
      contracts: 'ANONYMISE 2031-01-01',
      trajectories: 'ANONYMISE 2031-01-01',
      components: 'ANONYMISE 2031-01-01',
      conversations: 'DELETE 2021-07-01',
    });
    const bDossier = await expectOk(await caseworker.call('GET', `/api/v1/persons/${b.id}/dossier`));
    assert.equal(bDossier.retention.deletionDate, '2034-05-03', "ten years after B's last dated fact: the contract of 2024-05-02");
    assert.equal(byCluster(bDossier).conversations, 'DELETE 2034-05-03', 'a running trajectory: the conversations stay as long as the personalia');
    assert.equal(
      (await expectOk(await caseworker.call('GET', `/api/v1/persons/${b.id}/dossier?asOf=${encodeURIComponent(new Date().toISOString())}`))).retention,
      undefined,
      'a past state says nothing about retention',
    );

    // The statistics of 2018 are published, with A in them.
    const { analyst, pub, published } = await publishFirstContracts(app, 2018);
    assert.equal(pub.result.breakdowns[0].total.persons, 1, 'A signed the first contract of 2018');
    const before = await published();
    const bRows = async () => ({
      person: await rowsOf(app, 'persons', b.id, 'id'),
      conversations: await rowsOf(app, 'conversations', b.id),
      contracts: await rowsOf(app, 'contracts', b.id),
    });
    const bBefore = await bRows();

    // A dry run lists what would go and changes nothing at all.
    const untouched = await fingerprint(app.database.db);
    const dry = await purge(app.database.db, { today: '2027-01-01', dryRun: true });
    assert.deepEqual(await fingerprint(app.database.db), untouched, 'the dry run wrote nothing, not even an audit row');
    assert.equal(dry.runId, null);
    assert.deepEqual(
      dry.persons.map((p) => [p.inszMasked, p.items.map((i) => `${i.cluster} ${i.action} ${JSON.stringify(i.rows)}`)]),
      [[`**.**.**-***.${a.insz.slice(9)}`, ['conversations DELETE {"conversations":1}']]],
    );
    assert.deepEqual(dry.partnerCopies, [{ inszMasked: `**.**.**-***.${a.insz.slice(9)}`, integrations: 1 }]);
    assert.deepEqual(dry.clusters, { conversations: { action: 'DELETE', persons: 1, rows: 1 } });

    // 2027: A's conversation (two years after the trajectory) and the OCMW's copy (a year after its end) go.
    const first = await purge(app.database.db, { today: '2027-01-01', dryRun: false });
    assert.equal(first.failed, 0);
    assert.deepEqual(await rowsOf(app, 'conversations', a.id), [], 'the conversation and every version of it are gone');
    assert.equal((await app.database.db.selectFrom('integrations').where('insz', '=', a.insz).select('id').execute()).length, 0);
    assert.equal((await app.database.db.selectFrom('integrations_history').where('insz', '=', a.insz).select('id').execute()).length, 0);
    assert.equal((await rowsOf(app, 'persons', a.id, 'id'))[0]!.family_name, 'Vanderretentie', 'the personalia keep their own, longer term');
    assert.equal(
      (await purge(app.database.db, { today: '2027-01-01', dryRun: true })).persons.length,
      0,
      'nothing is due twice: the next run has nothing left for that day',
    );

    // 2031: A's term is over. A is anonymised, in every version; B is not touched.
    const second = await purge(app.database.db, { today: '2031-01-01', dryRun: false });
    assert.equal(second.failed, 0);
    assert.deepEqual(
      second.persons.map((p) => p.personId),
      [a.id],
    );
    const aVersions = await rowsOf(app, 'persons', a.id, 'id');
    assert.ok(aVersions.length >= 2, 'the anonymisation is a recorded change, and the earlier version is anonymised too');
    for (const v of aVersions) {
      assert.equal(v.family_name, '-');
      assert.equal(v.given_names, '-');
      assert.equal(v.birth_date, null);
      assert.equal(v.street, null);
      assert.equal(v.municipality, null);
      assert.equal(v.postcode, '9000', 'the postcode stands only for the province now');
      assert.equal(v.province, 'EAST_FLANDERS');
      assert.equal(v.nationality, 'SYR', 'what the statistics count stays');
      assert.equal(v.gender, '2');
      assert.notEqual(v.insz, a.insz);
      assert.equal(parseInsz(String(v.insz)).ok, false, 'the number that replaces the INSZ can never be one');
    }
    assert.equal(aVersions.find((v) => v.sys_to === null)!.anonymised_on, '2031-01-01');
    for (const v of await rowsOf(app, 'trajectory_components', a.id)) assert.equal(v.remarks, null, 'free text gone from every version');
    const dossierNumbers = (await rowsOf(app, 'dossiers', a.id)).map((v) => v.dossier_number);
    assert.ok(
      dossierNumbers.every((n) => /^A\d{7}$/.test(String(n))),
      `the dossier number is a new one: ${dossierNumbers.join(', ')}`,
    );
    assert.deepEqual(
      await whereFound(app.database.db, [a.insz, 'Vanderretentie', 'Kerkstraat', 'Aleppo', 'thuissituatie']),
      { [a.insz]: [], Vanderretentie: [], Kerkstraat: [], Aleppo: [], thuissituatie: [] },
      "A's INSZ, name, street, conversation and remarks are nowhere in the database any more",
    );
    assert.deepEqual(await bRows(), bBefore, 'B, within the term, is untouched');

    // The published statistics: the same bytes; recomputed as known at the cut-off and now, the same figures.
    assert.deepEqual(await published(), before);
    const restated = await expectOk(await analyst.call('GET', `/api/v1/statistics/publications/${pub.id}/restatement`));
    assert.equal(restated.unchanged, true, 'as of the cut-off the figures are the published ones');
    assert.deepEqual(restated.cells, [], 'and today too: anonymising moved no cell');

    // Audited, without the personal data; and the chain holds.
    const audits = await app.database.db
      .selectFrom('audit_log')
      .select(['action', 'person_id', 'actor_id', 'detail', 'insz_hash'])
      .where('action', 'like', 'retention.%')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audits.map((r) => [r.action, r.person_id, r.actor_id]),
      [
        ['retention.purge', a.id, 'system:retention'],
        ['retention.partnerCopyPurged', a.id, 'system:retention'],
        ['retention.purge', a.id, 'system:retention'],
      ],
    );
    const aHash = (await sql<{ h: string }>`SELECT kbi_insz_hash(${a.insz}) AS h`.execute(app.database.db)).rows[0]!.h;
    assert.ok(
      audits.every((r) => r.insz_hash === aHash),
      "recorded under A's real INSZ (keyed hash): A's access report shows the purge",
    );
    assert.deepEqual((audits[0]!.detail as any).items, [
      { cluster: 'conversations', rule: 'conversations', ruleVersion: 1, action: 'DELETE', due: '2021-07-01', rows: { conversations: 1 } },
    ]);
    assert.ok((await verifyAuditChain(app.database.db)).ok);
    const runs = await app.database.db.selectFrom('retention_runs').select(['today', 'persons', 'failed']).orderBy('started_at').execute();
    assert.deepEqual(runs, [
      { today: '2027-01-01', persons: 1, failed: 0 },
      { today: '2031-01-01', persons: 1, failed: 0 },
    ]);

    // The caseworker sees the dossier anonymised.
    const anonymised = await expectOk(await caseworker.call('GET', `/api/v1/persons/${a.id}/dossier`));
    assert.equal(anonymised.retention.anonymisedOn, '2031-01-01');
    assert.equal(anonymised.person.familyName, '-');
    assert.equal(anonymised.contracts.length, 1, 'the facts stay');
  });

  test(`the audit trail past its own term loses its oldest rows behind a checkpoint and still verifies (${which.name})`, async (t) => {
    const app = await startTestApp(t, which);
    const person = await app.factories.person();
    for (let i = 0; i < 3; i++) await expectOk(await app.call('GET', `/api/v1/persons/${person.id}/dossier`));
    const db = app.database.db;
    const count = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(db)).rows[0]!.n);
    const written = await count();
    assert.ok(written >= 4);

    // Within the ten years nothing of the trail goes.
    const within = await purge(db, { today: addMonths(belgianToday(), 119), dryRun: false });
    assert.equal(within.logs.find((l) => l.ruleId === 'audit-trail')!.rows.audit_log, undefined);
    assert.ok((await count()) >= written, 'no audit row removed within the term');

    const later = addMonths(belgianToday(), 121);
    const dry = await purge(db, { today: later, dryRun: true });
    const planned = dry.logs.find((l) => l.ruleId === 'audit-trail')!.rows.audit_log!;
    assert.ok(planned >= written, `every row written so far is past its term then (${planned})`);
    const run = await purge(db, { today: later, dryRun: false });
    assert.equal(run.logs.find((l) => l.ruleId === 'audit-trail')!.rows.audit_log, planned);
    const left = await db.selectFrom('audit_log').select(['action', 'detail']).orderBy('id').execute();
    assert.ok(
      left.every((r) => r.action.startsWith('retention.')),
      `only the run's own records stay: ${left.map((r) => r.action).join(', ')}`,
    );
    const anchor = left.find((r) => r.action === 'retention.auditTrimmed')!;
    assert.ok((anchor.detail as any).checkpoints.length >= 1);
    let report = await verifyAuditChain(db);
    assert.deepEqual(report.problems, [], 'the trail verifies from its checkpoints');

    // The chain goes on after the checkpoint.
    await expectOk(await app.call('GET', `/api/v1/persons/${person.id}/dossier`));
    assert.ok((await verifyAuditChain(db)).ok);

    // A checkpoint no anchor names is found out (here: a forged one, the latest, pointing at an ordinary record).
    const lane0 = (await sql<{ seq: number }>`SELECT max(seq)::int AS seq FROM audit_chain_checkpoints WHERE lane = 0`.execute(db)).rows[0]!.seq;
    const someRow = (await sql<{ id: number }>`SELECT max(id)::int AS id FROM audit_log`.execute(db)).rows[0]!.id;
    await sql`INSERT INTO audit_chain_checkpoints (lane, seq, hash, removed, anchor_id) VALUES (0, ${lane0}, 'forged', 0, ${someRow})`.execute(db);
    report = await verifyAuditChain(db);
    assert.ok(
      report.problems.some((p) => p.problem === 'checkpoint' && p.lane === 0),
      JSON.stringify(report.problems),
    );
    await assert.rejects(sql`DELETE FROM audit_log WHERE id = ${someRow}`.execute(db), /audit rows cannot be changed or deleted/, 'not without the purge');
    await assert.rejects(
      db.transaction().execute(async (tx) => {
        await sql`SELECT set_config('kbi.purge', 'on', true)`.execute(tx);
        await sql`DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)`.execute(tx);
      }),
      /audit rows cannot be changed or deleted/,
      'nor a row no checkpoint covers, even under the purge switch',
    );
  });

  test(`the worker purges once a day (${which.name})`, async (t) => {
    const app = await startTestApp(t, which);
    const person = await app.factories.person();
    await app.factories.add(person.id, 'trajectories', {
      type: 'TT_IBVP',
      startDate: '2017-02-01',
      endDate: '2018-06-30',
      status: 'OP',
      statusSince: '2017-02-01',
    });
    await app.factories.add(person.id, 'conversations', { heldAt: '2018-03-01T10:00:00Z', text: 'Oud gesprek.' });
    const config = { referralExpiryMinutes: 0, ruleEvaluationSeconds: 0, retentionMinutes: 60 };
    const done = async () => app.database.db.selectFrom('retention_runs').select(['today', 'persons']).where('finished_at', 'is not', null).execute();
    const worker = startWorker(app.app.deps, config, createLogger('silent'));
    assert.ok(worker.jobs.some((j) => j.name === 'retention.purge'));
    for (let i = 0; i < 200 && !(await done()).length; i++) await sleep(50);
    await worker.stop();
    assert.deepEqual(await done(), [{ today: belgianToday(), persons: 1 }]);
    assert.deepEqual(await rowsOf(app, 'conversations', person.id), []);
    await startWorker(app.app.deps, config, createLogger('silent')).stop(); // stop() waits for the check in progress
    assert.equal((await done()).length, 1, 'the same day is not purged twice');
  });

  test(`two workers started at once purge the day once, one of them alone (${which.name})`, async (t) => {
    const app = await startTestApp(t, which);
    for (let i = 0; i < 3; i++) {
      const person = await app.factories.person();
      await app.factories.add(person.id, 'conversations', { heldAt: '2018-03-01T10:00:00Z', text: 'Oud gesprek.' });
    }
    const config = { referralExpiryMinutes: 0, ruleEvaluationSeconds: 0, retentionMinutes: 60 };
    const runs = async () => app.database.db.selectFrom('retention_runs').select(['today', 'persons', 'failed', 'finished_at']).execute();
    const workers = [startWorker(app.app.deps, config, createLogger('silent')), startWorker(app.app.deps, config, createLogger('silent'))];
    for (let i = 0; i < 200 && !(await runs()).some((r) => r.finished_at); i++) await sleep(50);
    await Promise.all(workers.map((w) => w.stop()));
    // Before, both saw no run of today and purged the same persons side by side: twice the work, and deadlocks on PostgreSQL.
    assert.deepEqual(
      (await runs()).map(({ today, persons, failed }) => ({ today, persons, failed })),
      [{ today: belgianToday(), persons: 3, failed: 0 }],
    );
  });
}
