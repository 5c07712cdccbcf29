/**
 * The one database: PostgreSQL through `pg`, or PGlite (PostgreSQL in WASM, in-process) as the
 * embedded default. Both speak the same SQL and run the same migrations; Kysely sits on top.
 *
 * PGlite is one session: statements of two transactions must never interleave on it, so its
 * "pool" hands out its single connection to one holder at a time (a FIFO mutex).
 */
import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

// Value representation shared by both drivers: dates stay 'YYYY-MM-DD', timestamps become ISO
// strings with their full microsecond precision (a recorded time must round-trip exactly into an
// `asOf` query), bigint counts become numbers.
const TIMESTAMPTZ = 1184;
const DATE = 1082;
const INT8 = 20;
const NUMERIC = 1700;
const toIso = (v: string) => v.replace(' ', 'T').replace(/\+00(:00)?$/, 'Z');
const PARSERS: Record<number, (v: string) => unknown> = {
  [TIMESTAMPTZ]: toIso,
  [DATE]: (v) => v,
  [INT8]: (v) => Number(v),
  [NUMERIC]: (v) => Number(v),
};

export type Row = Record<string, any>;
import type { DB } from './db.generated.ts';
export type { DB };
export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
export type Executor = Db | Tx;

/**
 * The generic record engine (dossier/records.ts) reads and writes tables that clusters.ts names at
 * run time, so it sees them untyped; tests/schema.test.ts checks that every described table and
 * column exists. Every hand-written query uses the generated types.
 */
export type Untyped = Kysely<any> | Transaction<any>;
export const untyped = (db: Executor): Untyped => db as unknown as Untyped;

export interface Database {
  kind: 'postgres' | 'pglite';
  db: Db;
  /**
   * Runs one hot statement as a named prepared statement (PostgreSQL plans it once per
   * connection); the same text must always come with the same name.
   */
  prepared(name: string, text: string, params: readonly unknown[]): Promise<Row[]>;
  /** Runs SQL text that may hold several statements and no parameters (migrations, bulk loads). */
  exec(text: string): Promise<void>;
  /** Bulk-loads rows with COPY (PostgreSQL) or its PGlite equivalent; used by the generator and imports. */
  copyRows(table: string, columns: string[], rows: unknown[][]): Promise<void>;
  /**
   * Listens to a notification channel (LISTEN/NOTIFY). `onLost` is called whenever delivery may
   * have missed messages (the listening connection dropped); while `active()` is false nothing is
   * delivered. On PostgreSQL a dedicated connection, reconnected after a loss.
   */
  listen(channel: string, onMessage: (payload: string) => void, onLost: () => void): Promise<Listener>;
  /**
   * Takes a lock named `key` held for as long as this process keeps it — and no longer than the
   * process lives: on PostgreSQL a session advisory lock on a connection of its own, released by
   * the server when the process dies. Null when another process (or this one) holds it.
   */
  tryLock(key: string): Promise<HeldLock | null>;
  /**
   * The embedded database only: its whole data directory as a tar archive, taken between two
   * transactions after a checkpoint, so the copy is consistent (`kbi backup`; PostgreSQL has pg_dump).
   * Another `openDatabase({ template })` starts from such a copy without initdb or migrations (the
   * tests migrate once and start each database from the copy).
   */
  dumpDataDir?(): Promise<Blob>;
  /** The connection pool now (metrics): PostgreSQL's pg.Pool; PGlite's one connection behind its mutex. */
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  /** Connections open now. */
  total: number;
  /** Of those, not in use. */
  idle: number;
  /** Callers waiting for a connection. */
  waiting: number;
  /** The most connections the pool opens. */
  max: number;
}

export interface HeldLock {
  release(): Promise<void>;
}

export interface Listener {
  active(): boolean;
  close(): Promise<void>;
}

/** Opens the database the configuration names. */
export async function openDatabase(opts: {
  url: string | null;
  dataDir?: string;
  poolSize?: number;
  role?: string | null;
  /** PGlite: start from this copy of a data directory (`dumpDataDir`) instead of an empty one. */
  template?: Blob;
  /** PostgreSQL's application_name of the pool's connections (pg_stat_activity), e.g. to tell a replica's readers apart. */
  applicationName?: string;
  /** Give up connecting after this long (ms), instead of the operating system's TCP timeout. */
  connectTimeoutMs?: number;
}): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.poolSize ?? 8, opts.role ?? null, opts) : openPglite(opts.dataDir ?? null, opts.template);
}

