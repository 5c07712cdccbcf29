/** `npx kbi <command>`: the operator's tool. */
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig, type Config } from './platform/config.ts';
import { openDatabase } from './platform/db.ts';
import { migrateToLatest } from './platform/migrate.ts';
import { acquireLock, currentHolder } from './platform/lock.ts';
import { generateDemoData } from './modules/demo/generator.ts';
import { generateCalibratedPopulation } from './modules/demo/calibrate.ts';
import { verifyAuditChain, type ChainReport } from './modules/audit/audit.verify.ts';
import { addAccountAsOperator } from './modules/access/access.service.ts';
import { ROLES } from './modules/access/access.policy.ts';
import { Problem } from './platform/errors.ts';
import { OPERATOR } from './platform/access.ts';
import { CodeLists } from './platform/codes.ts';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { backupTargetProblem, dumpForBackup, writeDataDir } from './platform/backup.ts';
import { reportPdf } from './modules/audit/audit.letter.ts';
import { personAccessReport, reportCsv, type PersonAccessReport } from './modules/audit/audit.report.ts';
import { registerImportCommand } from './modules/imports/imports.cli.ts';
import { registerExportCommands } from './modules/lookups/lookups.cli.ts';
import { registerReportCommand } from './modules/statistics/statistics.cli.ts';
import { registerPurgeCommand } from './modules/retention/retention.cli.ts';
import { buildMissingDocuments } from './modules/dossier/documents.service.ts';
import { expireOverdueReferrals } from './modules/exchange/referrals.service.ts';
import { startWorker } from './worker.ts';
import { replayDeadLetters } from './modules/notifications/notifications.service.ts';
import { createLogger } from './platform/logger.ts';

function config(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

/** Opens the configured database directly, taking the PGlite lock so a server cannot start meanwhile. */
async function openDirect(cfg: Readonly<Config>, command: string) {
  if (!cfg.databaseUrl) acquireLock(cfg.dataDir, command);
  const database = await openDatabase({ url: cfg.databaseUrl, dataDir: cfg.dataDir, poolSize: cfg.dbPoolSize });
  // A streaming replica (hot standby) is read-only and has the primary's schema: the commands that only
  // read (audit verify) run on it as it is; a command that writes is refused by it.
  if (database.kind === 'postgres') {
    const [row] = await database.prepared('kbi_in_recovery', 'SELECT pg_is_in_recovery() AS standby', []);
    if (row?.standby) return database;
  }
  await migrateToLatest(database.db);
  return database;
}

/**
 * When a server holds the embedded data directory, a command is run by it through its operator
 * API (with the token from its lock file); returns null when no server holds it.
 */
async function throughServer(cfg: Readonly<Config>, path: string, body: unknown): Promise<any | null> {
  const holder = cfg.databaseUrl ? null : currentHolder(cfg.dataDir);
  if (!holder?.port) return null;
  process.stderr.write(`the server (pid ${holder.pid}) holds ${cfg.dataDir}; asking it to do the work…\n`);
  const res = await fetch(`http://127.0.0.1:${holder.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${holder.token}` },
    body: JSON.stringify(body),
  });
  const answer = await res.json();
  if (!res.ok) {
    process.stderr.write(`${JSON.stringify(answer)}\n`);
    process.exit(1);
  }
  return answer;
}

const program = new Command('kbi')
  .description(
    'Kruispuntbank Inburgering — the client-tracking system of Flemish civic integration.\n' +
      'Configuration comes from the environment (see README: KBI_DATABASE_URL, KBI_DATA_DIR, PORT, …).',
  )
  .showHelpAfterError();

program
  .command('serve')
  .description('migrate, seed demo data into an empty database, and serve the API')
  .action(async () => {
    const { serve } = await import('./main.ts');
    await serve(config());
  });

program
  .command('migrate')
  .description('bring the database schema up to date')
  .action(async () => {
    const cfg = config();
    const database = await openDirect(cfg, 'migrate');
    const applied = await migrateToLatest(database.db);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the schema is up to date\n');
    await database.close();
  });

