/**
 * The databases the database tests run on: always the embedded PGlite (in memory), and also a
 * PostgreSQL server when KBI_TEST_DATABASE_URL is set (CI sets it). Each test gets a database of
 * its own on the server, dropped afterwards.
 *
 * Each starts as a copy of one migrated database (the migrations run once per version of them, not
 * once per test: on PGlite they cost seconds a test): PGlite from a tar of a migrated data
 * directory kept under node_modules/.cache, PostgreSQL from a template database. Both are named by
 * a hash of the migrations, so a changed or new migration makes a new one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type Database } from '../../server/platform/db.ts';
import { migrateToLatest } from '../../server/platform/migrate.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What the migrated schema depends on: the migrations, the migrator, and the PGlite build. */
export const SCHEMA_HASH = (() => {
  const hash = createHash('sha256');
  const migrations = join(ROOT, 'migrations');
  for (const name of readdirSync(migrations).sort())
    if (name.endsWith('.ts') && !name.endsWith('.test.ts')) hash.update(name).update(readFileSync(join(migrations, name)));
  hash.update(readFileSync(join(ROOT, 'server/platform/migrate.ts')));
  hash.update(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json')));
  return hash.digest('hex').slice(0, 16);
})();

let pgliteTemplate: Promise<Blob> | null = null;

/** The migrated PGlite data directory as a tar: from the cache, or made (and cached) now. */
export function migratedPgliteTemplate(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const dir = join(ROOT, 'node_modules/.cache/kbi-tests');
    const file = join(dir, `pglite-${SCHEMA_HASH}.tar`);
    try {
      return new Blob([readFileSync(file)]);
    } catch {
      /* not made yet */
    }
    const db = await openDatabase({ url: null });
    try {
      await migrateToLatest(db.db);
      const tar = await db.dumpDataDir!();
      mkdirSync(dir, { recursive: true });
      // Written whole, then renamed: a file side by side running tests read is never half there.
      const partial = `${file}.${process.pid}.${randomBytes(3).toString('hex')}`;
      writeFileSync(partial, Buffer.from(await tar.arrayBuffer()));
      renameSync(partial, file);
      return tar;
    } finally {
      await db.close();
    }
  })();
  return pgliteTemplate;
}

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<Database & { url: string | null }>;
}

const serverUrl = process.env.KBI_TEST_DATABASE_URL?.trim() || null;

if (!serverUrl && process.env.CI) {
  throw new Error('CI must run the database tests on PostgreSQL too: set KBI_TEST_DATABASE_URL (see .ci/run)');
}

export const TEST_DATABASES: TestDatabase[] = [
  {
    name: 'pglite',
    async open() {
      const db = await openDatabase({ url: null, template: await migratedPgliteTemplate() });
      return Object.assign(db, { url: null });
    },
  },
  ...(serverUrl
    ? [
        {
          name: 'postgres' as const,
          open: () => scratchDatabase(serverUrl, 'kbi_test', 4),
        },
      ]
    : []),
];

/**
 * A fresh, migrated database of its own on a PostgreSQL server; `close()` drops it again.
 * Used by the tests and by the benchmarks.
 */
export async function scratchDatabase(server: string, prefix: string, poolSize: number): Promise<Database & { url: string }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name} TEMPLATE ${await migratedServerTemplate(server)}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), poolSize });
  const close = db.close;
  return Object.assign(db, {
    url: url.toString(),
    async close() {
      await close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  });
}

const serverTemplates = new Map<string, Promise<string>>();

/**
 * The name of a migrated template database on the server, made now when there is none for these
 * migrations (under a name of its own, then renamed, so that tests side by side never copy one
 * half migrated; a copy from a template needs nobody connected to it, so nobody stays).
 */
export function migratedServerTemplate(server: string): Promise<string> {
  const template = `kbi_template_${SCHEMA_HASH}`;
  let made = serverTemplates.get(server);
  if (!made) {
    made = (async () => {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      try {
        const exists = async () => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount === 1;
        if (await exists()) return template;
        const building = `kbi_template_building_${randomBytes(4).toString('hex')}`;
        await client.query(`CREATE DATABASE ${building}`);
        const url = new URL(server);
        url.pathname = `/${building}`;
        const db = await openDatabase({ url: url.toString(), poolSize: 1 });
        try {
          await migrateToLatest(db.db);
        } finally {
          await db.close();
        }
        try {
          await client.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
        } catch (e) {
          await client.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
          if (!(await exists())) throw e; // another process made it meanwhile: use theirs
        }
        return template;
      } finally {
        await client.end();
      }
    })();
    serverTemplates.set(server, made);
    made.catch(() => serverTemplates.delete(server));
  }
  return made;
}

if (!serverUrl) {
  console.log('# KBI_TEST_DATABASE_URL is not set: database tests run on PGlite only (CI runs them on PostgreSQL as well).');
}
