/**
 * The HTTP process: migrate, serve, and on first start fill an empty database with demo data.
 * With `KBI_WORKERS` > 1 (PostgreSQL only) this process supervises that many serving processes on
 * one port (node:cluster): Node runs JavaScript on one core, so one process per core is how a
 * machine's cores all serve. The processes share nothing but the database.
 */
import cluster, { type Worker } from 'node:cluster';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { startWorker } from './worker.ts';
import { randomBytes } from 'node:crypto';
import type { Config } from './platform/config.ts';
import { buildApp } from './app.ts';
import { acquireLock, updateLockPort } from './platform/lock.ts';
import { generateDemoData } from './modules/demo/generator.ts';
import { demoUsername, ensureDemoAccounts } from './modules/access/access.demo.ts';
import { showcaseHouse } from './modules/demo/house.ts';
import { ensureDemoShowcase } from './modules/demo/showcase.ts';
import { startSimulator } from './modules/discimus/simulator.process.ts';

export async function serve(configured: Readonly<Config>): Promise<void> {
  if (configured.workers > 1) return cluster.isPrimary ? supervise(configured) : serveWorker(configured);
  const lock = configured.databaseUrl ? null : acquireLock(configured.dataDir, 'serve');
  // The demo asks a DISCIMUS simulator of its own (a child process) unless a real endpoint is configured.
  const discimus = !configured.discimusUrl && configured.demoPersons > 0 ? await startSimulator() : null;
  const config: Readonly<Config> = discimus ? Object.freeze({ ...configured, discimusUrl: discimus.url }) : configured;
  const app = await buildApp({ config, operatorToken: lock?.token ?? randomBytes(24).toString('base64url') });
  const log = app.http.log;
  await app.http.listen({ port: config.port, host: config.host });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (lock) updateLockPort(config.dataDir, lock, port);

  // Background jobs: in a worker process of their own on PostgreSQL; the embedded database is one process's alone, so there they run in this one.
  const inProcess = config.runWorker && !config.databaseUrl ? startWorker(app.deps, config, log) : null;
  const child = config.runWorker && config.databaseUrl ? superviseWorkerProcess(config, log) : null;

  let stopping = false;
  // A stop while the demo is being filled waits for the step in progress (the generation ends after its batch), so no step meets a closed database.
  const seedingStopped = new AbortController();
  let seeding: Promise<void> = Promise.resolve();
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    seedingStopped.abort();
    await seeding.catch(() => undefined);
    await child?.stop();
    await inProcess?.stop();
    await app.close();
    await discimus?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  banner(
    config,
    port,
    discimus !== null,
    child ? '1 serving process and 1 worker process (kbi worker)' : inProcess ? '1 (embedded database: background jobs in this process)' : null,
  );
  seeding = seedDemo(app, config, seedingStopped.signal);
  try {
    await seeding;
  } catch (err) {
    if (!seedingStopped.signal.aborted) throw err;
  }
}

/**
 * The worker as a child process (`kbi worker`), replaced when it dies unless it keeps dying at
 * start; stop() ends it with SIGTERM and waits for it.
 */
