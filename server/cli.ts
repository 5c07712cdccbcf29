/** `npx kbi <command>`: the operator's tool. */
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig, type Config } from './platform/config.ts';
import { openDatabase } from './platform/db.ts';
import { migrateToLatest } from './platform/migrate.ts';
import { acquireLock, currentHolder } from './platform/lock.ts';
import { generateDemoData } from './modules/demo/generator.ts';

function config(): Readonly<Config> {
  try { return loadConfig(); } catch (e) {
    if (e instanceof ConfigError) { process.stderr.write(`${e.message}\n`); process.exit(2); }
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
  await migrateToLatest(database.db);
  return database;
}

const program = new Command('kbi')
  .description('Kruispuntbank Inburgering — the client-tracking system of Flemish civic integration.\n'
    + 'Configuration comes from the environment (see README: KBI_DATABASE_URL, KBI_DATA_DIR, PORT, …).')
  .showHelpAfterError();

program.command('serve').description('migrate, seed demo data into an empty database, and serve the API').action(async () => {
  const { serve } = await import('./main.ts');
  await serve(config());
});

program.command('migrate').description('bring the database schema up to date').action(async () => {
  const cfg = config();
  const database = await openDirect(cfg, 'migrate');
  const applied = await migrateToLatest(database.db);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the schema is up to date\n');
  await database.close();
});

program.command('seed').description('generate a deterministic synthetic population (no real people)')
  .option('--persons <n>', 'number of persons', positiveInt, 5000)
  .option('--seed <s>', 'seed of the generator: the same seed gives the same people', positiveInt, 1)
  .action(async (opts: { persons: number; seed: number }) => {
    const cfg = config();
    const holder = cfg.databaseUrl ? null : currentHolder(cfg.dataDir);
    if (holder?.port) {
      // The server holds the embedded database: ask it to do the work.
      process.stdout.write(`the server (pid ${holder.pid}) holds ${cfg.dataDir}; generating through its API…\n`);
      const res = await fetch(`http://127.0.0.1:${holder.port}/api/operator/seed`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${holder.token}` },
        body: JSON.stringify({ persons: opts.persons, seed: opts.seed }),
      });
      const body = await res.json();
      if (!res.ok) { process.stderr.write(`${JSON.stringify(body)}\n`); process.exit(1); }
      process.stdout.write(`generated ${body.persons} persons in ${Number(body.seconds).toFixed(1)} s\n`);
      return;
    }
    const database = await openDirect(cfg, 'seed');
    const bar = process.stdout.isTTY ? new cliProgress.SingleBar({ format: 'persons {bar} {value}/{total} | {percentage}% | ETA {eta}s' }, cliProgress.Presets.shades_classic) : null;
    bar?.start(opts.persons, 0);
    const summary = await generateDemoData(database, {
      persons: opts.persons, seed: opts.seed,
      onProgress: (done, total) => (bar ? bar.update(done) : process.stdout.write(`persons ${done}/${total}\n`)),
    });
    bar?.stop();
    process.stdout.write(`generated ${summary.persons} persons in ${summary.seconds.toFixed(1)} s (${Math.round(summary.persons / summary.seconds)} persons/s)\n`);
    await database.close();
  });

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`kbi: ${err.message}\n`);
  process.exit(1);
});
