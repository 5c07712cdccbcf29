/**
 * Backup and restore (docs/BACKUP.md): a restored copy passes `kbi audit verify` and gives the same
 * statistics. The embedded database: `kbi backup <dir>` with no server running and through a
 * running server, each copy opened as a data directory of its own. PostgreSQL: `pg_dump` and
 * `pg_restore` into a new database.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type Db } from '../server/platform/db.ts';
import { migrateToLatest } from '../server/platform/migrate.ts';
import { recordAudit } from '../server/platform/audit.ts';
import { OPERATOR } from '../server/platform/access.ts';
import { acquireLock, updateLockPort } from '../server/platform/lock.ts';
import { backupTargetProblem, dumpForBackup } from '../server/platform/backup.ts';
import { loadConfig } from '../server/platform/config.ts';
import { buildApp } from '../server/app.ts';
import { generateDemoData } from '../server/modules/demo/generator.ts';
import { verifyAuditChain } from '../server/modules/audit/audit.verify.ts';
import { computeResult } from '../server/modules/statistics/statistics.service.ts';
import { BASE_SETS } from '../server/modules/statistics/statistics.sets.ts';
import { TEST_DATABASES } from './support/databases.ts';
import { pgTool } from './support/standby.ts';

const kbi = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, ['bin/kbi.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, KBI_DATABASE_URL: '', KBI_REPLICA_URL: '', KBI_LOG_LEVEL: 'silent', ...env },
    timeout: 120_000,
  });

/** The same without blocking this process: the server it asks runs in this process. */
const kbiAsync = (env: Record<string, string>, ...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['bin/kbi.js', ...args], {
      env: { ...process.env, KBI_DATABASE_URL: '', KBI_REPLICA_URL: '', KBI_LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

const ctx = { actor: OPERATOR, requestId: 'backup-test' };

/** A small world: demo persons, and reads of some of them in the audit trail. */
async function fill(database: Database): Promise<void> {
  await generateDemoData(database, { persons: 150, seed: 5 });
  const persons = await database.db.selectFrom('persons').select('id').limit(4).execute();
  for (const p of persons) await recordAudit(database.db, ctx, { action: 'dossier.read', personId: p.id, clusters: ['personalia'], result: 'allowed' });
}

/** Every base set's figures for 2024 as known at `asOf`: what a copy must give again. */
async function allFigures(db: Db, asOf: string) {
  const out: Record<string, unknown> = {};
  for (const set of BASE_SETS) {
    const r = await computeResult(db, ctx, { setId: set.id, year: 2024, asOf });
    out[set.id] = r.breakdowns.map((b) => ({ id: b.id, total: b.total, cells: b.cells.map((c) => [c.key, c.values]) }));
  }
  return out;
}

const nonEmpty = (figures: Record<string, unknown>) =>
  Object.values(figures).filter((breakdowns) => Object.values((breakdowns as { total: Record<string, number> }[])[0]!.total).some((v) => v > 0)).length;

test('kbi backup copies the embedded database, with no server and through a running one: each copy verifies and gives the same statistics', async (t) => {
  const started = Date.now();
  let mark = started;
  const laps: string[] = [];
  const lap = (what: string) => {
    laps.push(`${what} ${Date.now() - mark} ms`);
    mark = Date.now();
  };
  const root = mkdtempSync(join(tmpdir(), 'kbi-backup-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  const source = await openDatabase({ url: null, dataDir });
  await migrateToLatest(source.db);
  lap('migrate');
  await fill(source);
  lap('fill');
  const asOf = new Date().toISOString();
  const reference = await allFigures(source.db, asOf);
  lap('figures');
  assert.ok(nonEmpty(reference) >= 5, `the small world has figures for 2024 in several sets (${nonEmpty(reference)})`);
  const trail = await verifyAuditChain(source.db);
  assert.ok(trail.ok && trail.rows >= 4 + BASE_SETS.length, `the source's trail is intact (${trail.rows} records)`);
  await source.close();

  // No server holds the data directory: the CLI opens it itself.
  const first = kbi({ KBI_DATA_DIR: dataDir }, 'backup', join(root, 'copy1'));
  assert.equal(first.status, 0, first.stderr);
  lap('backup');
  assert.match(first.stdout, new RegExp(`written to ${join(root, 'copy1')}: [0-9.]+ MB, schema at \\S+, ${trail.rows + 1} audit records`));

  // A server holds it (as `kbi serve` does: the lock file names its port and token): the CLI asks the server.
  const lock = acquireLock(dataDir, 'serve');
  const held = await openDatabase({ url: null, dataDir });
  const app = await buildApp({
    config: loadConfig({ KBI_DATA_DIR: dataDir, KBI_LOG_LEVEL: 'silent', KBI_DEMO_PERSONS: '0', KBI_SERVE_WEB: 'false' }),
    database: held,
    operatorToken: lock.token,
  });
  try {
    await app.http.listen({ port: 0, host: '127.0.0.1' });
    updateLockPort(dataDir, lock, (app.http.server.address() as { port: number }).port);
    const second = await kbiAsync({ KBI_DATA_DIR: dataDir }, 'backup', join(root, 'copy2'));
    assert.equal(second.status, 0, second.stderr);
    lap('server+backup');
    assert.match(second.stderr, /the server \(pid \d+\) holds .*; asking it for a consistent copy/);
    assert.match(second.stdout, new RegExp(`${trail.rows + 2} audit records`), 'the first backup and this one are in the trail');
    assert.equal((await app.http.inject({ method: 'POST', url: '/api/operator/backup', payload: { target: '/x' } })).statusCode, 401, 'only with the token');
  } finally {
    await app.close();
    await held.close();
    rmSync(join(dataDir, 'kbi.lock.json'), { force: true });
  }

  // What a backup refuses: a folder that is not empty (exit code 2), one inside the data directory, a folder without a database.
  const again = kbi({ KBI_DATA_DIR: dataDir }, 'backup', join(root, 'copy1'));
  assert.equal(again.status, 2);
  assert.match(again.stderr, /copy1 is not empty/);
  assert.match(backupTargetProblem(dataDir, join(dataDir, 'inside')) ?? '', /must lie outside the data directory/);
  assert.match(backupTargetProblem(join(root, 'copy1', 'data'), join(root, 'copy1')) ?? '', /must lie outside the data directory/);
  assert.match(backupTargetProblem(join(root, 'nothing'), join(root, 'copy3')) ?? '', /holds no embedded database/);
  assert.equal(backupTargetProblem(dataDir, join(root, 'copy3')), null);
  lap('refusals');
  // Each copy is a data directory of its own: its audit trail is intact, with the backups' records, and it gives the same figures.
  for (const [copy, records] of [
    ['copy1', trail.rows + 1],
    ['copy2', trail.rows + 2],
  ] as const) {
    const dir = join(root, copy);
    assert.ok(!existsSync(join(dir, 'kbi.lock.json')), 'no lock file is copied');
    const restored = await openDatabase({ url: null, dataDir: dir });
    try {
      // What `kbi audit verify` runs (it runs on a copy as it is in tests/api/replica.test.ts and below on PostgreSQL).
      assert.deepEqual(await verifyAuditChain(restored.db), { ok: true, rows: records, problems: [] }, `${copy}: the audit trail is intact`);
      assert.deepEqual(await allFigures(restored.db, asOf), reference, `${copy} gives the same statistics`);
      const backups = await restored.db.selectFrom('audit_log').select('detail').where('action', '=', 'database.backup').execute();
      assert.equal(backups.length, records - trail.rows, 'the copy holds the record of its own making');
    } finally {
      await restored.close();
    }
    lap('figures of copy');
  }
  t.diagnostic(`${Date.now() - started} ms: ${laps.join(', ')}`);
});

const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');

test(
  'PostgreSQL: pg_dump, then pg_restore into a new database: the copy verifies and gives the same statistics',
  { skip: postgres ? false : 'needs PostgreSQL (set KBI_TEST_DATABASE_URL; CI does)' },
  async (t) => {
    const started = Date.now();
    const source = await postgres!.open();
    t.after(() => source.close());
    await fill(source);
    const asOf = new Date().toISOString();
    const reference = await allFigures(source.db, asOf);
    assert.ok(nonEmpty(reference) >= 5, `figures for 2024 in several sets (${nonEmpty(reference)})`);
    const trail = await verifyAuditChain(source.db);
    assert.ok(trail.ok);
    await assert.rejects(dumpForBackup(source, ctx, '/tmp/x'), /on PostgreSQL use pg_dump/, 'kbi backup is for the embedded database');

    const dir = mkdtempSync(join(tmpdir(), 'kbi-pgdump-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'kbi.dump');
    const dumped = spawnSync(pgTool('pg_dump'), ['--format=custom', `--file=${file}`, source.url!], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(dumped.status, 0, dumped.stderr);

    const copyUrl = new URL(source.url!);
    const copyName = `${copyUrl.pathname.slice(1)}_restored`;
    copyUrl.pathname = `/${copyName}`;
    const admin = async (text: string) => {
      const c = new pg.Client({ connectionString: process.env.KBI_TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(text);
      } finally {
        await c.end();
      }
    };
    await admin(`CREATE DATABASE ${copyName}`);
    t.after(() => admin(`DROP DATABASE IF EXISTS ${copyName} WITH (FORCE)`));
    const restored = spawnSync(pgTool('pg_restore'), ['--exit-on-error', `--dbname=${copyUrl}`, file], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(restored.status, 0, restored.stderr);

    const verified = kbi({ KBI_DATABASE_URL: copyUrl.toString() }, 'audit', 'verify');
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, new RegExp(`intact: ${trail.rows} records`));
    const copy = await openDatabase({ url: copyUrl.toString(), poolSize: 2 });
    try {
      assert.deepEqual(await allFigures(copy.db, asOf), reference, 'the restored copy gives the same statistics');
    } finally {
      await copy.close();
    }
    t.diagnostic(`${Date.now() - started} ms`);
  },
);
