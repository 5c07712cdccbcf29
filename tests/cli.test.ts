/** The operator's CLI, run as a user runs it: `kbi seed`, `kbi audit verify`, `kbi --help`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../server/platform/db.ts';
import { recordAudit } from '../server/platform/audit.ts';
import { OPERATOR } from '../server/platform/access.ts';

const kbi = (dataDir: string, ...args: string[]) => kbiWithInput(dataDir, '', ...args);
const kbiWithInput = (dataDir: string, input: string, ...args: string[]) => spawnSync(process.execPath, ['bin/kbi.js', ...args], {
  input, encoding: 'utf8', env: { ...process.env, KBI_DATA_DIR: dataDir, KBI_DATABASE_URL: '', KBI_LOG_LEVEL: 'silent' }, timeout: 120_000,
});

test('seed, then verify the audit trail, then find the record someone altered', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kbi-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const help = kbi(dir, '--help');
  assert.equal(help.status, 0);
  for (const command of ['serve', 'migrate', 'seed', 'documents', 'audit']) assert.match(help.stdout, new RegExp(`\\b${command}\\b`));

  const seeded = kbi(dir, 'seed', '--persons', '25', '--seed', '4');
  assert.equal(seeded.status, 0, seeded.stderr);
  assert.match(seeded.stdout, /generated 25 persons/);
  const documents = kbi(dir, 'documents', '--batch', '10');
  assert.equal(documents.status, 0, documents.stderr);
  assert.match(documents.stdout, /built 25 dossier documents/);
  assert.match(kbi(dir, 'documents').stdout, /built 0 dossier documents/, 'nothing left to build');

  // Some audited reads, written the way the server writes them.
  const database = await openDatabase({ url: null, dataDir: dir });
  const persons = await database.db.selectFrom('persons').select('id').limit(6).execute();
  for (const p of persons) await recordAudit(database.db, { actor: OPERATOR, requestId: 'cli-test' }, { action: 'dossier.read', personId: p.id, clusters: ['personalia'], result: 'allowed' });
  await database.close();

  const intact = kbi(dir, 'audit', 'verify');
  assert.equal(intact.status, 0, intact.stdout + intact.stderr);
  assert.match(intact.stdout, /intact: 6 records/);

  const tamper = await openDatabase({ url: null, dataDir: dir });
  await tamper.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
    UPDATE audit_log SET purpose = 'curiosity' WHERE seq = 3;
    ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;`);
  await tamper.close();
  const broken = kbi(dir, 'audit', 'verify');
  assert.equal(broken.status, 1);
  assert.match(broken.stdout, /altered\s+row 3 \(id \d+\) was changed/);

  const someone = persons[0]!.id;
  const lookup = await openDatabase({ url: null, dataDir: dir });
  const { insz } = await lookup.db.selectFrom('persons').select('insz').where('id', '=', someone).executeTakeFirstOrThrow();
  await lookup.close();
  const report = kbi(dir, 'audit', 'person', insz, '--format', 'csv');
  assert.equal(report.status, 0, report.stderr);
  assert.match(report.stdout, /^moment,wie,soort/);
  assert.equal(report.stdout.trim().split('\n').length, 2, 'one access: the read written above');
  assert.ok(!report.stdout.includes(insz), 'the report does not repeat the INSZ');

  const added = kbiWithInput(dir, 'Eerste-beheerder-2026\n', 'users', 'add', '--username', 'first.admin', '--name', 'Eerste beheerder', '--role', 'ADMINISTRATOR');
  assert.equal(added.status, 0, added.stderr);
  assert.match(added.stdout, /account first\.admin \(ADMINISTRATOR\) created/);
  const weak = kbiWithInput(dir, 'short\n', 'users', 'add', '--username', 'second.admin', '--name', 'Tweede', '--role', 'ADMINISTRATOR');
  assert.equal(weak.status, 1);
  assert.match(weak.stderr, /password: must be at least 12 characters/);

  const bad = kbi(dir, 'seed', '--persons', 'many');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /whole number/);
});
