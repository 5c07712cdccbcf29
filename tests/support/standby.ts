/**
 * A second, local PostgreSQL cluster that is a hot standby (streaming replica) of the test server:
 * `pg_basebackup -R` from the primary into a temporary directory, started on a free port, removed
 * again by `stop()`. Used by tests/api/replica.test.ts.
 *
 * PostgreSQL refuses to run as root: when the tests run as root (CI), the cluster's commands run as
 * the `postgres` user (runuser). The primary must allow replication connections from 127.0.0.1: when
 * it does not, this adds `host replication all 127.0.0.1/32 trust` to its pg_hba.conf and reloads it
 * (once: the line is only added when such a connection is refused and the line is not there yet);
 * that is the only change it makes to the primary. Standbys left behind by a test process that was
 * killed are stopped and removed by the next start.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = process.env.KBI_PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** A PostgreSQL program of the server's version (KBI_PG_BIN: its folder, default Debian's PostgreSQL 15). */
export const pgTool = (name: string): string => join(BIN, name);
const PREFIX = 'kbi-standby-';
const OWNER_FILE = 'owner.pid';

export interface Standby {
  port: number;
  /** Milliseconds the base backup and the start took. */
  timing: Record<string, number>;
  /** The URL of `database` on the standby (same user as the primary URL). */
  url(database: string): string;
  /** Runs a query on the standby's `postgres` database as the superuser. */
  query<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Until the primary's WAL, as flushed now, is replayed (everything committed so far is visible). */
  waitCaughtUp(timeoutMs?: number): Promise<void>;
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Stops the cluster (immediately) and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function run(command: string, args: string[], options: { asPostgres?: boolean; input?: string } = {}): SpawnSyncReturns<string> {
  const [cmd, argv] = options.asPostgres && asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return spawnSync(cmd, argv, { encoding: 'utf8', input: options.input, timeout: 120_000 });
}

/** The same without blocking this process (the base backup runs while the test writes its data). */
function runAsync(command: string, args: string[], options: { asPostgres?: boolean } = {}): Promise<SpawnSyncReturns<string>> {
  const [cmd, argv] = options.asPostgres && asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ pid: child.pid ?? 0, output: [], stdout, stderr, status: null, signal: null, error });
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ pid: child.pid ?? 0, output: [], stdout, stderr, status, signal });
    });
  });
}

function must(what: string, r: SpawnSyncReturns<string>): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${r.stderr || r.stdout || r.error?.message}`);
  return r.stdout;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops and removes the standbys of test processes that no longer run (killed before their clean-up). */
function sweepAbandoned(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(tmpdir(), name);
    let owner = 0;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      /* no owner file: being created right now, or not ours */
      continue;
    }
    if (owner && alive(owner)) continue;
    if (existsSync(join(dir, 'data', 'postmaster.pid')))
      run(join(BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop'], { asPostgres: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Makes sure the primary accepts a replication connection from 127.0.0.1 (see the top of this file). */
async function allowReplication(primary: URL): Promise<void> {
  const tryReplication = () =>
    run(join(BIN, 'psql'), [
      `host=${primary.hostname} port=${primary.port || 5432} user=${decodeURIComponent(primary.username) || 'postgres'} replication=true`,
      '-Atc',
      'IDENTIFY_SYSTEM',
    ]);
  if (tryReplication().status === 0) return;
  const settings = await withClient(primary.toString(), async (c) => {
    const { rows } = await c.query(
      `SELECT current_setting('wal_level') AS wal_level, current_setting('max_wal_senders')::int AS senders, current_setting('hba_file') AS hba`,
    );
    return rows[0] as { wal_level: string; senders: number; hba: string };
  });
  if (settings.wal_level === 'minimal' || settings.senders < 1)
    throw new Error(
      `the PostgreSQL server cannot have a streaming replica: wal_level=${settings.wal_level}, max_wal_senders=${settings.senders} (both need a restart to change)`,
    );
  const line = 'host replication all 127.0.0.1/32 trust';
  const hba = readFileSync(settings.hba, 'utf8');
  if (!hba.split('\n').some((l) => l.trim().replace(/\s+/g, ' ') === line)) {
    appendFileSync(
      settings.hba,
      `${hba.endsWith('\n') ? '' : '\n'}# added by KBI's replica test (tests/support/standby.ts): pg_basebackup and streaming from this machine\n${line}\n`,
    );
  }
  await withClient(primary.toString(), (c) => c.query('SELECT pg_reload_conf()'));
  for (let i = 0; i < 50 && tryReplication().status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
  must('a replication connection to the primary', tryReplication());
}

