/**
 * Partner consult throughput for BENCHMARKS.md (issue 5): 64 concurrent partner connections
 * consulting audited full dossiers through a real `kbi serve` process on PostgreSQL, beside
 * PostgreSQL's own primary-key lookup rate on the same machine in the same run (`pgbench -S`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import type { Database } from '../server/platform/db.ts';
import { OPERATOR } from '../server/platform/access.ts';
import { registerClient } from '../server/modules/partners/partners.service.ts';
import { buildMissingDocuments } from '../server/modules/dossier/documents.ts';

export interface ConsultLoad { partners: number; connections: number; seconds: number; requests: number; perSecond: number; p50: number; p99: number; errors: number; non2xx: number }

const freePort = () => new Promise<number>((resolve, reject) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const port = (s.address() as { port: number }).port; s.close(() => resolve(port)); });
  s.on('error', reject);
});

/** Serving processes: one per core, as `KBI_WORKERS=auto` would run it (`KBI_BENCH_WORKERS` to compare). */
export const SERVER_WORKERS = Number(process.env.KBI_BENCH_WORKERS ?? availableParallelism());

async function startServer(url: string, port: number): Promise<ChildProcess> {
  // KBI_BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the server under load.
  const nodeArgs = (process.env.KBI_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, fileURLToPath(new URL('../bin/kbi.js', import.meta.url)), 'serve'], {
    env: {
      ...process.env, NODE_ENV: 'production', KBI_DATABASE_URL: url, PORT: String(port), KBI_DEMO_PERSONS: '0', KBI_LOG_LEVEL: 'warn', KBI_SERVE_WEB: 'false',
      KBI_DB_POOL: process.env.KBI_BENCH_POOL ?? '8', KBI_WORKERS: String(SERVER_WORKERS), KBI_RATE_LIMIT_PER_MINUTE: '0', KBI_USER_RATE_LIMIT_PER_MINUTE: '0', KBI_PARTNER_RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 120; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return child; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill();
  throw new Error('kbi serve did not come up');
}

/**
 * Every OCMW of the demo world (up to `partners`) gets a partner client and 2,000 of the persons in
 * its integration register; then `connections` keep consulting random integrated persons.
 */
export async function consultThroughput(database: Database & { url: string }, { partners = 8, connections = 64, seconds = 20, cold: measureCold = true } = {}): Promise<{ cold: ConsultLoad | null; current: ConsultLoad; documents: { built: number; seconds: number } }> {
  const db = database.db;
  const ocmws = await db.selectFrom('organisations').select('id').where('kind', '=', 'OCMW').orderBy('id').limit(partners).execute();
  const clients: { token: string; insz: string[] }[] = [];
  const port = await freePort();
  const server = await startServer(database.url, port);
  try {
    for (const [i, o] of ocmws.entries()) {
      const { secret } = await registerClient(database, { actor: OPERATOR, requestId: 'bench' }, { organisationId: o.id, clientId: `bench-ocmw-${i}` });
      await sql`INSERT INTO integrations (organisation_id, insz, capacity_code, starts_on, recorded_by)
        SELECT ${o.id}::uuid, insz, '1', current_date - 30, 'bench' FROM persons ORDER BY md5(insz || ${String(i)}) LIMIT 2000
        ON CONFLICT DO NOTHING`.execute(db);
      const insz = (await db.selectFrom('integrations').select('insz').where('organisation_id', '=', o.id).execute()).map((r) => r.insz as string);
      const res = await fetch(`http://127.0.0.1:${port}/api/exchange/v1/oauth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: `bench-ocmw-${i}`, client_secret: secret }),
      });
      clients.push({ token: ((await res.json()) as { access_token: string }).access_token, insz });
    }
    await sql`ANALYZE`.execute(db);
    const run = (duration: number) => autocannon({
      url: `http://127.0.0.1:${port}`, connections, duration, pipelining: 1,
      requests: [{
        method: 'POST', path: '/api/exchange/v1/dossiers/consult',
        setupRequest: (req) => {
          const c = clients[Math.floor(Math.random() * clients.length)]!;
          const insz = c.insz[Math.floor(Math.random() * c.insz.length)]!;
          return { ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` }, body: JSON.stringify({ insz, purpose: 'BEGELEIDING_OCMW_CLIENT' }) };
        },
      }],
    });
    const measure = async (): Promise<ConsultLoad> => {
      await run(3); // warm-up: prepared statements, caches, JIT
      const r = await run(seconds);
      return {
        partners: clients.length, connections, seconds, requests: r.requests.total, perSecond: r.requests.total / r.duration,
        p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx,
      };
    };
    // Cold: no stored dossier document (as right after a bulk change), so each first consult of a person assembles one.
    let cold: ConsultLoad | null = null;
    if (measureCold) {
      await database.exec(`UPDATE dossier_documents SET document = NULL, built_version = NULL, built_at = NULL`);
      cold = await measure();
    }
    // Then every document built at once (`kbi documents`), and the steady state: consults of persons whose dossier did not change since.
    const started = performance.now();
    const built = await buildMissingDocuments(database, { batch: 1000 });
    const documents = { built, seconds: (performance.now() - started) / 1000 };
    await sql`VACUUM ANALYZE dossier_documents`.execute(db);
    const current = await measure();
    return { cold, current, documents };
  } finally {
    server.kill('SIGTERM');
  }
}

/** PostgreSQL's own select-only primary-key rate (`pgbench -S`) with as many clients, on a scratch database. */
export function pgbenchSelectOnly(url: string, clients = 64, seconds = 20): number {
  const init = spawnSync('pgbench', ['-i', '-q', '-s', '10', url], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);
  const run = spawnSync('pgbench', ['-S', '-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), url], { encoding: 'utf8' });
  const tps = /tps = ([\d.]+)/.exec(run.stdout)?.[1];
  if (run.status !== 0 || !tps) throw new Error(`pgbench -S failed: ${run.stderr}`);
  return Number(tps);
}
