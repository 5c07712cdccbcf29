/**
 * The schema keeps to its distribution plan (server/platform/distribution.ts, docs/SCALING.md):
 *
 * 1. Every table of the migrated database is placed — distributed, reference or local — so a new
 *    table cannot arrive without a decision; no placement names a table that is gone; every
 *    distributed table has its distribution column, a nullable one says where its rows without a
 *    key go; no reference or local table points at a distributed one (Citus refuses such a
 *    foreign key); every table with a person_id is distributed by it.
 * 2. Every statement the application sends pins the distribution column of each distributed table
 *    it touches, or comes from a site listed in MULTI_SHARD with its reason. The statements are not
 *    read from the source: they are captured as the application sends them while it works through
 *    a working day (tests/support/flows.ts) — Kysely builders, raw `sql` templates, prepared
 *    statements and bulk loads alike — and each is parsed by PostgreSQL's own parser (libpg-query)
 *    and analysed (tests/support/shard-analysis.ts). A regular expression over the source would
 *    see neither the SQL a builder makes nor the conditions it adds at run time. Entries of
 *    MULTI_SHARD that no statement used fail too, so the list stays the true list. The queries
 *    inside the schema's PL/pgSQL functions (the triggers), which never pass through the
 *    application, are read from the database and analysed the same way.
 * 3. The analyser itself flags what it must (a query on a distributed table by another column) and
 *    passes what it must, so the check above can fail.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { TEST_DATABASES, type TestDatabase } from '../support/databases.ts';
import { startTestApp } from '../support/app.ts';
import { capturing, type Captured } from '../support/sql-capture.ts';
import { analyse, functionStatements, loadParser, type Finding, type Schema } from '../support/shard-analysis.ts';
import { workingDay, workingDayEnv } from '../support/flows.ts';
import { MULTI_SHARD, PLACEMENTS, type MultiShard } from '../../server/platform/distribution.ts';
import type { Database } from '../../server/platform/db.ts';

type Catalogue = Schema & { nullable: Set<string>; types: Map<string, string> };

async function schemaOf(database: Database): Promise<Catalogue> {
  const rows = (
    await sql<{ table_name: string; column_name: string; is_nullable: string; column_default: string | null; data_type: string }>`
      SELECT c.table_name, c.column_name, c.is_nullable, c.column_default, c.data_type FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       WHERE c.table_schema = current_schema()
         -- A partition (migration 0037) is placed with its parent: it is reached only through it.
         AND c.table_name NOT IN (SELECT p.relname FROM pg_class p WHERE p.relispartition AND p.relnamespace = current_schema()::regnamespace)
       ORDER BY c.table_name, c.ordinal_position`.execute(database.db)
  ).rows;
  const columns: Record<string, string[]> = {};
  const nullable = new Set<string>();
  const defaults = new Set<string>();
  const types = new Map<string, string>();
  for (const r of rows) {
    types.set(`${r.table_name}.${r.column_name}`, r.data_type);
    (columns[r.table_name] ??= []).push(r.column_name);
    if (r.is_nullable === 'YES') nullable.add(`${r.table_name}.${r.column_name}`);
    if (r.column_default !== null) defaults.add(`${r.table_name}.${r.column_name}`);
  }
  return { placements: { ...PLACEMENTS }, columns, nullable, defaults, types };
}

/** Source files under server/ that build or send SQL (a coverage hint only: the check itself works on captured statements). */
function queryFiles(): string[] {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      const path = `${dir}/${name}`;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (
        name.endsWith('.ts') &&
        !name.endsWith('.test.ts') &&
        /\b(selectFrom|insertInto|updateTable|deleteFrom|prepared)\(|\bsql`/.test(readFileSync(join(root, path), 'utf8'))
      )
        out.push(path);
    }
  };
  walk('server');
  return out.sort();
}

/** The entry of MULTI_SHARD that allows a finding at a site, if any. */
function allowing(site: string, f: Finding): MultiShard | undefined {
  return MULTI_SHARD.find(
    (m) =>
      (m.site === site || (!m.site.includes('#') && site.startsWith(`${m.site}#`))) &&
      m.tables.includes(f.table) &&
      (f.problem !== 'repartition' || m.repartition) &&
      (f.problem !== 'lock' || m.beforeCitus),
  );
}

/** Where every table goes, against the migrated schema. */
async function checkPlacements(database: Database, schema: Catalogue) {
  const tables = Object.keys(schema.columns).sort();
  assert.deepEqual(
    tables.filter((x) => !PLACEMENTS[x]),
    [],
    'tables without a placement in server/platform/distribution.ts: say whether each is distributed (and by what), reference or local',
  );
  assert.deepEqual(
    Object.keys(PLACEMENTS).filter((x) => !schema.columns[x]),
    [],
    'placements of tables that do not exist',
  );
  for (const [table, p] of Object.entries(PLACEMENTS)) {
    assert.ok(p.reason.length > 10, `${table}: a reason`);
    if (p.kind !== 'distributed') {
      assert.ok(!schema.columns[table]!.includes('person_id'), `${table} holds person_id: distribute it by person, or say why not`);
      continue;
    }
    assert.ok(schema.columns[table]!.includes(p.column), `${table} has its distribution column ${p.column}`);
    if (schema.nullable.has(`${table}.${p.column}`))
      assert.ok(p.withoutKey, `${table}.${p.column} may be NULL: say where rows without it go (withoutKey); Citus refuses NULL in a distribution column`);
  }
  // Citus co-locates tables whose distribution columns have the same type: one type per group.
  const groups = new Map<string, Set<string>>();
  for (const [table, p] of Object.entries(PLACEMENTS))
    if (p.kind === 'distributed') (groups.get(p.group) ?? groups.set(p.group, new Set()).get(p.group)!).add(`${schema.types.get(`${table}.${p.column}`)}`);
  for (const [group, types] of groups) assert.equal(types.size, 1, `the distribution columns of group ${group} have one type (${[...types].join(', ')})`);
  const keys = (
    await sql<{ from_table: string; to_table: string }>`
      SELECT c.conrelid::regclass::text AS from_table, c.confrelid::regclass::text AS to_table
        FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
         AND NOT (SELECT relispartition FROM pg_class WHERE oid = c.conrelid) -- a partition's keys are its parent's`.execute(database.db)
  ).rows;
  for (const k of keys) {
    const from = PLACEMENTS[k.from_table]!;
    const to = PLACEMENTS[k.to_table]!;
    if (to.kind === 'distributed')
      assert.equal(
        from.kind,
        'distributed',
        `${k.from_table} (${from.kind}) refers to the distributed ${k.to_table}: Citus allows that only from a distributed table`,
      );
  }
}

for (const which of TEST_DATABASES) {
  describe(`distribution of the schema (${which.name})`, () => {
    test('the schema and the statements of a working day keep to the plan', async (t) => {
      let captured: Captured[] = [];
      const recording: TestDatabase = {
        name: which.name,
        async open() {
          const opened = await which.open();
          const c = capturing(opened);
          captured = c.statements;
          return Object.assign(c.database, { url: opened.url });
        },
      };
      const app = await startTestApp(t, recording, await workingDayEnv());
      /** MULTI_SHARD entries the functions' queries used (the working day's check counts them as used too). */
      const usedByFunctions = new Set<MultiShard>();
      const schema = await schemaOf(app.database);

      await t.test('every table is placed, distributed tables have their column, no foreign key points into a distributed table from outside', () =>
        checkPlacements(app.database, schema),
      );

      await t.test('the queries in the trigger functions pin the distribution key too, or are listed', async () => {
        await loadParser();
        const functions = (
          await sql<{ name: string; definition: string }>`
            SELECT p.proname AS name, pg_get_functiondef(p.oid) AS definition FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
             WHERE l.lanname = 'plpgsql' AND p.pronamespace = current_schema()::regnamespace ORDER BY 1`.execute(app.database.db)
        ).rows;
        assert.ok(functions.length >= 10, 'the schema’s PL/pgSQL functions are found');
        const offending: string[] = [];
        for (const f of functions) {
          const site = `function ${f.name}`;
          for (const text of functionStatements(f.definition))
            for (const finding of analyse(text, schema, { plpgsql: true }).findings) {
              const entry = allowing(site, finding);
              if (entry) usedByFunctions.add(entry);
              else offending.push(`${site}: ${finding.table} — ${finding.problem}: ${finding.detail}\n    ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
            }
        }
        assert.deepEqual(offending, [], 'queries in trigger functions that ask every shard without a reason in MULTI_SHARD');
      });

      await t.test('every statement pins the distribution key of each distributed table it touches, or is a listed multi-shard statement', async (t) => {
        const started = captured.length;
        const day = await workingDay(app);
        await loadParser();
        const seen = new Set<string>();
        const offending: string[] = [];
        const used = new Set<MultiShard>(usedByFunctions);
        const multiShard = new Map<string, Set<string>>();
        let analysed = 0;
        for (const s of captured.slice(started)) {
          if (!s.site) continue; // the test's own look-ups
          const key = `${s.site}\n${s.text}`;
          if (seen.has(key)) continue;
          seen.add(key);
          analysed++;
          const { findings } = analyse(s.text, schema);
          for (const f of findings) {
            const entry = allowing(s.site, f);
            if (entry) {
              used.add(entry);
              const tables = multiShard.get(s.site) ?? new Set();
              tables.add(f.table);
              multiShard.set(s.site, tables);
            } else offending.push(`${s.site}: ${f.table} — ${f.problem}: ${f.detail}\n    ${s.text.replace(/\s+/g, ' ').slice(0, 300)}`);
          }
        }
        // KBI_DISTRIBUTION_REPORT=file.json writes what was found (for docs/SCALING.md and for working on MULTI_SHARD).
        if (process.env.KBI_DISTRIBUTION_REPORT)
          writeFileSync(
            process.env.KBI_DISTRIBUTION_REPORT,
            JSON.stringify({ offending, multiShard: Object.fromEntries([...multiShard].map(([k, v]) => [k, [...v].sort()])) }, null, 2),
          );
        t.diagnostic(`${day.steps} steps, ${analysed} distinct statements analysed, ${multiShard.size} multi-shard sites`);
        // What the working day did not reach is not checked: name the files that build queries but sent none.
        const reached = new Set([...seen].map((k) => k.slice(0, k.indexOf('#'))));
        const unreached = queryFiles().filter((f) => !reached.has(f));
        if (unreached.length) t.diagnostic(`files with queries the working day did not reach (${unreached.length}): ${unreached.join(', ')}`);
        assert.deepEqual(offending, [], 'statements that ask every shard without a reason in MULTI_SHARD (server/platform/distribution.ts)');
        assert.deepEqual(
          MULTI_SHARD.filter((m) => !used.has(m)).map((m) => `${m.site} (${m.tables.join(', ')})`),
          [],
          'MULTI_SHARD entries no statement of the working day used: remove them, or make the working day reach them',
        );
      });
    });
  });
}

describe('the shard analyser', () => {
  const schema: Schema = {
    placements: { ...PLACEMENTS },
    columns: {
      persons: ['id', 'insz', 'family_name'],
      contracts: ['id', 'person_id', 'office_id', 'signed_on'],
      participations: ['id', 'person_id', 'enrolment_id', 'lesson_id'],
      enrolments: ['id', 'person_id', 'course_id'],
      lessons: ['id', 'module_id'],
      offices: ['id', 'organisation_id'],
      integrations: ['id', 'organisation_id', 'insz'],
      audit_log: ['id', 'person_id', 'action'],
      dossiers: ['id', 'person_id', 'managing_office_id'],
    },
    defaults: new Set(['persons.id', 'contracts.id']),
  };
  const problems = (text: string) => analyse(text, schema).findings.map((f) => `${f.alias}:${f.problem}`);

  test('flags statements that would ask every shard or join shards on something else than the key', async () => {
    await loadParser();
    assert.deepEqual(problems('SELECT * FROM contracts WHERE office_id = $1'), ['contracts:unpinned']);
    assert.deepEqual(problems('SELECT * FROM contracts c WHERE c.person_id = $1 OR c.office_id = $2'), ['c:unpinned'], 'an equality under OR pins nothing');
    assert.deepEqual(problems('UPDATE contracts SET signed_on = $1 WHERE id = $2'), ['contracts:unpinned'], 'by the record id alone');
    assert.deepEqual(problems('DELETE FROM participations WHERE lesson_id = $1'), ['participations:unpinned']);
    assert.deepEqual(problems('SELECT p.id FROM persons p WHERE p.insz = $1'), ['p:unpinned'], 'the INSZ is not the key');
    assert.deepEqual(
      problems('SELECT * FROM contracts c JOIN participations pa ON pa.id = c.id WHERE c.office_id = $1').sort(),
      ['c:repartition', 'pa:repartition'],
      'a join of two distributed tables on something else than the person',
    );
    assert.deepEqual(
      problems('SELECT * FROM persons p LEFT JOIN contracts c ON c.person_id = p.id AND c.person_id = $1'),
      ['p:unpinned'],
      'an outer join pins only its nullable side',
    );
    assert.deepEqual(problems('SELECT count(*) FROM (SELECT person_id FROM contracts WHERE office_id = $1) x'), ['contracts:unpinned']);
    assert.deepEqual(problems('INSERT INTO contracts (id, office_id) VALUES ($1, $2)'), ['contracts:unpinned'], 'an insert without the key');
    assert.deepEqual(problems('INSERT INTO audit_log (person_id, action) SELECT person_id, $1 FROM contracts WHERE office_id = $2').sort(), [
      'audit_log:unpinned',
      'contracts:unpinned',
    ]);
    assert.deepEqual(problems('SELECT * FROM contracts WHERE id = $1 FOR UPDATE'), ['contracts:lock'], 'Citus locks rows on one shard only');
    assert.deepEqual(
      problems('SELECT * FROM persons tp LEFT JOIN dossiers td ON td.person_id = tp.id WHERE tp.family_name = $1').sort(),
      ['td:unpinned', 'tp:unpinned'],
      'an outer join on the key is co-located, though it asks every shard',
    );
  });

  test('reads the queries of a trigger function with its variables, NEW, OLD and transition tables as given values', async () => {
    await loadParser();
    const definition = `CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE n bigint;
      BEGIN
        n := (SELECT count(*) FROM contracts c WHERE c.person_id = NEW.person_id);
        PERFORM 1 FROM contracts WHERE office_id = NEW.office_id;
        INSERT INTO audit_log (person_id, action) SELECT r.person_id, 'x' FROM new_rows r;
        RETURN NEW;
      END $$`;
    const statements = functionStatements(definition);
    assert.equal(statements.length, 3, statements.join('\n'));
    assert.deepEqual(
      statements.map((text) => analyse(text, schema, { plpgsql: true }).findings.map((f) => `${f.alias}:${f.problem}`)),
      [[], ['contracts:unpinned'], []],
    );
  });

  test('passes statements that name the person, directly or through a join, a subquery or a list', async () => {
    await loadParser();
    for (const text of [
      'SELECT * FROM contracts WHERE person_id = $1',
      'SELECT * FROM contracts WHERE person_id = ANY($1::uuid[]) AND office_id = $2',
      "SELECT * FROM contracts WHERE person_id IN ('00000000-0000-0000-0000-000000000001', $1)",
      'SELECT * FROM contracts c JOIN persons p ON p.id = c.person_id WHERE p.id = $1',
      'SELECT * FROM persons p JOIN contracts c ON c.person_id = p.id JOIN offices o ON o.id = c.office_id WHERE c.person_id = $1',
      'SELECT p.id, (SELECT json_agg(c) FROM contracts c WHERE c.person_id = p.id) FROM persons p WHERE p.id = $1',
      'SELECT * FROM persons p WHERE p.id = $1 AND EXISTS (SELECT 1 FROM contracts c WHERE c.person_id = p.id AND c.office_id = $2)',
      'WITH q AS (SELECT * FROM unnest($1::uuid[]) AS u(id)) SELECT * FROM q JOIN contracts c ON c.person_id = q.id',
      'SELECT * FROM (SELECT person_id, count(*) FROM participations GROUP BY person_id) x WHERE x.person_id = $1',
      'SELECT * FROM participations pa JOIN lessons l ON l.id = pa.lesson_id WHERE pa.person_id IN (SELECT person_id FROM enrolments WHERE person_id = $1)',
      'SELECT * FROM persons p JOIN integrations i ON i.insz = p.insz WHERE p.insz = $1 AND p.id = $2 AND i.organisation_id = $3',
      'INSERT INTO contracts (id, person_id, office_id) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET office_id = excluded.office_id',
      'INSERT INTO audit_log (person_id, action) SELECT p.id, $2 FROM persons p WHERE p.id = $1',
      'UPDATE contracts SET signed_on = $1 WHERE id = $2 AND person_id = $3',
      'DELETE FROM participations pa USING enrolments e WHERE e.id = pa.enrolment_id AND e.person_id = pa.person_id AND e.person_id = $1',
      'SELECT * FROM offices WHERE organisation_id = $1',
      'INSERT INTO persons (insz, family_name) VALUES ($1, $2)',
      'SELECT * FROM contracts WHERE id = $1 AND person_id = $2 FOR UPDATE',
      'SET LOCAL kbi.actor = 1',
    ])
      assert.deepEqual(problems(text), [], text);
  });
});