async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** Starts a hot standby of the PostgreSQL server at `primaryUrl` (any database of it: the whole cluster is copied). */
export async function startStandby(primaryUrl: string): Promise<Standby> {
  sweepAbandoned();
  const primary = new URL(primaryUrl);
  await allowReplication(primary);
  // Settings a hot standby must have at least as high as its primary, or it refuses to start.
  const atLeast = await withClient(primaryUrl, async (c) => {
    const { rows } = await c.query(
      `SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction')`,
    );
    return rows as { name: string; setting: string }[];
  });

  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  const data = join(dir, 'data');
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  let port = 0;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (existsSync(join(data, 'postmaster.pid'))) run(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { asPostgres: true });
    rmSync(dir, { recursive: true, force: true });
  };
  const timing: Record<string, number> = {};
  let mark = Date.now();
  const lap = (what: string) => {
    timing[what] = Date.now() - mark;
    mark = Date.now();
  };
  try {
    must(
      'pg_basebackup',
      await runAsync(
        join(BIN, 'pg_basebackup'),
        [
          '-h',
          primary.hostname,
          '-p',
          primary.port || '5432',
          '-U',
          decodeURIComponent(primary.username) || 'postgres',
          '-D',
          data,
          '-R',
          '-X',
          'stream',
          '-c',
          'fast',
          '--no-sync',
          '-w',
        ],
        { asPostgres: true },
      ),
    );
    lap('basebackup');
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      // Debian keeps the primary's configuration outside its data directory: the standby gets its own.
      const conf = [
        `port = ${port}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${dir}'`,
        `hot_standby = on`,
        `shared_buffers = 32MB`,
        `fsync = off`,
        `logging_collector = off`,
        `TimeZone = 'UTC'`,
        ...atLeast.map((s) => `${s.name} = ${s.setting}`),
      ];
      writeAsPostgres(join(data, 'postgresql.conf'), conf.join('\n') + '\n');
      writeAsPostgres(join(data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
      writeAsPostgres(join(data, 'pg_ident.conf'), '');
      const started = await runAsync(join(BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', 'start'], { asPostgres: true });
      if (started.status === 0) {
        lap('start');
        break;
      }
      const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
      if (attempt < 3 && /could not bind|address already in use/i.test(log)) continue; // the port was taken meanwhile
      throw new Error(`the standby did not start: ${started.stderr}\n${log}`);
    }
  } catch (e) {
    await stop();
    throw e;
  }

  const url = (database: string) => {
    const u = new URL(primaryUrl);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const query = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
    withClient(url('postgres'), async (c) => (await c.query(text, params)).rows as T[]);
  const standby: Standby = {
    port,
    timing,
    url,
    query,
    async waitCaughtUp(timeoutMs = 30_000) {
      const [{ lsn }] = await withClient(primaryUrl, async (c) => (await c.query('SELECT pg_current_wal_flush_lsn()::text AS lsn')).rows);
      const until = Date.now() + timeoutMs;
      for (;;) {
        const [row] = await query<{ standby: boolean; done: boolean }>(
          'SELECT pg_is_in_recovery() AS standby, coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS done',
          [lsn],
        );
        if (!row!.standby) throw new Error('the standby is not in recovery');
        if (row!.done) return;
        if (Date.now() > until) throw new Error(`the standby did not replay up to ${lsn} in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async pauseReplay() {
      await query('SELECT pg_wal_replay_pause()');
      // Pausing takes effect between records: wait until it has.
      for (let i = 0; i < 200; i++) {
        const [row] = await query<{ state: string }>('SELECT pg_get_wal_replay_pause_state() AS state');
        if (row!.state === 'paused') return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('the standby did not pause its replay');
    },
    async resumeReplay() {
      await query('SELECT pg_wal_replay_resume()');
    },
    stop,
  };
  return standby;
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(must(`id ${flag} postgres`, spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' })).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function writeAsPostgres(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(path, uid, gid);
  }
}