program
  .command('seed')
  .description('generate a deterministic synthetic population (no real people)')
  .option('--persons <n>', 'number of persons', positiveInt, 5000)
  .option('--seed <s>', 'seed of the generator: the same seed gives the same people', positiveInt, 1)
  .option(
    '--calibrate',
    'instead: into an empty database, the population whose statistics reproduce the published tables t02–t18 of 2019–2022 cell by cell (about 100,000 persons; --persons is ignored)',
  )
  .action(async (opts: { persons: number; seed: number; calibrate?: boolean }) => {
    const cfg = config();
    if (opts.calibrate) {
      const database = await openDirect(cfg, 'seed --calibrate');
      try {
        const summary = await generateCalibratedPopulation(database, { seed: opts.seed });
        process.stdout.write(
          `calibrated population: ${summary.persons} persons in ${summary.seconds.toFixed(1)} s; check it with: npx kbi report firstContracts --year 2022\n`,
        );
      } finally {
        await database.close();
      }
      return;
    }
    const viaServer = await throughServer(cfg, '/api/operator/seed', { persons: opts.persons, seed: opts.seed });
    if (viaServer) {
      process.stdout.write(`generated ${viaServer.persons} persons in ${Number(viaServer.seconds).toFixed(1)} s\n`);
      return;
    }
    const database = await openDirect(cfg, 'seed');
    const bar = process.stdout.isTTY
      ? new cliProgress.SingleBar({ format: 'persons {bar} {value}/{total} | {percentage}% | ETA {eta}s' }, cliProgress.Presets.shades_classic)
      : null;
    bar?.start(opts.persons, 0);
    const summary = await generateDemoData(database, {
      persons: opts.persons,
      seed: opts.seed,
      onProgress: (done, total) => (bar ? bar.update(done) : process.stdout.write(`persons ${done}/${total}\n`)),
    });
    bar?.stop();
    process.stdout.write(
      `generated ${summary.persons} persons in ${summary.seconds.toFixed(1)} s (${Math.round(summary.persons / summary.seconds)} persons/s)\n`,
    );
    await database.close();
  });

