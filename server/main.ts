/** The HTTP process: migrate, serve, and on first start fill an empty database with demo data. */
import { randomBytes } from 'node:crypto';
import type { Config } from './platform/config.ts';
import { buildApp } from './app.ts';
import { acquireLock, updateLockPort } from './platform/lock.ts';
import { generateDemoData } from './modules/demo/generator.ts';
import { ensureDemoAccounts } from './modules/access/access.demo.ts';
import { startSimulator } from './modules/discimus/simulator.process.ts';

export async function serve(configured: Readonly<Config>): Promise<void> {
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
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await app.close();
    await discimus?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const storage = config.databaseUrl ? 'PostgreSQL server (KBI_DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  process.stdout.write([
    '',
    `  KBI — Kruispuntbank Inburgering is running at ${url}`,
    `  Web app            ${url}/  (log in with a demo account below)`,
    `  API documentation  ${url}/api/docs`,
    `  Health             ${url}/api/health`,
    `  Database           ${storage}`,
    `  DISCIMUS           ${config.discimusUrl ? `${config.discimusUrl}${discimus ? '  (simulator, a child process)' : ''}` : 'not configured (KBI_DISCIMUS_URL)'}`,
    '',
  ].join('\n') + '\n');

  const { count } = await app.database.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  if (Number(count) === 0 && config.demoPersons > 0) {
    log.info({ persons: config.demoPersons, seed: config.demoSeed }, 'demo_data_generating');
    process.stdout.write(`  Empty database: generating ${config.demoPersons} synthetic persons (seed ${config.demoSeed})…\n`);
    const summary = await generateDemoData(app.database, {
      persons: config.demoPersons, seed: config.demoSeed,
      onProgress: (done, total) => log.info({ done, total }, 'demo_data_progress'),
    });
    process.stdout.write(`  Demo data ready: ${summary.persons} persons in ${summary.seconds.toFixed(1)} s.\n`);
  }
  if (config.demoPersons > 0) {
    const accounts = await ensureDemoAccounts(app.database);
    if (accounts.length) {
      process.stdout.write(`\n  Demo log-ins (synthetic data only; POST /api/v1/session):\n${accounts.map((a) => `    ${a.role.padEnd(20)} ${a.username.padEnd(24)} ${a.password}`).join('\n')}\n\n`);
    }
  }
  const users = await app.database.db.selectFrom('users').select('id').limit(1).execute();
  if (!users.length) process.stdout.write('  No staff accounts yet: create the first administrator with `npx kbi users add --role ADMINISTRATOR …`.\n');
}
