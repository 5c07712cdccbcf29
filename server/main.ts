/** The HTTP process: migrate, serve, and on first start fill an empty database with demo data. */
import { randomBytes } from 'node:crypto';
import type { Config } from './platform/config.ts';
import { buildApp } from './app.ts';
import { acquireLock, updateLockPort } from './platform/lock.ts';
import { generateDemoData } from './modules/demo/generator.ts';

export async function serve(config: Readonly<Config>): Promise<void> {
  const lock = config.databaseUrl ? null : acquireLock(config.dataDir, 'serve');
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
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const storage = config.databaseUrl ? 'PostgreSQL server (KBI_DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
  process.stdout.write([
    '',
    `  KBI — Kruispuntbank Inburgering is running at ${url}`,
    `  API documentation  ${url}/api/docs`,
    `  Health             ${url}/api/health`,
    `  Database           ${storage}`,
    '  Log-in             no staff accounts yet: this installation answers on this machine only,',
    '                     acting as its local operator (system:local-operator)',
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
}
