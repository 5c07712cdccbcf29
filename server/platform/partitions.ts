/**
 * The partitioned tables (migration 0037: audit_log and outbox_events, by month of `at`; 0038:
 * participations, by year of the lesson's date `lesson_on`): keeping
 * their partitions made ahead, listing them with their bounds, and dropping old ones for the
 * retention purge.
 *
 * - `kbi_ensure_partitions()` (SQL, SECURITY DEFINER) makes the partitions of this month and the next
 *   three and the DEFAULT partition; the migration ran it, the worker runs it every few hours
 *   (`partitions.ensure`), and an insert outside every partition lands in DEFAULT: never a failure.
 * - A partition is dropped only by the purge, as the owner, and only under a short lock timeout:
 *   dropping one takes an exclusive lock on its parent, which every writer of the table waits for
 *   while it is queued. A drop that does not get the lock in time is left for the next run.
 */
import { sql } from 'kysely';
import type { Db, Executor, Tx } from './db.ts';
import { repeat, type Repeating } from './schedule.ts';

/** The tables partitioned by time. */
export const PARTITIONED_TABLES = ['audit_log', 'outbox_events', 'participations'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

export interface Partition {
  name: string;
  /** The range [from, to) as ISO moments; both null for the DEFAULT partition. */
  from: string | null;
  to: string | null;
  /** The upper bound as the partition says it ('2026-01-01' for a date key). */
  toBound: string | null;
  isDefault: boolean;
}

/** The partitions of a table, oldest first, the DEFAULT partition last. */
export async function listPartitions(db: Executor, table: PartitionedTable): Promise<Partition[]> {
  const { rows } = await sql<{ name: string; from_at: string | null; to_at: string | null; to_bound: string | null; is_default: boolean }>`
    SELECT c.relname AS name, b.m[1]::timestamptz AS from_at, b.m[2]::timestamptz AS to_at, b.m[2] AS to_bound,
           pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      CROSS JOIN LATERAL (SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') AS m) b
     WHERE i.inhparent = ${table}::regclass
     ORDER BY is_default, from_at`.execute(db);
  return rows.map((r) => ({
    name: r.name,
    from: r.from_at ? new Date(r.from_at).toISOString() : null,
    to: r.to_at ? new Date(r.to_at).toISOString() : null,
    toBound: r.to_bound,
    isDefault: r.is_default,
  }));
}

/** The partitions whose whole range lies before `before` (an ISO moment); never the DEFAULT partition. */
export async function partitionsBefore(db: Executor, table: PartitionedTable, before: string): Promise<Partition[]> {
  const cut = Date.parse(before);
  return (await listPartitions(db, table)).filter((p) => !p.isDefault && p.to !== null && Date.parse(p.to) <= cut);
}

/** The partitions that may hold rows written before `before`: those that begin before it, and DEFAULT. */
export async function partitionsReaching(db: Executor, table: PartitionedTable, before: string): Promise<Partition[]> {
  const cut = Date.parse(before);
  return (await listPartitions(db, table)).filter((p) => p.isDefault || (p.from !== null && Date.parse(p.from) < cut));
}

/** Makes the partitions ahead (and DEFAULT) where missing; returns the names made. */
export async function ensurePartitions(db: Db, at?: string): Promise<string[]> {
  return db.transaction().execute(async (tx) => {
    // Making a partition locks its parent: better to try again later than to queue every writer.
    await sql`SELECT set_config('lock_timeout', '5s', true)`.execute(tx);
    const { rows } = await sql<{ name: string }>`SELECT kbi_ensure_partitions(${at ?? sql`now()`}::timestamptz) AS name`.execute(tx);
    return rows.map((r) => r.name);
  });
}

/** The worker's job: the partitions ahead, now and every `everyMs`. */
export function startPartitionUpkeep(db: Db, everyMs: number, log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void }): Repeating {
  return repeat(everyMs, async () => {
    try {
      const made = await ensurePartitions(db);
      if (made.length) log.info({ partitions: made }, 'partitions_made');
    } catch (err) {
      log.error({ error: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : undefined }, 'partitions_failed');
    }
  });
}

/**
 * Drops the partitions named, inside the purge's transaction `tx` (as the owner), each under a
 * savepoint with a short lock timeout; returns the names dropped. One whose lock is not had in time
 * (or that fails otherwise) stays, whole, for the next run.
 */
export async function dropPartitions(tx: Tx, table: PartitionedTable, names: readonly string[], lockTimeout = '5s'): Promise<string[]> {
  const known = new Set((await listPartitions(tx, table)).filter((p) => !p.isDefault).map((p) => p.name));
  const dropped: string[] = [];
  for (const name of names) {
    if (!known.has(name)) throw new Error(`${name} is not a partition of ${table}`);
    await sql`SAVEPOINT kbi_drop_partition`.execute(tx);
    try {
      await sql`SELECT set_config('lock_timeout', ${lockTimeout}, true)`.execute(tx);
      await sql`DROP TABLE ${sql.table(name)}`.execute(tx);
      await sql`SELECT set_config('lock_timeout', '0', true)`.execute(tx);
      await sql`RELEASE SAVEPOINT kbi_drop_partition`.execute(tx);
      dropped.push(name);
    } catch {
      await sql`ROLLBACK TO SAVEPOINT kbi_drop_partition`.execute(tx);
      await sql`RELEASE SAVEPOINT kbi_drop_partition`.execute(tx);
    }
  }
  return dropped;
}
