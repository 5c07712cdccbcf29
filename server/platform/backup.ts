/**
 * A consistent copy of the embedded database (`kbi backup <dir>`, docs/BACKUP.md). The data directory
 * is dumped between two transactions after a checkpoint (Database.dumpDataDir) — by the CLI when no
 * server holds it, else by the server through its operator endpoint, so a running server need not
 * stop — and written out as a new data directory that PGlite opens as it is: the copy is a
 * `KBI_DATA_DIR`. Each backup is audited in the trail it copies: a copy holds the record of its own
 * making. On PostgreSQL, pg_dump or a base backup does this (docs/BACKUP.md).
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { FastifyInstance } from 'fastify';
import type { RequestContext } from './access.ts';
import { recordAudit } from './audit.ts';
import type { Database } from './db.ts';
import { Problem } from './errors.ts';
import { typed } from './http.ts';

/** The file of the data directory that names the process holding it (platform/lock.ts): never part of a copy. */
const LOCK_FILE = 'kbi.lock.json';

/** Why `target` (absolute) cannot take a backup of the embedded database in `dataDir`, or null when it can. */
export function backupTargetProblem(dataDir: string, target: string): string | null {
  const inside = (a: string, b: string) => {
    const r = relative(a, b);
    return r === '' || (!r.startsWith('..') && !isAbsolute(r));
  };
  if (inside(dataDir, target) || inside(target, dataDir)) return `${target} must lie outside the data directory ${dataDir}`;
  if (existsSync(target) && readdirSync(target).length) return `${target} is not empty: a backup goes into a new or empty folder`;
  if (!existsSync(join(dataDir, 'PG_VERSION'))) return `${dataDir} holds no embedded database (KBI_DATA_DIR)`;
  return null;
}

/** Records the backup in the audit trail, then dumps the data directory: the copy holds its own record. */
export async function dumpForBackup(database: Database, ctx: RequestContext, target: string): Promise<Blob> {
  if (!database.dumpDataDir)
    throw new Problem('businessRule', 'kbi backup copies the embedded database; on PostgreSQL use pg_dump or a base backup (docs/BACKUP.md)');
  await recordAudit(database.db, ctx, { action: 'database.backup', personId: null, clusters: [], result: 'allowed', detail: { target } });
  return database.dumpDataDir();
}

export interface WrittenCopy {
  /** Bytes of the data directory written. */
  bytes: number;
  /** The newest migration of the copy: the schema it has. */
  migration: string | null;
  /** Audit records in the copy. */
  auditRecords: number;
}

/**
 * Writes a dump as a data directory at `target` (absent or empty) and opens it once: PGlite brings
 * it to a clean state and the copy is proven readable.
 */
export async function writeDataDir(target: string, dump: Blob): Promise<WrittenCopy> {
  if (existsSync(target) && readdirSync(target).length) throw new Error(`${target} is not empty: a backup goes into a new or empty folder`);
  const copy = new PGlite(target, { loadDataDir: dump });
  try {
    await copy.waitReady;
    const [schema] = (await copy.query<{ migration: string | null }>('SELECT max(name) AS migration FROM kbi_migration')).rows;
    const [audit] = (await copy.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows;
    rmSync(join(target, LOCK_FILE), { force: true });
    return { bytes: sizeOf(target), migration: schema?.migration ?? null, auditRecords: audit?.n ?? 0 };
  } finally {
    await copy.close();
  }
}

function sizeOf(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).reduce((n, name) => n + sizeOf(join(path, name)), 0) : s.size;
}

/**
 * `POST /api/operator/backup` (door 'operator', the CLI's token from the lock file): the running
 * server dumps the data directory it holds and answers the tar archive; the CLI writes the copy.
 */
export function registerBackupOperatorRoute(http: FastifyInstance, database: Database): void {
  typed(http).post(
    '/api/operator/backup',
    {
      config: { access: 'operator' },
      schema: {
        hide: true,
        body: { type: 'object', additionalProperties: false, required: ['target'], properties: { target: { type: 'string', minLength: 1, maxLength: 4096 } } },
      },
    },
    async (req, reply) => {
      const dump = await dumpForBackup(database, req.ctx, req.body.target);
      return reply.type('application/x-tar').send(Buffer.from(await dump.arrayBuffer()));
    },
  );
}
