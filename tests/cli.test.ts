/** The operator's CLI, run as a user runs it: `kbi seed`, `kbi audit verify`, `kbi referrals expire`, `kbi --help`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { inTransaction, openDatabase } from '../server/platform/db.ts';
import { migrateToLatest } from '../server/platform/migrate.ts';
import { recordAudit } from '../server/platform/audit.ts';
import { verifyAuditChain } from '../server/modules/audit/audit.verify.ts';
import { OPERATOR } from '../server/platform/access.ts';
import { makeInsz } from '../server/platform/identifiers/insz.ts';
import { belgianToday } from '../server/modules/integrations/integrations.service.ts';
import { addDays } from '../server/platform/calendar.ts';

const kbi = (dataDir: string, ...args: string[]) => kbiWithInput(dataDir, '', ...args);
const kbiWithInput = (dataDir: string, input: string, ...args: string[]) =>
  spawnSync(process.execPath, ['bin/kbi.js', ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, KBI_DATA_DIR: dataDir, KBI_DATABASE_URL: '', KBI_LOG_LEVEL: 'silent' },
    timeout: 120_000,
  });

test('seed, then verify the audit trail, then find the record someone altered', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kbi-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const help = kbi(dir, '--help');
  assert.equal(help.status, 0);
  for (const command of ['serve', 'migrate', 'seed', 'documents', 'audit', 'referrals']) assert.match(help.stdout, new RegExp(`\\b${command}\\b`));

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
  for (const p of persons)
    await recordAudit(
      database.db,
      { actor: OPERATOR, requestId: 'cli-test' },
      { action: 'dossier.read', personId: p.id, clusters: ['personalia'], result: 'allowed' },
    );
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
  assert.match(report.stdout, /^moment,tot,wie,soort/);
  assert.equal(report.stdout.trim().split('\n').length, 2, 'one access: the read written above');
  assert.ok(!report.stdout.includes(insz), 'the report does not repeat the INSZ');

  const added = kbiWithInput(
    dir,
    'Eerste-beheerder-2026\n',
    'users',
    'add',
    '--username',
    'first.admin',
    '--name',
    'Eerste beheerder',
    '--role',
    'ADMINISTRATOR',
  );
  assert.equal(added.status, 0, added.stderr);
  assert.match(added.stdout, /account first\.admin \(ADMINISTRATOR\) created/);
  const weak = kbiWithInput(dir, 'short\n', 'users', 'add', '--username', 'second.admin', '--name', 'Tweede', '--role', 'ADMINISTRATOR');
  assert.equal(weak.status, 1);
  assert.match(weak.stderr, /password: must be at least 12 characters/);

  const bad = kbi(dir, 'seed', '--persons', 'many');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /whole number/);
});

test('kbi referrals expire: an overdue referral expires and its partner gets the event, with nobody reading referrals', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kbi-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const today = belgianToday();
  // An OCMW referred a person to an agency twenty days ago: one referral due yesterday, one due today.
  const setup = await openDatabase({ url: null, dataDir: dir });
  await migrateToLatest(setup.db);
  const { ocmw, overdue, onTime } = await inTransaction(setup.db, 'test:setup', async (tx) => {
    const org = async (kind: string, name: string) =>
      (await sql<{ id: string }>`INSERT INTO organisations (kind, name) VALUES (${kind}, ${name}) RETURNING id`.execute(tx)).rows[0]!.id;
    const agency = await org('AGENCY', 'Agentschap Integratie en Inburgering');
    const ocmwId = await org('OCMW', 'OCMW Gent');
    const [person] = (
      await sql<{ id: string }>`INSERT INTO persons (insz, family_name, given_names, gender, nationality, residence_status, created_by_organisation_id)
      VALUES (${makeInsz({ birthDate: '1990-04-12', serial: 412 })}, 'Haddad', 'Noor', '2', 'SYR', 'GEZINSHERENIGING_DERDELANDER', ${agency}::uuid) RETURNING id`.execute(
        tx,
      )
    ).rows;
    const referral = async (respondBy: string) =>
      (
        await sql<{ id: string }>`INSERT INTO referrals (person_id, from_id, to_id, reason, referred_on, respond_by, status)
      VALUES (${person!.id}::uuid, ${ocmwId}::uuid, ${agency}::uuid, 'LEEFLOON', ${addDays(today, -20)}::date, ${respondBy}::date, 'SENT') RETURNING id`.execute(
          tx,
        )
      ).rows[0]!.id;
    return { ocmw: ocmwId, overdue: await referral(addDays(today, -1)), onTime: await referral(today) };
  });
  await setup.close();

  const run = kbi(dir, 'referrals', 'expire');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^expired 1 overdue referrals$/m);
  assert.match(kbi(dir, 'referrals', 'expire').stdout, /expired 0 overdue referrals/, 'each referral expires once');

  const check = await openDatabase({ url: null, dataDir: dir });
  try {
    const statuses = await check.db.selectFrom('referrals').select(['id', 'status']).orderBy('respond_by').execute();
    assert.deepEqual(
      statuses,
      [
        { id: overdue, status: 'EXPIRED' },
        { id: onTime, status: 'SENT' },
      ],
      'due today is still on time',
    );
    const events = await check.db.selectFrom('outbox_events').select(['organisation_id', 'type', 'subject_id', 'payload']).execute();
    assert.deepEqual(
      events,
      [
        {
          organisation_id: ocmw,
          type: 'referral.expired',
          subject_id: overdue,
          payload: { referralId: overdue, status: 'EXPIRED', respondBy: addDays(today, -1) },
        },
      ],
      'the referring partner is told, in its event feed',
    );
    const audits = await check.db.selectFrom('audit_log').select(['action', 'actor_id']).execute();
    assert.deepEqual(audits, [{ action: 'referrals.expire', actor_id: 'system:referral-expiry' }], 'audited; and no read of referrals happened');
  } finally {
    await check.close();
  }
});

test('kbi report: a base set for a year as known on a date, as CSV, XLSX or JSON; bad input names the option', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kbi-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(kbi(dir, 'seed', '--persons', '60', '--seed', '3').status, 0);
  const list = kbi(dir, 'report');
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^firstContracts\s+Personen met een inburgeringscontract$/m);
  const csv = kbi(dir, 'report', 'firstContracts', '--year', '2024', '--as-of', '2026-01-15', '--format', 'csv');
  assert.equal(csv.status, 0, csv.stderr);
  assert.match(csv.stdout, /^set,version,year,as_of,provisional,breakdown,row,/);
  assert.match(
    csv.stdout,
    /firstContracts,1,2024,2026-01-15T22:59:59\.999Z,false,gender,total,/,
    'the situation of the end of 15 January in Belgium on every row',
  );
  const out = join(dir, 'contracts.xlsx');
  const xlsx = kbi(dir, 'report', 'firstContracts', '--year', '2024', '--format', 'xlsx', '--out', out);
  assert.equal(xlsx.status, 0, xlsx.stderr);
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(out);
  assert.equal(wb.worksheets[0]!.name, 'Toelichting');
  const json = JSON.parse(kbi(dir, 'report', 'firstContracts', '--year', '2024').stdout);
  assert.equal(json.set.id, 'firstContracts');
  assert.equal(json.current, true);
  const future = kbi(dir, 'report', 'firstContracts', '--year', '2024', '--as-of', '2999-01-01');
  assert.equal(future.status, 1);
  assert.match(future.stderr, /asOf: lies in the future/);
  assert.equal(kbi(dir, 'report', 'firstContracts', '--year', '22').status, 1);
});

test('kbi import --kind magda-dossiers: a directory of GeefDossierKBI answers, all or nothing, each wrong value named; the same batch again changes nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kbi-cli-'));
  const answers = mkdtempSync(join(tmpdir(), 'kbi-magda-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(answers, { recursive: true, force: true });
  });
  // The offices example 90122501644 refers to, as the installation's reference data holds them.
  const setup = await openDatabase({ url: null, dataDir: dir });
  await migrateToLatest(setup.db);
  const agency = await inTransaction(setup.db, 'test:setup', async (tx) => {
    const id = (
      await sql<{ id: string }>`INSERT INTO organisations (kind, name, enterprise_number) VALUES ('AGENCY', 'Agentschap', '0421722346') RETURNING id`.execute(
        tx,
      )
    ).rows[0]!.id;
    for (const [kbi, kbo] of [
      ['BFD4F0D6634544AA98C884D4950313AB', '0421722346'],
      ['64B8A9B116FA432D90F52691EEB2634D', null],
      ['26D7A46366084C68BE1777034F5D1BF4', null],
    ])
      await sql`INSERT INTO offices (organisation_id, name, kbi_key, kbo_number) VALUES (${id}::uuid, ${`Kantoor ${kbi!.slice(0, 4)}`}, ${kbi}, ${kbo})`.execute(
        tx,
      );
    return id;
  });
  await setup.close();
  const fixture = (name: string) => readFileSync(new URL(`./fixtures/magda/${name}`, import.meta.url), 'utf8');
  writeFileSync(join(answers, '90122501644.xml'), fixture('90122501644.xml'));
  writeFileSync(
    join(answers, 'wrong.xml'),
    fixture('90122501644.xml')
      .replace('<Type>TT_IBVP</Type>', '<Type>TT_ONGEKEND</Type>')
      .replace(/90122501644/g, '90122600723'),
  );
  writeFileSync(join(answers, 'notfound.xml'), fixture('notfound.xml'));
  const run = (...more: string[]) => kbi(dir, 'import', answers, '--kind', 'magda-dossiers', '--as-organisation', agency, ...more);

  const refused = run('--batch-id', 'legacy-1');
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(refused.stdout, /batch legacy-1 REJECTED: 1 error\(s\); nothing was imported/);
  assert.match(refused.stdout, /wrong\.xml Trajecten\/Traject\[1\] \(type\): unknown code "TT_ONGEKEND" for list trajectory_type/);
  assert.match(refused.stdout, /skipped notfound\.xml: holds no dossier: MAGDA exception 30001/);

  rmSync(join(answers, 'wrong.xml'));
  const imported = run('--batch-id', 'legacy-2');
  assert.equal(imported.status, 0, imported.stdout + imported.stderr);
  assert.match(imported.stdout, /batch legacy-2: 1 dossier\(s\) imported, \d+ records/);
  assert.match(imported.stdout, /warning 90122501644\.xml Personalia\/Geboortedatum: kept as the source holds it \(1913-07-23\)/);
  const again = run('--batch-id', 'legacy-2');
  assert.equal(again.status, 0);
  assert.match(again.stdout, /batch legacy-2 was already imported .*: nothing changed/);

  const check = await openDatabase({ url: null, dataDir: dir });
  t.after(() => check.close());
  const persons = await check.db.selectFrom('persons').select(['insz', 'birth_date', 'created_by_office_id']).execute();
  assert.equal(persons.length, 1);
  assert.equal(String(persons[0]!.birth_date).slice(0, 10), '1913-07-23');
  assert.ok(persons[0]!.created_by_office_id, 'the creator office found by its KBI number');
  const components = await check.db.selectFrom('trajectory_components').select('type').execute();
  assert.deepEqual(components.map((c) => c.type).sort(), ['TO_A1', 'TO_OB_LLO', 'TO_OB_MO']);
});

test('kbi purge --dry-run lists what would go (masked INSZ, per cluster) and changes nothing; kbi purge does it, audited', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kbi-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const insz = makeInsz({ birthDate: '1988-11-02', serial: 233 });
  // A trajectory that ended in 2019, with two conversations: past their two years in 2027.
  const setup = await openDatabase({ url: null, dataDir: dir });
  await migrateToLatest(setup.db);
  await inTransaction(setup.db, 'test:setup', async (tx) => {
    const [person] = (
      await sql<{ id: string }>`INSERT INTO persons (insz, family_name, given_names, gender, nationality)
      VALUES (${insz}, 'Karimi', 'Layla', '2', 'AFG') RETURNING id`.execute(tx)
    ).rows;
    await sql`INSERT INTO trajectories (person_id, type, start_date, end_date, status, status_since)
      VALUES (${person!.id}::uuid, 'TT_IBVP', '2018-02-01', '2019-06-30', 'OP', '2018-02-01')`.execute(tx);
    await sql`INSERT INTO conversations (person_id, held_at, text) VALUES (${person!.id}::uuid, '2019-01-10T10:00:00Z', 'Eerste gesprek'),
      (${person!.id}::uuid, '2019-05-10T10:00:00Z', 'Tweede gesprek')`.execute(tx);
  });
  await setup.close();
  const counts = async () => {
    const db = await openDatabase({ url: null, dataDir: dir });
    try {
      const n = async (table: 'conversations' | 'audit_log' | 'retention_runs') =>
        Number(
          (
            await db.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return { conversations: await n('conversations'), audit: await n('audit_log'), runs: await n('retention_runs') };
    } finally {
      await db.close();
    }
  };

  const dry = kbi(dir, 'purge', '--dry-run', '--today', '2027-01-01');
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^kbi purge --dry-run for 2027-01-01: nothing was changed/m);
  assert.match(dry.stdout, new RegExp(`^  \\*\\*\\.\\*\\*\\.\\*\\*-\\*\\*\\*\\.${insz.slice(9)}  conversations delete 2 rows$`, 'm'));
  assert.match(dry.stdout, /^  conversations\s+DELETE\s+1 person\s+2 rows$/m);
  assert.ok(!dry.stdout.includes(insz) && !dry.stdout.includes('Karimi'), 'no INSZ, no name');
  assert.deepEqual(await counts(), { conversations: 2, audit: 0, runs: 0 }, 'the dry run changed nothing');
  const bad = kbi(dir, 'purge', '--today', '31/01/2027');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--today.*a day, e\.g\. 2027-01-31/);

  const run = kbi(dir, 'purge', '--today', '2027-01-01');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^kbi purge for 2027-01-01: done$/m);
  assert.deepEqual(await counts(), { conversations: 0, audit: 1, runs: 1 }, 'gone, audited once, one run');
  const check = await openDatabase({ url: null, dataDir: dir });
  try {
    assert.ok((await verifyAuditChain(check.db)).ok, 'the audit trail verifies');
  } finally {
    await check.close();
  }
});
