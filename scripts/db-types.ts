/**
 * Generates server/platform/db.generated.ts, the database's types, from the migrated schema itself
 * (kysely-codegen introspecting a fresh PostgreSQL database migrated by our own migrations), with
 * the value representation db.ts gives both drivers: dates and timestamps as ISO strings, bigint and
 * numeric as numbers, JSONB as free-form JSON (written as JSON text).
 *
 *   npm run db:types                    # rewrite the file (needs PostgreSQL: KBI_TEST_DATABASE_URL or KBI_DATABASE_URL)
 *   npm run db:types -- --verify        # fail if the file is not what the migrations give (CI, via tests/db-types.test.ts)
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../server/platform/db.ts';
import { migrateToLatest } from '../server/platform/migrate.ts';

export const GENERATED = fileURLToPath(new URL('../server/platform/db.generated.ts', import.meta.url));
const CODEGEN = fileURLToPath(new URL('../node_modules/.bin/kysely-codegen', import.meta.url));

/** Migrates a throw-away database on the server at `serverUrl` and runs kysely-codegen on it. */
export async function generateDbTypes(serverUrl: string, { verify = false, outFile = GENERATED } = {}): Promise<{ ok: boolean; output: string }> {
  const name = `kbi_types_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    const database = await openDatabase({ url: url.toString(), poolSize: 1 });
    try {
      await migrateToLatest(database.db);
    } finally {
      await database.close();
    }
    const run = spawnSync(
      CODEGEN,
      [
        '--url',
        url.toString(),
        '--dialect',
        'postgres',
        '--out-file',
        outFile,
        '--log-level',
        'error',
        '--date-parser',
        'string',
        '--numeric-parser',
        'number',
        '--type-mapping',
        JSON.stringify({ timestamptz: 'string', int8: 'number', jsonb: 'JsonText', json: 'JsonText' }),
        '--custom-imports',
        JSON.stringify({ JsonText: './db.types.ts#JsonText' }),
        // Set by triggers, never by a writer: the audit chain (migrations 0005, 0017) and the outbox's gapless sequence (0013).
        '--overrides',
        JSON.stringify({ columns: { 'audit_log.seq': 'Generated<number>', 'audit_log.hash': 'Generated<string>', 'outbox_events.seq': 'Generated<number>' } }),
        // The partitions of the partitioned tables (migration 0037: <table>__YYYY_MM, <table>__default) are reached
        // through their parent only, and come and go with the months.
        '--exclude-pattern',
        '*__*',
        ...(verify ? ['--verify'] : []),
      ],
      { encoding: 'utf8' },
    );
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const serverUrl = process.env.KBI_TEST_DATABASE_URL || process.env.KBI_DATABASE_URL;
  if (!serverUrl) {
    console.error('db:types needs a PostgreSQL server: set KBI_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
    process.exit(2);
  }
  const { ok, output } = await generateDbTypes(serverUrl, { verify: process.argv.includes('--verify') });
  process.stdout.write(output);
  process.exit(ok ? 0 : 1);
}
