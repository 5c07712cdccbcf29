/**
 * The relay's statements (notifications.relay.ts). Each is one round trip: the relay makes one
 * claim and one record per delivery, so their count is what a delivery costs the database.
 *
 * The relay's bookkeeping commits without waiting for the disk (`synchronous_commit` off for its
 * own transaction, set inside the statement: the setting is read when the statement's transaction
 * commits): should the database lose its last milliseconds in a crash, a lease or the cursor is a
 * little behind and those events go again (with their ids) — at-least-once holds, and no change of
 * anybody else's waits on it. The events themselves are committed by their changes, durably. The
 * relay's tables have no history triggers, so its statements need no `kbi.actor`.
 */
import { sql } from 'kysely';
import type { Db, Row } from '../../platform/db.ts';

/**
 * Leases up to `limit` endpoints with something due (events after the cursor, or queued replays
 * falling due) that no relay holds, to `owner` for `leaseSeconds`. Returns them with
 * `has_replays` and `tried_seq` (the highest sequence number any delivery to it carried).
 */
export async function claimEndpoints(db: Db, owner: string, leaseSeconds: number, limit: number): Promise<Row[]> {
  const { rows } = await sql<Row>`
    UPDATE notification_endpoints e SET lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseSeconds})
     WHERE e.id IN (
       SELECT x.id FROM notification_endpoints x
        WHERE x.active AND x.mode <> 'PULL' AND x.next_attempt_at <= now() AND (x.lease_until IS NULL OR x.lease_until < now())
          AND (EXISTS (SELECT 1 FROM outbox_events o WHERE o.organisation_id = x.organisation_id AND o.seq > x.cursor_seq)
               OR EXISTS (SELECT 1 FROM notification_dead_letters d WHERE d.endpoint_id = x.id AND d.status = 'QUEUED' AND d.next_attempt_at <= now()))
        ORDER BY x.next_attempt_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING e.*,
      EXISTS (SELECT 1 FROM notification_dead_letters d WHERE d.endpoint_id = e.id AND d.status = 'QUEUED') AS has_replays,
      (SELECT max(a.last_seq) FROM notification_attempts a WHERE a.endpoint_id = e.id) AS tried_seq,
      set_config('synchronous_commit', 'off', true) AS relaxed`.execute(db);
  return rows;
}

/** The partner's next events after `cursor`, in sequence order (the pull feed's columns). */
export const eventsAfter = (db: Db, organisationId: string, cursor: number, limit: number) =>
  db
    .selectFrom('outbox_events')
    .select(['seq', 'event_id', 'at', 'type', 'subject_id', 'payload'])
    .where('organisation_id', '=', organisationId)
    .where('seq', '>', cursor)
    .orderBy('seq')
    .limit(limit)
    .execute();

/** Dead letters of the endpoint queued for replay and falling due, oldest first, with their events. */
export const queuedReplays = (db: Db, endpointId: string, limit: number) =>
  db
    .selectFrom('notification_dead_letters as d')
    .innerJoin('outbox_events as o', 'o.seq', 'd.seq')
    .select(['o.seq', 'o.event_id', 'o.at', 'o.type', 'o.subject_id', 'o.payload', 'd.replay_attempts', 'd.replay_requested_at'])
    .where('d.endpoint_id', '=', endpointId)
    .where('d.status', '=', 'QUEUED')
    .where('d.next_attempt_at', '<=', sql<string>`now()`)
    .orderBy('d.seq')
    .limit(limit)
    .execute();

