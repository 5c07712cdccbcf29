/** The synthetic population: valid, whole, deterministic, and shaped like the published tables. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../../../tests/support/databases.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { parseKbo } from '../../platform/identifiers/kbo.ts';
import type { Database } from '../../platform/db.ts';
import { generateDemoData } from './generator.ts';

const count = async (db: Database, table: string) =>
  Number((await db.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

async function snapshot(db: Database, table: string, order: string) {
  const rows = (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} ORDER BY ${sql.ref(order)}, id`.execute(db.db)).rows;
  return rows.map(({ sys_from, ...rest }) => rest);
}

for (const which of TEST_DATABASES) {
  describe(`demo data generator (${which.name})`, () => {
    test('300 persons with valid identifiers, whole dossiers and consistent references', async (t) => {
      const db = await which.open();
      t.after(() => db.close());
      const progress: number[] = [];
      const summary = await generateDemoData(db, { persons: 300, seed: 7, batchSize: 100, onProgress: (done) => progress.push(done) });
      assert.deepEqual(progress, [100, 200, 300]);
      assert.equal(summary.persons, 300);

      const persons = await db.db.selectFrom('persons').select(['insz', 'gender']).execute();
      assert.equal(persons.length, 300);
      for (const p of persons) assert.ok(parseInsz(p.insz, { today: new Date('2026-11-24') }).ok, `INSZ ${p.insz} is valid`);
      for (const o of await db.db.selectFrom('offices').select('kbo_number').execute()) assert.ok(parseKbo(o.kbo_number).ok);
      assert.equal(await count(db, 'dossiers'), 300, 'every person has a dossier');
      for (const table of ['contracts', 'contract_parts', 'trajectories', 'trajectory_components', 'enrolments', 'participations', 'test_results',
        'certificates', 'registrations', 'target_group_determinations', 'language_skills', 'conversations', 'infringements']) {
        assert.ok(await count(db, table) > 0, `${table} has rows`);
      }
      // Every attendance is at a lesson of the enrolment's own course.
      const stray = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM participations p JOIN enrolments e ON e.id = p.enrolment_id JOIN lessons l ON l.id = p.lesson_id
        WHERE l.module_id <> e.module_id OR p.person_id <> e.person_id`.execute(db.db);
      assert.equal(stray.rows[0]!.n, 0);
      // seed 002: a wished date always comes with a time window (the table's CHECK enforces it too).
      const women = persons.filter((p) => p.gender === '2').length / persons.length;
      assert.ok(women > 0.45 && women < 0.65, `share of women ${women} near table 5 (≈ 0.55)`);
      // Every record was made by the generator, from the moment of its business event.
      const actors = await sql<{ recorded_by: string }>`SELECT DISTINCT recorded_by FROM contracts`.execute(db.db);
      assert.deepEqual(actors.rows, [{ recorded_by: 'system:demo-generator' }]);
    });

    test('the same seed gives the same people; a second run adds people without collisions', async (t) => {
      const a = await which.open();
      const b = await which.open();
      t.after(async () => { await a.close(); await b.close(); });
      await generateDemoData(a, { persons: 150, seed: 3 });
      await generateDemoData(b, { persons: 150, seed: 3, batchSize: 40 });
      for (const [table, order] of [['persons', 'insz'], ['contracts', 'signed_on'], ['participations', 'lesson_id'], ['infringement_decisions', 'decided_on']] as const) {
        assert.deepEqual(await snapshot(a, table, order), await snapshot(b, table, order), `${table} identical`);
      }
      await generateDemoData(a, { persons: 150, seed: 3 });
      assert.equal(await count(a, 'persons'), 300);
      const distinct = await sql<{ n: number }>`SELECT count(DISTINCT insz)::int AS n FROM persons`.execute(a.db);
      assert.equal(distinct.rows[0]!.n, 300);
    });
  });
}
