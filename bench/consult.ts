/**
 * Partner consult throughput for BENCHMARKS.md (issue 5): 64 concurrent partner connections
 * consulting audited full dossiers through a real `kbi serve` process on PostgreSQL, beside
 * PostgreSQL's own primary-key lookup rate on the same machine in the same run (`pgbench -S`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from '../server/platform/db.ts';
import { OPERATOR } from '../server/platform/access.ts';
import { registerClient } from '../server/modules/partners/partners.service.ts';
import { buildMissingDocuments } from '../server/modules/dossier/documents.service.ts';

export interface ConsultLoad {
  partners: number;
  connections: number;
  seconds: number;
  /** Answers received, and of them the 200s (consults): only those count in perSecond. */
  requests: number;
  ok: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** What went wrong, by kind: wrk's socket errors, and the answers that were not 2xx by status (counted in a short extra run when there were any). */
  errors: { connect: number; read: number; write: number; timeout: number; non2xx: number; statuses: Record<string, number> };
  /** What the server logged at warn or above during the run, by kind (message, database error code, constraint, error): the cause of the errors, not only their status. */
  serverLog: Record<string, number>;
  /** Share of the machine's CPU time during the run (0–100 %, all cores together). */
  cpu: { server: number; postgres: number; loadGenerator: number; idle: number };
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/** Serving processes: one per core, as `KBI_WORKERS=auto` would run it (`KBI_BENCH_WORKERS` to compare). */
export const SERVER_WORKERS = Number(process.env.KBI_BENCH_WORKERS ?? availableParallelism());

async function startServer(url: string, port: number, logFile: string): Promise<ChildProcess> {
  // KBI_BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the server under load.
  const nodeArgs = (process.env.KBI_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, fileURLToPath(new URL('../bin/kbi.js', import.meta.url)), 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      KBI_DATABASE_URL: url,
      PORT: String(port),
      KBI_DEMO_PERSONS: '0',
      // KBI_BENCH_SERVER_LOG_LEVEL=info also reports the refusals (problem codes and fields) behind 4xx answers, at some cost in speed.
      KBI_LOG_LEVEL: process.env.KBI_BENCH_SERVER_LOG_LEVEL ?? 'warn',
      KBI_SERVE_WEB: 'false',
      KBI_DB_POOL: process.env.KBI_BENCH_POOL ?? '8',
      KBI_WORKERS: String(SERVER_WORKERS),
      // No retention purge at start: on the demo data it anonymises or removes the persons past their term while
      // the bench picks its questions (placeholder INSZ answered 400, removed persons 30001: the errors of earlier runs).
      KBI_RETENTION_MINUTES: '0',
      KBI_RATE_LIMIT_PER_MINUTE: '0',
      KBI_USER_RATE_LIMIT_PER_MINUTE: '0',
      KBI_PARTNER_RATE_LIMIT_PER_MINUTE: '0',
    },
    // Its log (warnings and errors only) to a file: the bench reports what it says about failed answers.
    stdio: ['ignore', openSync(logFile, 'a'), 'inherit'],
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill();
  throw new Error('kbi serve did not come up');
}

/**
 * `partners` OCMWs (those of the demo world, and more where it has fewer) each get a partner client
 * and 2,000 of the persons in their integration register; then `connections` keep consulting, each
 * request as a random partner about a random person of its register.
 */
