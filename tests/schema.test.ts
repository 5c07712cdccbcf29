/**
 * The description in clusters.ts and the database agree: every described column exists, every
 * code list it names has codes, and every history table has exactly its table's columns, in order
 * (the history trigger copies rows positionally).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from './support/databases.ts';
import { ALL_RESOURCES, DOSSIER_RESOURCES } from '../server/modules/dossier/clusters.ts';

for (const which of TEST_DATABASES) {
  describe(`schema (${which.name})`, () => {
    test('described columns, code lists and history tables match the database', async (t) => {
      const database = await which.open();
      t.after(() => database.close());
      const cols = (
        await sql<{ table_name: string; column_name: string; ordinal_position: number }>`
        SELECT table_name, column_name, ordinal_position FROM information_schema.columns
        WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`.execute(database.db)
      ).rows;
      const columnsOf = (table: string) => cols.filter((c) => c.table_name === table).map((c) => c.column_name);
      const lists = new Set((await database.db.selectFrom('code_list').select('list').distinct().execute()).map((r) => r.list as string));

      for (const def of ALL_RESOURCES) {
        const columns = columnsOf(def.table);
        assert.ok(columns.length, `${def.table} exists`);
        for (const f of def.fields) {
          assert.ok(columns.includes(f.column), `${def.table}.${f.column} exists`);
          if (f.list) assert.ok(lists.has(f.list), `code list ${f.list} (${def.table}.${f.column}) has codes`);
        }
        for (const c of def.orderBy) assert.ok(columns.includes(c), `${def.table} orders by an existing column ${c}`);
        assert.deepEqual(columnsOf(`${def.table}_history`), columns, `${def.table}_history mirrors ${def.table}`);
        if (def.personScoped) assert.ok(columns.includes('person_id'));
      }
      assert.equal(DOSSIER_RESOURCES.length + 1 + 6, ALL_RESOURCES.length);

      // The stored dossier documents (migration 0016) are dropped by every change to a dossier table.
      const triggers = (
        await sql<{ table: string; name: string }>`
        SELECT c.relname AS table, t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE t.tgname LIKE 'dossier_changed_%' AND c.relnamespace = current_schema()::regnamespace`.execute(database.db)
      ).rows;
      for (const table of ['persons', ...DOSSIER_RESOURCES.map((d) => d.table)]) {
        assert.deepEqual(
          triggers
            .filter((r) => r.table === table)
            .map((r) => r.name)
            .sort(),
          ['dossier_changed_delete', 'dossier_changed_insert', 'dossier_changed_update'],
          `${table} keeps its stored dossier document honest`,
        );
      }
    });
  });
}