function superviseWorkerProcess(config: Readonly<Config>, log: Pick<Logger, 'error' | 'fatal'>): { stop(): Promise<void> } {
  let stopping = false;
  let quickDeaths = 0;
  let child: ChildProcess;
  const start = () => {
    const born = Date.now();
    child = spawn(process.execPath, [fileURLToPath(new URL('../bin/kbi.js', import.meta.url)), 'worker'], {
      env: { ...process.env, KBI_DISCIMUS_URL: config.discimusUrl ?? '' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code, signal) => {
      if (stopping) return;
      quickDeaths = Date.now() - born < 5000 ? quickDeaths + 1 : 0;
      log.error({ pid: child.pid, code, signal }, 'worker_process_exited');
      if (quickDeaths >= 3) {
        log.fatal('the worker process keeps dying at start; background jobs stopped');
        return;
      }
      start();
    });
  };
  start();
  return {
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

function banner(config: Readonly<Config>, port: number, simulator: boolean, processes: string | null): void {
  const url = `${config.tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const storage = config.databaseUrl ? 'PostgreSQL server (KBI_DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  process.stdout.write(
    [
      '',
      `  KBI — Kruispuntbank Inburgering is running at ${url}`,
      `  Web app            ${url}/  (log in with a demo account below)`,
      `  API documentation  ${url}/api/docs`,
      `  Health             ${url}/api/health`,
      `  Database           ${storage}`,
      ...(processes ? [`  Processes          ${processes}`] : []),
      `  DISCIMUS           ${config.discimusUrl ? `${config.discimusUrl}${simulator ? '  (simulator, a child process)' : ''}` : 'not configured (KBI_DISCIMUS_URL)'}`,
      '',
    ].join('\n') + '\n',
  );
}

/** An empty database gets the demo population and every database the demo accounts (unless KBI_DEMO_PERSONS=0). */
async function seedDemo(app: Awaited<ReturnType<typeof buildApp>>, config: Readonly<Config>, signal: AbortSignal): Promise<void> {
  const log = app.http.log;
  const { count } = await app.database.db
    .selectFrom('persons')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  if (Number(count) === 0 && config.demoPersons > 0) {
    log.info({ persons: config.demoPersons, seed: config.demoSeed }, 'demo_data_generating');
    process.stdout.write(`  Empty database: generating ${config.demoPersons} synthetic persons (seed ${config.demoSeed})…\n`);
    const summary = await generateDemoData(app.database, {
      persons: config.demoPersons,
      seed: config.demoSeed,
      signal,
      onProgress: (done, total) => log.info({ done, total }, 'demo_data_progress'),
    });
    process.stdout.write(`  Demo data ready: ${summary.persons} persons in ${summary.seconds.toFixed(1)} s.\n`);
  }
  if (config.demoPersons > 0 && !signal.aborted) {
    const accounts = await ensureDemoAccounts(app.database);
    if (signal.aborted) return;
    await showcaseHouse(app.database);
    if (signal.aborted) return;
    // Every flow in every state for the demo log-ins' organisations (once per database).
    // A failure leaves the demo without some examples, not without a server.
    try {
      const showcase = await ensureDemoShowcase(app.deps, {
        caseworker: demoUsername('AGENCY_CASEWORKER'),
        teamLead: demoUsername('TEAM_LEAD'),
        ocmwWorker: demoUsername('OCMW_SOCIAL_WORKER'),
        administrator: demoUsername('ADMINISTRATOR'),
      });
      if (showcase) log.info(showcase, 'demo_showcase_made');
    } catch (err) {
      log.error({ error: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : undefined }, 'demo_showcase_failed');
    }
    if (accounts.length) {
      process.stdout.write(
        `\n  Demo log-ins (synthetic data only; POST /api/v1/session):\n${accounts.map((a) => `    ${a.role.padEnd(20)} ${a.username.padEnd(24)} ${a.password}`).join('\n')}\n\n`,
      );
    }
  }
  if (signal.aborted) return;
  const users = await app.database.db.selectFrom('users').select('id').limit(1).execute();
  if (!users.length) process.stdout.write('  No staff accounts yet: create the first administrator with `npx kbi users add --role ADMINISTRATOR …`.\n');
}

/**
 * The supervisor of `workers` serving processes: migrates and seeds once, starts the DISCIMUS
 * simulator once, then forks; a worker that dies is replaced (unless it died within seconds of
 * starting twice in a row, which is a fault no restart mends). SIGTERM/SIGINT stop every worker
 * gracefully (each finishes its requests), then this process.
 */
async function supervise(configured: Readonly<Config>): Promise<void> {
  const discimus = !configured.discimusUrl && configured.demoPersons > 0 ? await startSimulator() : null;
  const config: Readonly<Config> = discimus ? Object.freeze({ ...configured, discimusUrl: discimus.url }) : configured;
  // Only to migrate and seed (the worker process runs the background jobs).
  const app = await buildApp({ config, operatorToken: randomBytes(24).toString('base64url') });
  const log = app.http.log;
  await seedDemo(app, config, new AbortController().signal); // before the signal handlers: a stop here ends the process
  await app.close();

  let stopping = false;
  let quickDeaths = 0;
  const fork = (): Worker => {
    const worker = cluster.fork({ KBI_DISCIMUS_URL: config.discimusUrl ?? '' });
    const born = Date.now();
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      quickDeaths = Date.now() - born < 5000 ? quickDeaths + 1 : 0;
      log.error({ worker: worker.id, code, signal }, 'worker_exited');
      if (quickDeaths >= 2) {
        log.fatal('workers keep dying at start; stopping');
        void stop('workers failing', 1);
        return;
      }
      fork();
    });
    return worker;
  };
  const workers = Array.from({ length: config.workers }, fork);
  const jobs = config.runWorker ? superviseWorkerProcess(config, log) : null;
  const stop = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await jobs?.stop();
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.process.kill('SIGTERM');
          }),
      ),
    );
    await discimus?.stop();
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const ports = await Promise.all(workers.map((w) => new Promise<number>((resolve) => w.once('listening', (address) => resolve(address.port)))));
  banner(config, ports[0]!, discimus !== null, `${config.workers} serving processes (KBI_WORKERS)${jobs ? ' and 1 worker process (kbi worker)' : ''}`);
}

/** One of the supervisor's serving processes: listens on the shared port; no seeding, no banner. */
async function serveWorker(config: Readonly<Config>): Promise<void> {
  const app = await buildApp({ config, operatorToken: randomBytes(24).toString('base64url') });
  await app.http.listen({ port: config.port, host: config.host });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => {
    /* the supervisor decides */
  });
}
