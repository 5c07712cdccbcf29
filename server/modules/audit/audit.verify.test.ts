/** `kbi audit verify`: passes on an intact trail and names the row that was altered or removed. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../../../tests/support/databases.ts';
import { startTestApp } from '../../../tests/support/app.ts';
import { generateDemoData } from '../demo/generator.ts';
import { verifyAuditChain } from './audit.verify.ts';
import { Migrator } from 'kysely';
import { inTransaction, openDatabase } from '../../platform/db.ts';
import { recordAudit } from '../../platform/audit.ts';
import { MIGRATIONS } from '../../../migrations/index.ts';

for (const which of TEST_DATABASES) {
  describe(`audit chain (${which.name})`, () => {
    test('an intact trail verifies; an altered row and a removed row are each named', async (t) => {
      const { call, factories, database } = await startTestApp(t, which);
      await generateDemoData(database, { persons: 20, seed: 5 });
      const ids = (await database.db.selectFrom('persons').select('id').limit(10).execute()).map((r) => r.id);
      for (const id of ids) await call('GET', `/api/v1/persons/${id}/dossier`);
      const person = await factories.person();
      await factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: '2023-01-05', registeredOn: '2023-01-05' });

      const intact = await verifyAuditChain(database.db, 4);
      assert.deepEqual(intact.problems, []);
      assert.ok(intact.rows >= 12);
      const rows = await database.db.selectFrom('audit_log').select(['seq', 'insz_hash', 'person_id']).orderBy('seq').execute();
      assert.deepEqual(
        rows.map((r) => r.seq),
        rows.map((_, i) => i + 1),
        'sequence 1…n without gaps',
      );
      assert.ok(
        rows.filter((r) => r.person_id).every((r) => /^[0-9a-f]{64}$/.test(r.insz_hash ?? '')),
        'person rows carry a keyed INSZ hash',
      );
      assert.ok(!JSON.stringify(rows).includes(person.insz), 'no INSZ in clear');

      // Someone with full database rights switches the protection off and edits row 5.
      await assert.rejects(sql`UPDATE audit_log SET purpose = 'x' WHERE seq = 5`.execute(database.db), /cannot be changed/);
      await database.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
        UPDATE audit_log SET actor_id = 'someone:else' WHERE seq = 5;
        ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;`);
      const altered = await verifyAuditChain(database.db, 4);
      assert.equal(altered.ok, false);
      assert.deepEqual(
        altered.problems.map((p) => [p.seq, p.problem]),
        [[5, 'altered']],
      );

      // …and deletes row 8.
      await database.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
        DELETE FROM audit_log WHERE seq = 8;
        ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;`);
      const removed = await verifyAuditChain(database.db, 4);
      assert.deepEqual(
        removed.problems.map((p) => [p.seq, p.problem]),
        [
          [5, 'altered'],
          [8, 'missing'],
        ],
      );
    });

    if (which.name === 'postgres') {
      test('concurrent transactions chain side by side in lanes; every lane verifies; a lane cut short is found', async (t) => {
        const { database } = await startTestApp(t, which);
        const ctx = { actor: { id: 'test:lanes', kind: 'system' as const, organisationId: null, role: null, officeIds: [] }, requestId: 'lanes' };
        const fact = (n: number) => ({ action: `probe.${n}`, personId: null, clusters: [], result: 'allowed' as const });
        // Four transactions at once, each writing two audit rows with a pause between them.
        await Promise.all(
          [1, 2, 3, 4].map((n) =>
            inTransaction(database.db, 'test:lanes', async (tx) => {
              await recordAudit(tx, ctx, fact(n));
              await sql`SELECT pg_sleep(0.3)`.execute(tx);
              await recordAudit(tx, ctx, fact(n));
            }),
          ),
        );
        const rows = await database.db.selectFrom('audit_log').select(['action', 'lane', 'seq']).where('action', 'like', 'probe.%').execute();
        const lanes = new Map<string, Set<number>>();
        for (const r of rows) lanes.set(r.action, (lanes.get(r.action) ?? new Set()).add(r.lane));
        assert.ok(
          [...lanes.values()].every((l) => l.size === 1),
          'a transaction keeps its lane',
        );
        assert.equal(new Set([...lanes.values()].map((l) => [...l][0])).size, 4, 'four transactions at once, four lanes, no waiting');
        const intact = await verifyAuditChain(database.db);
        assert.deepEqual(intact.problems, []);

        // The newest row of a lane other than 0 removed by someone with full rights: the lane's head still says how far it went.
        const last = await database.db
          .selectFrom('audit_log')
          .select(['lane', 'seq'])
          .where('lane', '>', 0)
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirstOrThrow();
        await database.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
          DELETE FROM audit_log WHERE lane = ${last.lane} AND seq = ${last.seq};
          ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;`);
        const cut = await verifyAuditChain(database.db);
        assert.deepEqual(
          cut.problems.map((p) => [p.lane, p.seq, p.problem]),
          [[last.lane, Number(last.seq), 'missing']],
        );
        assert.match(cut.problems[0]!.detail, /at the end of the chain/);
      });

      test('the application role may add and read audit rows, never change or remove them', async (t) => {
        const database = await which.open();
        t.after(() => database.close());
        const asApp = (statement: string) =>
          database.db.transaction().execute(async (tx) => {
            await sql`SET LOCAL ROLE kbi_app`.execute(tx);
            await sql`SELECT set_config('kbi.actor', 'test:app', true)`.execute(tx);
            return sql.raw(statement).execute(tx);
          });
        await asApp(`INSERT INTO audit_log (actor_id, actor_kind, action, result) VALUES ('test:app', 'system', 'test', 'allowed')`);
        assert.equal((await asApp('SELECT count(*)::int AS n FROM audit_log')).rows[0] && 1, 1);
        await assert.rejects(asApp(`UPDATE audit_log SET purpose = 'x'`), /permission denied/);
        await assert.rejects(asApp('DELETE FROM audit_log'), /permission denied/);
        await assert.rejects(asApp('TRUNCATE audit_log'), /permission denied/);
        await assert.rejects(asApp(`UPDATE persons_history SET family_name = 'x'`), /permission denied/);
      });
    }
  });
}

describe('audit chain across a migration of its functions', () => {
  test('rows chained before migration 0010 still verify after it, and the chain goes on', async () => {
    const database = await openDatabase({ url: null });
    try {
      const migrator = new Migrator({
        db: database.db,
        provider: { getMigrations: async () => MIGRATIONS },
        migrationTableName: 'kbi_migration',
        migrationLockTableName: 'kbi_migration_lock',
      });
      assert.equal((await migrator.migrateTo('2026_12_01_0009_oidc_login')).error, undefined);
      const write = (n: number) =>
        database.exec(`INSERT INTO audit_log (actor_id, actor_kind, action, clusters, result, detail)
        SELECT 'test', 'system', 'probe.' || g, '{caseLead}', 'allowed', '{"n": 1}' FROM generate_series(1, ${n}) g`);
      await write(5);
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      await write(3);
      const report = await verifyAuditChain(database.db);
      assert.deepEqual(report.problems, []);
      assert.equal(report.rows, 8);
    } finally {
      await database.close();
    }
  });
});