program
  .command('documents')
  .description('build the stored dossier documents that are missing (after a seed or a bulk import), so that each first partner consult finds one')
  .option('--batch <n>', 'persons per statement', positiveInt, 500)
  .action(async (opts: { batch: number }) => {
    const cfg = config();
    const database = await openDirect(cfg, 'documents');
    const missing = Number(
      (
        await database.db
          .selectFrom('dossier_documents')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('document', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
    const bar =
      process.stdout.isTTY && missing
        ? new cliProgress.SingleBar({ format: 'documents {bar} {value}/{total} | {percentage}% | ETA {eta}s' }, cliProgress.Presets.shades_classic)
        : null;
    bar?.start(missing, 0);
    const started = performance.now();
    const built = await buildMissingDocuments(database, { batch: Math.max(1, opts.batch), onProgress: (n) => bar?.update(Math.min(n, missing)) });
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`built ${built} dossier documents in ${seconds.toFixed(1)} s${built ? ` (${Math.round(built / seconds)}/s)` : ''}\n`);
    await database.close();
  });

program
  .command('worker')
  .description(
    'run the background jobs (referral expiry every KBI_REFERRAL_EXPIRY_MINUTES, the rules, the webhook relay, the daily retention purge) until stopped; `kbi serve` starts one itself (KBI_WORKER=false: it does not). On the embedded database only while no server holds it',
  )
  .action(async () => {
    const cfg = config();
    const migrated = await openDirect(cfg, 'worker');
    // On PostgreSQL the jobs run as the restricted application role, like a serving process.
    let database = migrated;
    if (cfg.databaseUrl && cfg.dbRole) {
      await migrated.close();
      database = await openDatabase({ url: cfg.databaseUrl, poolSize: cfg.dbPoolSize, role: cfg.dbRole }); // the relay serves up to 8 webhooks at once
    }
    // The retention purge removes history and audit rows past their term, which the application role may not: it works as the owner.
    const owner = database === migrated ? migrated : await openDatabase({ url: cfg.databaseUrl, poolSize: 1 });
    const log = createLogger(cfg.logLevel);
    const worker = startWorker({ db: database.db, database, codes: await CodeLists.load(database.db), acceptTestInsz: cfg.acceptTestInsz }, cfg, log, owner.db);
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    await worker.stop();
    if (owner !== database) await owner.close();
    await database.close();
    process.exit(0);
  });

const notifications = program.command('notifications').description("change notifications to partners' webhooks");
notifications
  .command('replay')
  .description("queue dead letters for delivery again (the worker sends them before the webhook's new events): all, or of one partner or event")
  .option('--partner <organisationId>', 'only this partner organisation (its id)')
  .option('--event <eventId>', 'only this event (its id)')
  .action(async (opts: { partner?: string; event?: string }) => {
    const cfg = config();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    for (const [name, value] of [
      ['--partner', opts.partner],
      ['--event', opts.event],
    ] as const) {
      if (value !== undefined && !uuid.test(value)) {
        process.stderr.write(`${name}: not an id (uuid)\n`);
        process.exit(2);
      }
    }
    const filter = { ...(opts.partner ? { organisationId: opts.partner } : {}), ...(opts.event ? { eventId: opts.event } : {}) };
    const viaServer = await throughServer(cfg, '/api/operator/notifications/replay', filter);
    let queued: number;
    if (viaServer) queued = viaServer.queued;
    else {
      const database = await openDirect(cfg, 'notifications replay');
      try {
        queued = await replayDeadLetters(database.db, 'system:cli', filter);
      } finally {
        await database.close();
      }
    }
    process.stdout.write(`queued ${queued} dead letters for delivery again\n`);
  });

program
  .command('backup <dir>')
  .description(
    'a consistent copy of the embedded database (KBI_DATA_DIR) in <dir>, a new or empty folder, also while the server runs: the copy is a data directory to serve with KBI_DATA_DIR=<dir>. On PostgreSQL use pg_dump or a base backup (docs/BACKUP.md)',
  )
  .action(async (dir: string) => {
    const cfg = config();
    const fail = (message: string, code = 1) => {
      process.stderr.write(`kbi backup: ${message}\n`);
      process.exit(code);
    };
    if (cfg.databaseUrl) return fail('copies the embedded database; on PostgreSQL use pg_dump or a base backup (docs/BACKUP.md)', 2);
    const target = resolve(dir);
    const problem = backupTargetProblem(cfg.dataDir, target);
    if (problem) return fail(problem, 2);
    const started = performance.now();
    let dump: Blob;
    const holder = currentHolder(cfg.dataDir);
    if (holder?.port) {
      process.stderr.write(`the server (pid ${holder.pid}) holds ${cfg.dataDir}; asking it for a consistent copy…\n`);
      const res = await fetch(`http://127.0.0.1:${holder.port}/api/operator/backup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${holder.token}` },
        body: JSON.stringify({ target }),
      });
      if (!res.ok) return fail(await res.text());
      dump = new Blob([await res.arrayBuffer()], { type: 'application/x-tar' });
    } else {
      acquireLock(cfg.dataDir, 'backup');
      // Opened as it is, never migrated: a backup before an upgrade must hold the schema before it.
      const database = await openDatabase({ url: null, dataDir: cfg.dataDir });
      try {
        dump = await dumpForBackup(database, { actor: OPERATOR, requestId: 'cli' }, target);
      } finally {
        await database.close();
      }
    }
    const copy = await writeDataDir(target, dump);
    process.stdout.write(
      `backup of ${cfg.dataDir} written to ${target}: ${(copy.bytes / 1024 / 1024).toFixed(1)} MB, schema at ${copy.migration}, ${copy.auditRecords} audit records, in ${((performance.now() - started) / 1000).toFixed(1)} s\n` +
        `check it: KBI_DATA_DIR=${target} npx kbi audit verify; restore: stop the server and serve with KBI_DATA_DIR=${target} (or put it in place of ${cfg.dataDir})\n`,
    );
  });

const referrals = program.command('referrals').description('referrals (toeleidingen) of partners to the agencies');
referrals
  .command('expire')
  .description(
    'expire every referral still undecided past its deadline and tell each referring partner (`kbi serve` also does this every KBI_REFERRAL_EXPIRY_MINUTES)',
  )
  .action(async () => {
    const cfg = config();
    const database = await openDirect(cfg, 'referrals expire');
    try {
      const expired = await expireOverdueReferrals({ db: database.db, database, codes: await CodeLists.load(database.db), acceptTestInsz: cfg.acceptTestInsz });
      process.stdout.write(`expired ${expired} overdue referrals\n`);
    } finally {
      await database.close();
    }
  });

