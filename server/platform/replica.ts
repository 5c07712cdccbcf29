/**
 * Reads that may be served by a PostgreSQL streaming replica (`KBI_REPLICA_URL`): the statistics
 * and the partners' event feed, the long and the frequent reads that need no write of their own.
 * Everything else — every write, the audit rows of these very reads, the small catalogue reads
 * that must see what was just written — stays on the primary.
 *
 * A replica is behind the primary by however long its replay takes. Before each such read the
 * router asks both servers where they are and computes `consistentAt`: every transaction the
 * primary had committed before that moment is visible on the replica. (Caught up: the replica has
 * replayed up to the WAL position the primary had flushed when asked, so everything committed before
 * the primary answered is there — a commit becomes visible only after its WAL is flushed, with
 * `synchronous_commit` on, PostgreSQL's default and KBI's assumption. Behind: `pg_last_xact_replay_timestamp()`, the commit time of the last
 * transaction it replayed; a commit visible on the primary before that moment wrote its commit
 * record before that transaction's, so it was replayed first.) The replica answers only when it is
 * at most `maxLagSeconds` behind and, for a read "as known at T", has reached T; otherwise — and
 * whenever the replica cannot be reached, is not a standby, or a read on it fails — the primary
 * answers. So a reader never gets less than the primary had `maxLagSeconds` ago, and a cut-off
 * read never gets less than the primary had at the cut-off.
 */
import type { Logger } from 'pino';
import { openDatabase, type Database, type Db } from './db.ts';
import { Problem } from './errors.ts';

export interface ReadTarget {
  db: Db;
  source: 'primary' | 'replica';
  /** Every transaction the primary had committed before this moment (ISO) is visible through `db`. */
  consistentAt: string;
}

export interface ReadOptions {
  /** The read is "as known at" this moment (ISO): the replica answers only once it has reached it. */
  notBefore?: string | null;
}

/** Where the replica stands, as the last look found it. */
export interface ReplicaState {
  /** Reachable, a standby, and with a known position. */
  usable: boolean;
  /** Seconds its data is behind the primary (0 when caught up); null when unknown. */
  lagSeconds: number | null;
  consistentAt: string | null;
  /** Why it is not usable, when it is not. */
  reason: string | null;
}

export interface ReadCounts {
  replica: number;
  primary: number;
}

export interface ReadRouter {
  /** Whether a replica is configured at all. */
  readonly configured: boolean;
  /**
   * Runs a read on the replica when it may answer (see above), else on the primary; a read that
   * fails on the replica (connection lost, cancelled by replay) runs again on the primary. `read`
   * must only read: it may run twice.
   */
  read<T>(options: ReadOptions, read: (target: ReadTarget) => Promise<T>): Promise<T>;
  /** Looks where the replica stands now (metrics); null without a replica. */
  state(): Promise<ReplicaState | null>;
  /** Reads answered by each side since the start (metrics). */
  counts(): ReadCounts;
  close(): Promise<void>;
}

/** After the replica failed to answer, it is left alone this long before it is asked again. */
const RETRY_AFTER_MS = 5000;

/** Every read on the primary: the installation without a replica. */
export function primaryReads(primary: Database): ReadRouter {
  const counts: ReadCounts = { replica: 0, primary: 0 };
  return {
    configured: false,
    async read(_options, read) {
      counts.primary++;
      // Taken before the read: its statements' snapshots are later, so they see every commit before it.
      return read({ db: primary.db, source: 'primary', consistentAt: new Date().toISOString() });
    },
    state: async () => null,
    counts: () => ({ ...counts }),
    async close() {},
  };
}

export interface ReplicaOptions {
  url: string;
  poolSize: number;
  /** The PostgreSQL role to act as, as on the primary (KBI_DB_ROLE). */
  role: string | null;
  maxLagSeconds: number;
  log: Pick<Logger, 'warn' | 'info'>;
}