async function openPostgres(
  url: string,
  poolSize: number,
  role: string | null,
  extra: { applicationName?: string; connectTimeoutMs?: number } = {},
): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    ...(extra.applicationName ? { application_name: extra.applicationName } : {}),
    ...(extra.connectTimeoutMs ? { connectionTimeoutMillis: extra.connectTimeoutMs } : {}),
    types: { getTypeParser: ((oid: number, format?: any) => PARSERS[oid] ?? pg.types.getTypeParser(oid, format)) as any },
    // Every connection acts as the application role from its start (a session parameter, like SET ROLE).
    options: `-c TimeZone=UTC${role ? ` -c role=${quoteIdent(role).replace(/"/g, '')}` : ''}`,
  });
  pool.on('error', () => {
    /* an idle client died; the pool replaces it */
  });
  // A connection that dies while it is taken (PostgreSQL restarted, the backend terminated, in a
  // transaction between two statements or holding an advisory lock) fails the statement in flight
  // or the next one, and the pool drops it when it comes back; without a listener its 'error'
  // event would end the whole process.
  pool.on('connect', (client) =>
    client.on('error', () => {
      /* reported to its user by the failing statement */
    }),
  );
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: poolSize }),
    async prepared(name, text, params) {
      return (await pool.query({ name, text, values: params as unknown[] })).rows;
    },
    async exec(text) {
      const client = await pool.connect();
      try {
        await client.query(text);
      } finally {
        client.release();
      }
    },
    async copyRows(table, columns, rows) {
      if (!rows.length) return;
      const client = await pool.connect();
      try {
        await copyWithUnnest(client, table, columns, rows);
      } finally {
        client.release();
      }
    },
    listen: (channel, onMessage, onLost) => listenPostgres(url, channel, onMessage, onLost),
    async tryLock(key) {
      const client = await pool.connect();
      try {
        const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got', [key]);
        if (!rows[0]?.got) {
          client.release();
          return null;
        }
      } catch (e) {
        client.release();
        throw e;
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          try {
            await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
            client.release();
          } catch (e) {
            client.release(e as Error);
          }
        },
      };
    },
    async close() {
      await db.destroy();
    },
  };
}