const users = program.command('users').description('staff accounts');
users
  .command('add')
  .description('add a staff account; the password is read from standard input (never from the command line)')
  .requiredOption('--username <name>', 'log-in name (lower case)')
  .requiredOption('--name <display name>', 'name shown to colleagues')
  .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
  .option('--organisation <id>', 'organisation (uuid); default: the Agentschap Binnenlands Bestuur')
  .action(async (opts: { username: string; name: string; role: string; organisation?: string }) => {
    const cfg = config();
    const password = (await readStdin()).split('\n')[0]!.trim();
    const input = {
      username: opts.username,
      displayName: opts.name,
      role: opts.role,
      password,
      ...(opts.organisation ? { organisationId: opts.organisation } : {}),
    };
    let made = await throughServer(cfg, '/api/operator/users', input);
    if (!made) {
      const database = await openDirect(cfg, 'users add');
      try {
        const row = await addAccountAsOperator(database.db, input);
        made = { username: row.username, role: row.role };
      } catch (e) {
        if (e instanceof Problem) {
          process.stderr.write(`kbi: ${e.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw e;
      } finally {
        await database.close();
      }
    }
    process.stdout.write(`account ${made.username} (${made.role}) created\n`);
  });

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const audit = program.command('audit').description('the audit trail of every access to personal data');
audit
  .command('verify')
  .description('check the hash chain of the audit trail; names every altered or missing record (exit code 1)')
  .action(async () => {
    const cfg = config();
    let report = (await throughServer(cfg, '/api/operator/audit/verify', {})) as ChainReport | null;
    if (!report) {
      const database = await openDirect(cfg, 'audit verify');
      report = await verifyAuditChain(database.db);
      await database.close();
    }
    if (report.ok) {
      process.stdout.write(`audit trail intact: ${report.rows} records, chain unbroken\n`);
      return;
    }
    process.stdout.write(`AUDIT TRAIL BROKEN: ${report.problems.length} problem(s) in ${report.rows} records\n`);
    for (const p of report.problems) process.stdout.write(`  ${p.problem.padEnd(8)} ${p.detail}\n`);
    process.exitCode = 1;
  });

audit
  .command('person <insz>')
  .description("who accessed this person's dossier, when and for which purpose")
  .option('--format <format>', 'json, csv or pdf', 'csv')
  .option('--out <file>', 'write to this file instead of standard output')
  .option('--lang <lang>', 'the language of the words and of the letter: nl, fr or en', 'nl')
  .action(async (insz: string, opts: { format: string; out?: string; lang: string }) => {
    if (!['json', 'csv', 'pdf'].includes(opts.format)) throw new InvalidArgumentError('--format must be json, csv or pdf');
    if (!['nl', 'fr', 'en'].includes(opts.lang)) throw new InvalidArgumentError('--lang must be nl, fr or en');
    const lang = opts.lang as 'nl' | 'fr' | 'en';
    const cfg = config();
    let report = (await throughServer(cfg, '/api/operator/audit/person', { insz, lang })) as PersonAccessReport | null;
    if (!report) {
      const database = await openDirect(cfg, 'audit person');
      try {
        report = await personAccessReport(database.db, { actor: OPERATOR, requestId: 'cli' }, { insz, lang }, cfg.acceptTestInsz);
      } catch (e) {
        if (e instanceof Problem) {
          process.stderr.write(`kbi: ${e.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw e;
      } finally {
        await database.close();
      }
    }
    const body = opts.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : opts.format === 'csv' ? reportCsv(report) : await reportPdf(report);
    if (opts.out) {
      writeFileSync(opts.out, body);
      process.stderr.write(`${report.items.length} accesses written to ${opts.out}\n`);
    } else process.stdout.write(body);
  });

registerExportCommands(program, { config, openDirect, throughServer });

registerImportCommand(program, { config, openDirect });

registerReportCommand(program, { config, openDirect, throughServer });

registerPurgeCommand(program, { config, openDirect, throughServer });

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`kbi: ${err.message}\n`);
  process.exit(1);
});
