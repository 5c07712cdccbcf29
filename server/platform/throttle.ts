/**
 * The log-in throttle: guessing a password (a staff member's, or a partner client's secret) gets
 * slow, per account and per client id, whatever the address the guesses come from. The first
 * `freeAttempts` failures in a row cost nothing; after that each failure blocks the key for a
 * doubling back-off (1 s, 2 s, 4 s …) capped at `maxBackoffSeconds` (5 minutes by default), so an
 * attacker can slow a real user's log-in but never lock them out for long. While blocked, every
 * attempt is refused with 429 and Retry-After — the right password too — and audited. A success
 * clears the key. Kept in the database, so every serving process counts together.
 */
import { sql } from 'kysely';
import type { Executor } from './db.ts';
import { Problem } from './errors.ts';
import type { Actor } from './access.ts';

export interface ThrottleSettings {
  freeAttempts: number;
  maxBackoffSeconds: number;
}
export const DEFAULT_THROTTLE: ThrottleSettings = Object.freeze({ freeAttempts: 5, maxBackoffSeconds: 300 });
/** A failure this long after the previous one starts a new count. */
const FORGET_AFTER_MINUTES = 60;

/** Throws 429 (audited as a refused `action` of `actor`) while `key` is blocked. */
export async function refuseWhileBlocked(db: Executor, key: string, action: string, actor: Actor, detail: Record<string, unknown>): Promise<void> {
  const row = await db
    .selectFrom('login_throttle')
    .select(sql<number>`ceil(extract(epoch FROM blocked_until - clock_timestamp()))::int`.as('wait'))
    .where('key', '=', key)
    .where('blocked_until', '>', sql<string>`clock_timestamp()`)
    .executeTakeFirst();
  if (!row) return;
  const wait = Math.max(1, Number(row.wait));
  throw new Problem('tooManyRequests', `too many failed attempts: try again in ${wait} s`, undefined, { retryAfter: wait }).denied({
    action: `${action}.throttled`,
    personId: null,
    clusters: [],
    actor,
    detail: { ...detail, retryAfter: wait },
  });
}

/** Counts a failure of `key`; past the free attempts it blocks the key for the next back-off. */
export async function recordFailure(db: Executor, key: string, settings: ThrottleSettings = DEFAULT_THROTTLE): Promise<void> {
  await sql`
    INSERT INTO login_throttle AS t (key, failures, last_failure_at) VALUES (${key}, 1, clock_timestamp())
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN t.last_failure_at < clock_timestamp() - make_interval(mins => ${FORGET_AFTER_MINUTES}) THEN 1 ELSE t.failures + 1 END,
      last_failure_at = clock_timestamp()`.execute(db);
  await sql`
    UPDATE login_throttle SET blocked_until = clock_timestamp()
      + make_interval(secs => least(${settings.maxBackoffSeconds}::float8, power(2, least(failures - ${settings.freeAttempts} - 1, 30))))
     WHERE key = ${key} AND failures > ${settings.freeAttempts}`.execute(db);
}

/** A success: the key starts afresh. */
export async function clearFailures(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

export const accountKey = (username: string) => `user:${username.toLowerCase().slice(0, 200)}`;
export const clientKey = (clientId: string) => `client:${clientId.slice(0, 200)}`;
