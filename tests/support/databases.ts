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
  ...(serverUrl ? [{
    name: 'postgres' as const,
    async open() {
      const name = `kbi_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const db = await openDatabase({ url: url.toString(), poolSize: 4 });
      await migrateToLatest(db.db);
      const close = db.close;
      return Object.assign(db, {
        url: url.toString(),
        async close() {
          await close();
          const again = new pg.Client({ connectionString: serverUrl });
          await again.connect();
          await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await again.end();
        },
      });
    },
  }] : []),
];

if (!serverUrl) {
  console.log('# KBI_TEST_DATABASE_URL is not set: database tests run on PGlite only (CI runs them on PostgreSQL as well).');
}
