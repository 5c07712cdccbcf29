/**
 * The databases the database tests run on: always the embedded PGlite (in memory), and also a
 * PostgreSQL server when KBI_TEST_DATABASE_URL is set (CI sets it). Each test gets a database of
 * its own on the server, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../server/platform/db.ts';
import { migrateToLatest } from '../../server/platform/migrate.ts';

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
      const db = await openDatabase({ url: null, dataDir: undefined });
      await migrateToLatest(db.db);
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
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), poolSize });
  await migrateToLatest(db.db);
  const close = db.close;
  return Object.assign(db, {
    url: url.toString(),
    async close() {
      await close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  });
}

if (!serverUrl) {
  console.log('# KBI_TEST_DATABASE_URL is not set: database tests run on PGlite only (CI runs them on PostgreSQL as well).');
}