export async function consultThroughput(
  database: Database & { url: string },
  { partners = 64, connections = 64, seconds = 20, cold: measureCold = true } = {},
): Promise<{ cold: ConsultLoad | null; current: ConsultLoad; soap: ConsultLoad; documents: { built: number; seconds: number } }> {
  const db = database.db;
  const existing = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM organisations WHERE kind = 'OCMW'`.execute(db)).rows[0]!.n);
  if (existing < partners) {
    await database.exec(`BEGIN; SELECT set_config('kbi.actor', 'bench', true);
      INSERT INTO organisations (kind, name) SELECT 'OCMW', 'OCMW bench ' || g FROM generate_series(1, ${partners - existing}) g; COMMIT`);
  }
  const ocmws = await db.selectFrom('organisations').select('id').where('kind', '=', 'OCMW').orderBy('id').limit(partners).execute();
  const clients: { clientId: string; secret: string; insz: string[] }[] = [];
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'kbi-consult-'));
  const logFile = join(dir, 'server.log');
  const server = await startServer(database.url, port, logFile);
  /** The server's warnings and errors since the last call, counted by kind. */
  let logRead = 0;
  const serverLog = (): Record<string, number> => {
    const text = readFileSync(logFile, 'utf8');
    const fresh = text.slice(logRead);
    logRead = text.length;
    const kinds: Record<string, number> = {};
    for (const line of fresh.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const l = JSON.parse(line) as {
          level?: number;
          msg?: string;
          pgCode?: string;
          constraint?: string;
          problem?: string;
          fields?: string[];
          err?: { type?: string; code?: string; message?: string };
        };
        if ((l.level ?? 0) < 40 && l.msg !== 'problem') continue;
        const kind = [l.msg, l.problem, l.fields?.join('+'), l.pgCode, l.constraint, l.err?.code, l.err?.message?.slice(0, 120)].filter(Boolean).join(' ');
        kinds[kind] = (kinds[kind] ?? 0) + 1;
      } catch {
        kinds['unreadable log line'] = (kinds['unreadable log line'] ?? 0) + 1;
      }
    }
    return kinds;
  };
  try {
    for (const [i, o] of ocmws.entries()) {
      const { secret } = await registerClient(database, { actor: OPERATOR, requestId: 'bench' }, { organisationId: o.id, clientId: `bench-ocmw-${i}` });
      await sql`INSERT INTO integrations (organisation_id, insz, capacity_code, starts_on, recorded_by)
        SELECT ${o.id}::uuid, insz, '1', current_date - 30, 'bench' FROM persons ORDER BY md5(insz || ${String(i)}) LIMIT 2000
        ON CONFLICT DO NOTHING`.execute(db);
      const insz = (await db.selectFrom('integrations').select('insz').where('organisation_id', '=', o.id).execute()).map((r) => r.insz as string);
      clients.push({ clientId: `bench-ocmw-${i}`, secret, insz });
    }
    await sql`ANALYZE`.execute(db);
    const questions = join(dir, 'questions.txt');
    const soapQuestions = join(dir, 'soap-questions.txt');
    // A partner's token lives 5 minutes and the bench's runs together take longer (the documents
    // are built between them): every measured run gets fresh tokens, and no run may outlive them.
    const TOKEN_SECONDS = 300,
      WARM_UP = 3,
      CLASSIFY = 5;
    if (WARM_UP + seconds + CLASSIFY >= TOKEN_SECONDS - 30)
      throw new Error(
        `a consult run of ${seconds} s would outlive the partners' ${TOKEN_SECONDS} s tokens; keep it under ${TOKEN_SECONDS - 30 - WARM_UP - CLASSIFY} s`,
      );
    const freshTokens = async () => {
      const lines: string[] = [];
      const soapLines: string[] = [];
      for (const c of clients) {
        const res = await fetch(`http://127.0.0.1:${port}/api/exchange/v1/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.secret }),
        });
        if (res.status !== 200) throw new Error(`no token for ${c.clientId}: ${res.status} ${await res.text()}`);
        const token = ((await res.json()) as { access_token: string }).access_token;
        for (const insz of c.insz) {
          lines.push(`${token} ${insz}`);
          soapLines.push(`${token} ${insz} ${c.clientId}`);
        }
      }
      writeFileSync(questions, lines.join('\n'));
      writeFileSync(soapQuestions, soapLines.join('\n'));
    };
    // wrk (C, one thread): the load generator takes as little as possible of the two cores it shares.
    const wrk = (script: string, duration: number, file = questions) =>
      spawnSync(
        'wrk',
        [
          '-t',
          '1',
          '-c',
          String(connections),
          '-d',
          `${duration}s`,
          '-s',
          fileURLToPath(new URL(script, import.meta.url)),
          `http://127.0.0.1:${port}`,
          '--',
          file,
        ],
        { encoding: 'utf8' },
      );
    const run = (duration: number) => {
      const r = wrk('./consult.lua', duration);
      const line = /KBI-RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(r.stdout ?? '');
      if (r.status !== 0 || !line) throw new Error(`wrk failed (install it: apt-get install wrk): ${r.error?.message ?? r.stderr}`);
      const [requests, micros, p50, p99, connect, read, write, timeout, non2xx] = line.slice(1).map(Number) as number[] as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const ok = requests - non2xx;
      return {
        requests,
        ok,
        perSecond: ok / (micros / 1e6),
        p50: Math.round(p50 / 1000),
        p99: Math.round(p99 / 1000),
        errors: { connect, read, write, timeout, non2xx, statuses: {} as Record<string, number> },
      };
    };
    /** Which statuses the answers that were not 2xx had: a short run that counts every answer's status. */
    const statuses = (): Record<string, number> => {
      const r = wrk('./consult-statuses.lua', CLASSIFY);
      const line = /KBI-STATUSES (\S*)/.exec(r.stdout ?? '');
      if (r.status !== 0 || !line) throw new Error(`wrk failed: ${r.stderr}`);
      return Object.fromEntries(
        line[1]!
          .split(',')
          .filter(Boolean)
          .map((p) => p.split('=') as [string, string])
          .map(([s, n]) => [s, Number(n)]),
      );
    };
    const measure = async (): Promise<ConsultLoad> => {
      await freshTokens();
      run(WARM_UP); // warm-up: prepared statements, caches, JIT
      serverLog();
      const before = cpuSnapshot();
      const r = run(seconds);
      const cpu = cpuShares(before, cpuSnapshot(), server.pid!);
      const logged = serverLog();
      if (r.errors.non2xx > 0) r.errors.statuses = statuses();
      return { partners: clients.length, connections, seconds, ...r, serverLog: logged, cpu };
    };
    /**
     * The same questions as MAGDA GeefDossierKBI envelopes (bench/consult-soap.lua): every answer's
     * body is read, and only a 200 with a KBIDossier and no Uitzondering counts; the others are
     * errors by kind (Uitzondering code, SOAP fault, HTTP status).
     */
    const runSoap = (duration: number) => {
      const r = wrk('./consult-soap.lua', duration, soapQuestions);
      const line = /KBI-SOAP-RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) ?(\S*)/.exec(r.stdout ?? '');
      if (r.status !== 0 || !line) throw new Error(`wrk failed (install it: apt-get install wrk): ${r.error?.message ?? r.stderr}`);
      const [requests, micros, p50, p99, connect, read, write, timeout, ok] = line.slice(1, 10).map(Number) as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const kinds = Object.fromEntries(
        (line[10] ?? '')
          .split(';')
          .filter(Boolean)
          .map((p) => p.split('=') as [string, string])
          .map(([k, n]) => [k.replace(/_/g, ' '), Number(n)]),
      );
      return {
        requests,
        ok,
        perSecond: ok / (micros / 1e6),
        p50: Math.round(p50 / 1000),
        p99: Math.round(p99 / 1000),
        errors: { connect, read, write, timeout, non2xx: requests - ok, statuses: kinds as Record<string, number> },
      };
    };
    const measureSoap = async (): Promise<ConsultLoad> => {
      await freshTokens();
      runSoap(WARM_UP);
      serverLog();
      const before = cpuSnapshot();
      const r = runSoap(seconds);
      const cpu = cpuShares(before, cpuSnapshot(), server.pid!);
      return { partners: clients.length, connections, seconds, ...r, serverLog: serverLog(), cpu };
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
    // MAGDA's SOAP consult in the same run: the same persons, partners, integrations and documents.
    const soap = await measureSoap();
    return { cold, current, soap, documents };
  } finally {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

interface CpuSnapshot {
  total: number;
  idle: number;
  children: number;
  processes: Map<number, { ticks: number; ppid: number; name: string }>;
}

/** CPU ticks of the machine and of every process, from /proc. */
function cpuSnapshot(): CpuSnapshot {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const processes = new Map<number, { ticks: number; ppid: number; name: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      processes.set(Number(entry), { ticks: Number(rest[11]) + Number(rest[12]), ppid: Number(rest[1]), name });
    } catch {
      /* ended meanwhile */
    }
  }
  // This process's ended children (wrk, once waited for): their user and system time.
  const own = readFileSync('/proc/self/stat', 'utf8');
  const mine = own.slice(own.lastIndexOf(')') + 2).split(' ');
  return { total: fields.reduce((a, b) => a + b, 0), idle: fields[3]! + fields[4]!, children: Number(mine[13]) + Number(mine[14]), processes };
}

/** Who used the machine between two snapshots: the server (and its worker processes), PostgreSQL, wrk (ended by then), idle. */
function cpuShares(a: CpuSnapshot, b: CpuSnapshot, serverPid: number): ConsultLoad['cpu'] {
  const total = b.total - a.total;
  const share = (pick: (pid: number, p: { ppid: number; name: string }) => boolean) => {
    let ticks = 0;
    for (const [pid, p] of b.processes) if (pick(pid, p)) ticks += p.ticks - (a.processes.get(pid)?.ticks ?? 0);
    return Math.round((1000 * ticks) / total) / 10;
  };
  return {
    server: share((pid, p) => pid === serverPid || p.ppid === serverPid),
    postgres: share((_, p) => p.name.startsWith('postgres')),
    loadGenerator: Math.round((1000 * (b.children - a.children)) / total) / 10,
    idle: Math.round((1000 * (b.idle - a.idle)) / total) / 10,
  };
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