/** Opens the replica's pool (no connection is made until the first read) and routes reads between it and the primary. */
export async function openReadRouter(primary: Database, options: ReplicaOptions): Promise<ReadRouter> {
  if (primary.kind !== 'postgres') throw new Error('KBI_REPLICA_URL needs KBI_DATABASE_URL: the embedded database has no replica');
  const replica = await openDatabase({
    url: options.url,
    poolSize: options.poolSize,
    role: options.role,
    applicationName: 'kbi-replica-reader',
    connectTimeoutMs: 2000,
  });
  const counts: ReadCounts = { replica: 0, primary: 0 };
  let resting = 0; // Date.now() until which the replica is not asked after a failure
  let lastReason: string | null = null;

  /** Logs once per change of why reads go to the primary (its kind: the text may hold a changing lag), not on every read. */
  let lastKind: string | null = null;
  const note = (reason: string | null) => {
    const kind = reason?.replace(/[0-9.]+ s behind/, 'behind') ?? null;
    if (kind === lastKind) return;
    if (reason) options.log.warn({ reason }, 'replica_not_used');
    else if (lastKind) options.log.info('replica_used_again');
    lastKind = kind;
    lastReason = reason;
  };

  async function look(): Promise<ReplicaState> {
    if (Date.now() < resting) return { usable: false, lagSeconds: null, consistentAt: null, reason: lastReason ?? 'the replica failed a moment ago' };
    let position: { lsn: string; at: string };
    try {
      // How far the primary's WAL is flushed now: what it had committed before `at` lies before `lsn` (a commit
      // is visible only once flushed, with synchronous_commit on, the default), and it is what a standby receives.
      const [row] = await primary.prepared('kbi_wal_position', 'SELECT pg_current_wal_flush_lsn()::text AS lsn, statement_timestamp() AS at', []);
      position = row as { lsn: string; at: string };
    } catch (e) {
      return { usable: false, lagSeconds: null, consistentAt: null, reason: `the primary's WAL position could not be read: ${(e as Error).message}` };
    }
    try {
      const [row] = await replica.prepared(
        'kbi_replay_position',
        `SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up, pg_last_xact_replay_timestamp() AS replayed_at`,
        [position.lsn],
      );
      const r = row as { standby: boolean; caught_up: boolean | null; replayed_at: string | null };
      if (!r.standby) return { usable: false, lagSeconds: null, consistentAt: null, reason: 'KBI_REPLICA_URL is not a standby (pg_is_in_recovery() is false)' };
      // Whole milliseconds, rounded down: an earlier moment keeps the promise (and is what an ISO asOf holds).
      const seen = r.caught_up ? position.at : r.replayed_at;
      const consistentAt = seen ? new Date(Date.parse(seen)).toISOString() : null;
      if (!consistentAt) return { usable: false, lagSeconds: null, consistentAt: null, reason: 'the replica has not replayed a transaction since it started' };
      const lagSeconds = Math.max(0, (Date.parse(position.at) - Date.parse(consistentAt)) / 1000);
      return { usable: true, lagSeconds, consistentAt, reason: null };
    } catch (e) {
      resting = Date.now() + RETRY_AFTER_MS;
      return { usable: false, lagSeconds: null, consistentAt: null, reason: `the replica does not answer: ${(e as Error).message}` };
    }
  }

  async function onPrimary<T>(read: (target: ReadTarget) => Promise<T>): Promise<T> {
    counts.primary++;
    return read({ db: primary.db, source: 'primary', consistentAt: new Date().toISOString() });
  }

  return {
    configured: true,
    async read(readOptions, read) {
      const state = await look();
      const reason = !state.usable
        ? state.reason
        : state.lagSeconds! > options.maxLagSeconds
          ? `the replica is ${state.lagSeconds!.toFixed(1)} s behind (KBI_REPLICA_MAX_LAG_SECONDS=${options.maxLagSeconds})`
          : readOptions.notBefore && Date.parse(state.consistentAt!) < Date.parse(readOptions.notBefore)
            ? null // this read asks for a moment the replica has not reached: the primary answers it, nothing is wrong
            : undefined;
      if (reason !== undefined) {
        if (reason !== null) note(reason);
        return onPrimary(read);
      }
      note(null);
      try {
        const answer = await read({ db: replica.db, source: 'replica', consistentAt: state.consistentAt! });
        counts.replica++;
        return answer;
      } catch (e) {
        if (e instanceof Problem) throw e; // the request's own fault: the same on the primary
        resting = Date.now() + RETRY_AFTER_MS;
        note(`a read on the replica failed: ${(e as Error).message}`);
        return onPrimary(read);
      }
    },
    state: look,
    counts: () => ({ ...counts }),
    async close() {
      await replica.close();
    },
  };
}