async function listenPostgres(url: string, channel: string, onMessage: (payload: string) => void, onLost: () => void): Promise<Listener> {
  let closed = false;
  let current: pg.Client | null = null; // connected and listening
  const retry = () => {
    if (!closed)
      setTimeout(() => {
        void connect();
      }, 1000).unref();
  };
  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: url });
    let up = false;
    const lost = () => {
      if (!up) return; // only a connection that was listening can lose messages
      up = false;
      if (current === c) current = null;
      onLost();
      retry();
    };
    c.on('error', lost);
    c.on('end', lost);
    c.on('notification', (n) => {
      if (n.channel === channel) onMessage(n.payload ?? '');
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${quoteIdent(channel)}`);
    } catch {
      c.removeAllListeners();
      c.on('error', () => {
        /* already given up on */
      });
      c.end().catch(() => {});
      retry();
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    up = true;
    current = c;
    onLost(); // whatever was sent while nobody listened is unknown
  }
  await connect(); // a failed first attempt is retried in the background; until then active() is false
  return {
    active: () => current !== null,
    async close() {
      closed = true;
      const c = current;
      current = null;
      if (c) {
        c.removeAllListeners();
        c.on('error', () => {});
        await c.end().catch(() => {});
      }
    },
  };
}

async function openPglite(dataDir: string | null, template?: Blob): Promise<Database> {
  const heldLocks = new Set<string>();
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // One options object: PGlite's constructor reads its second argument only when the first is a
  // path, so options beside an in-memory database (no path) were dropped.
  const pglite = new PGlite({ ...(dataDir ? { dataDir } : {}), parsers: PARSERS, ...(template ? { loadDataDir: template } : {}) });
  await pglite.waitReady;
  await pglite.exec("SET TimeZone = 'UTC'");
  const mutex = new Mutex();
  const client = {
    async query(text: string, params: unknown[]) {
      if (params.length === 0) {
        // The simple protocol: allows several statements in one text (migrations).
        const results = await pglite.exec(text, { parsers: PARSERS as never });
        const last = results[results.length - 1];
        return { command: commandOf(text), rowCount: last?.affectedRows ?? 0, rows: (last?.rows ?? []) as Row[] };
      }
      const res = await pglite.query<Row>(text, params, { parsers: PARSERS as never });
      return { command: commandOf(text), rowCount: res.affectedRows ?? 0, rows: res.rows };
    },
    release() {
      mutex.release();
    },
  };
  const pool = {
    async connect() {
      await mutex.acquire();
      return client;
    },
    async end() {
      await pglite.close();
    },
  };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as any }) });
  return {
    kind: 'pglite',
    db,
    poolStats: () => ({ total: 1, idle: mutex.locked ? 0 : 1, waiting: mutex.waiting, max: 1 }),
    async prepared(_name, text, params) {
      await mutex.acquire();
      try {
        return (await pglite.query<Row>(text, params as unknown[], { parsers: PARSERS as never })).rows;
      } finally {
        mutex.release();
      }
    },
    async exec(text) {
      await mutex.acquire();
      try {
        await pglite.exec(text);
      } finally {
        mutex.release();
      }
    },
    async copyRows(table, columns, rows) {
      if (!rows.length) return;
      await mutex.acquire();
      try {
        await copyWithUnnest({ query: (t: string, p: unknown[]) => pglite.query(t, p) }, table, columns, rows);
      } finally {
        mutex.release();
      }
    },
    async dumpDataDir() {
      // Holding the one connection: no transaction is open, and none starts until the copy is made.
      await mutex.acquire();
      try {
        await pglite.exec('CHECKPOINT');
        return await pglite.dumpDataDir('none');
      } finally {
        mutex.release();
      }
    },
    async listen(channel, onMessage) {
      // One process holds the embedded database, so every notification reaches it: never lost.
      const unlisten = await pglite.listen(channel, onMessage);
      let listening = true;
      return {
        active: () => listening,
        async close() {
          listening = false;
          await unlisten();
        },
      };
    },
    async tryLock(key) {
      // One process holds the embedded database: its own memory knows every holder.
      if (heldLocks.has(key)) return null;
      heldLocks.add(key);
      return {
        async release() {
          heldLocks.delete(key);
        },
      };
    },
    async close() {
      await db.destroy();
    },
  };
}

function commandOf(text: string): string {
  const m = /\b(INSERT|UPDATE|DELETE|MERGE)\b/i.exec(text);
  return m ? m[1]!.toUpperCase() : 'SELECT';
}

/**
 * Inserts many rows in one statement per chunk: one array parameter per column, unnested
 * server-side (measured in research/stack.md at ~2.5x multi-row VALUES on both databases).
 * Column types are taken from the table itself, so callers pass plain JS values.
 */
async function copyWithUnnest(client: { query(text: string, params: unknown[]): Promise<unknown> }, table: string, columns: string[], rows: unknown[][]) {
  const typeRes = (await client.query(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    [table],
  )) as { rows: { name: string; type: string }[] };
  const typeOf = new Map(typeRes.rows.map((r) => [r.name, r.type]));
  const casts = columns.map((c) => {
    const t = typeOf.get(c);
    if (!t) throw new Error(`copyRows: ${table}.${c} does not exist`);
    return t;
  });
  const CHUNK = 5000;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const params = columns.map((_, i) =>
      chunk.map((r) => {
        const v = r[i];
        return v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v) ? JSON.stringify(v) : v;
      }),
    );
    // Array-typed columns travel as JSON text (unnest would flatten a 2-D array), then are cast back.
    const selects = casts.map((t, i) => (t.endsWith('[]') ? `ARRAY(SELECT jsonb_array_elements_text(c${i}::jsonb))::${t}` : `c${i}::${t}`));
    const arrays = casts.map((t, i) => (t.endsWith('[]') ? `$${i + 1}::text[]` : `$${i + 1}::${arrayTypeOf(t)}`));
    const text = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')})
      SELECT ${selects.join(', ')} FROM unnest(${arrays.join(', ')}) AS u(${casts.map((_, i) => `c${i}`).join(', ')})`;
    const arrayParams = params.map((col, i) => (casts[i]!.endsWith('[]') ? col.map((v) => (v == null ? null : JSON.stringify(v))) : col));
    await client.query(text, arrayParams);
  }
}

function arrayTypeOf(t: string) {
  // jsonb arrays are passed as text[] then cast per element
  if (t === 'jsonb' || t === 'json') return 'text[]';
  return `${t}[]`;
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier: ${name}`);
  return `"${name}"`;
}

/** Runs `fn` in one transaction in which every change is recorded as made by `actorId`. */
export async function inTransaction<T>(db: Db, actorId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`select set_config('kbi.actor', ${actorId}, true)`.execute(tx);
    return fn(tx);
  });
}

class Mutex {
  #locked = false;
  #waiters: (() => void)[] = [];
  get locked(): boolean {
    return this.#locked;
  }
  get waiting(): number {
    return this.#waiters.length;
  }
  acquire(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}