/** How often the event went to the endpoint before (not counting replays): in deliveries that failed, or that a relay which lost its lease sent. */
export async function earlierAttempts(db: Db, endpointId: string, seq: number): Promise<number> {
  const row = await db
    .selectFrom('notification_attempts')
    .select((s) => s.fn.countAll<number>().as('n'))
    .where('endpoint_id', '=', endpointId)
    .where('last_seq', '>=', seq)
    .where('seq', '<=', seq)
    .where('replay', '=', false)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface EndpointState {
  cursor: number;
  head: { seq: number; attempts: number; since: string } | null;
  nextAttemptAt: string;
  consecutiveFailures: number;
  failingSince: string | null;
  alertedAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
}

export interface AttemptRecord {
  seq: number;
  last_seq: number;
  events: number;
  event_id: string;
  attempt: number;
  at: string;
  status_code: number | null;
  latency_ms: number;
  delivered: boolean;
  error: string | null;
  replay: boolean;
}

export interface DeadLetterRecord {
  seq: number;
  event_id: string;
  attempts: number;
  last_error: string | null;
}

export interface ReplayRecord {
  seq: number;
  status: 'DELIVERED' | 'QUEUED' | 'DEAD';
  attempts: number;
  next: string | null;
  error: string | null;
}

/**
 * Records a relay's round in one statement: the endpoint's state (cursor, the event being retried,
 * failing streak), the lease kept (renewed) or let go, the attempts, new dead letters and the
 * outcome of replays. Only while `owner` still holds the endpoint are the state, dead letters and
 * replays written; the attempts were made either way and are always kept. Returns whether the
 * lease was still held.
 */
export async function recordRound(
  db: Db,
  input: {
    endpointId: string;
    owner: string;
    keepSeconds: number | null;
    state: EndpointState;
    attempts: readonly AttemptRecord[];
    deadLetters: readonly DeadLetterRecord[];
    replays: readonly ReplayRecord[];
  },
): Promise<boolean> {
  const { endpointId, owner, keepSeconds, state: s } = input;
  const { rows } = await sql<{ held: boolean }>`
    WITH endpoint AS (
      UPDATE notification_endpoints SET
        cursor_seq = ${s.cursor},
        head_seq = ${s.head?.seq ?? null},
        head_attempts = ${s.head?.attempts ?? 0},
        head_since = ${s.head?.since ?? null}::timestamptz,
        next_attempt_at = ${s.nextAttemptAt}::timestamptz,
        lease_owner = ${keepSeconds === null ? null : owner},
        lease_until = ${keepSeconds === null ? sql`NULL` : sql`now() + make_interval(secs => ${keepSeconds})`},
        consecutive_failures = ${s.consecutiveFailures},
        failing_since = ${s.failingSince}::timestamptz,
        alerted_at = ${s.alertedAt}::timestamptz,
        last_success_at = ${s.lastSuccessAt}::timestamptz,
        last_error = ${s.lastError},
        updated_at = now()
       WHERE id = ${endpointId}::uuid AND lease_owner = ${owner}
      RETURNING id
    ), attempts AS (
      INSERT INTO notification_attempts (endpoint_id, seq, last_seq, events, event_id, attempt, at, status_code, latency_ms, delivered, error, replay, worker)
      SELECT ${endpointId}::uuid, a.seq, a.last_seq, a.events, a.event_id, a.attempt, a.at, a.status_code, a.latency_ms, a.delivered, a.error, a.replay, ${owner}
        FROM jsonb_to_recordset(${JSON.stringify(input.attempts)}::jsonb) AS a(seq bigint, last_seq bigint, events integer, event_id uuid, attempt integer,
             at timestamptz, status_code integer, latency_ms integer, delivered boolean, error text, replay boolean)
    ), dead AS (
      INSERT INTO notification_dead_letters (endpoint_id, seq, event_id, attempts, last_error)
      SELECT e.id, d.seq, d.event_id, d.attempts, d.last_error
        FROM endpoint e, jsonb_to_recordset(${JSON.stringify(input.deadLetters)}::jsonb) AS d(seq bigint, event_id uuid, attempts integer, last_error text)
      ON CONFLICT (endpoint_id, seq) DO NOTHING
    ), replayed AS (
      UPDATE notification_dead_letters d SET
        status = r.status, replay_attempts = r.attempts, next_attempt_at = r.next, last_error = r.error,
        delivered_at = CASE WHEN r.status = 'DELIVERED' THEN now() END,
        dead_at = CASE WHEN r.status = 'DEAD' THEN now() ELSE d.dead_at END
        FROM endpoint e, jsonb_to_recordset(${JSON.stringify(input.replays)}::jsonb) AS r(seq bigint, status text, attempts integer, next timestamptz, error text)
       WHERE d.endpoint_id = e.id AND d.seq = r.seq AND d.status = 'QUEUED'
    )
    SELECT EXISTS (SELECT 1 FROM endpoint) AS held, set_config('synchronous_commit', 'off', true) AS relaxed`.execute(db);
  return rows[0]!.held;
}
