/**
 * The log-in throttle: guessing a password (a staff member's, or a partner client's secret) gets
 * slow, per account and per client id, whatever the address the guesses come from. The first
 * `freeAttempts` failures in a row cost nothing; after that each further attempt waits a
 * doubling back-off (1 s, 2 s, 4 s …) capped at `maxBackoffSeconds` (5 minutes by default), so an
 * attacker can slow a real user's log-in but never lock them out for long. While blocked, every
 * attempt is refused with 429 and Retry-After — the right password too — and audited. A success
 * clears the key. Kept in the database, so every serving process counts together.
 */
import { sql, type RawBuilder } from 'kysely';
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

/**
 * Counts an attempt of `key` before its password or secret is checked, in one statement: while the
 * key is blocked the attempt is refused (429 with Retry-After, audited as `action`.throttled of
 * `actor`) and not counted; otherwise it counts as a failure in advance (a success clears the key),
 * and once `freeAttempts` are used up the key is blocked for the next back-off. Counting before the
 * check, under the row's lock, is what holds against guesses sent in parallel: checked afterwards,
 * a burst of simultaneous guesses all passed the block before the first failure was written.
 */
export async function countAttempt(
  db: Executor,
  key: string,
  settings: ThrottleSettings = DEFAULT_THROTTLE,
  action: string,
  actor: Actor,
  detail: Record<string, unknown>,
): Promise<void> {
  const failures = sql<number>`CASE WHEN t.last_failure_at < clock_timestamp() - make_interval(mins => ${FORGET_AFTER_MINUTES}) THEN 1 ELSE t.failures + 1 END`;
  // After the n-th failure in a row: blocked for 1 s, 2 s, 4 s … once the free attempts are used up, capped.
  const blockedAfter = (n: RawBuilder<number>) => sql`CASE WHEN ${n} >= ${settings.freeAttempts}::int
    THEN clock_timestamp() + make_interval(secs => least(${settings.maxBackoffSeconds}::float8, power(2, least(${n} - ${settings.freeAttempts}::int, 30)))) END`;
  const counted = await sql`
    INSERT INTO login_throttle AS t (key, failures, last_failure_at, blocked_until) VALUES (${key}, 1, clock_timestamp(), ${blockedAfter(sql<number>`1`)})
    ON CONFLICT (key) DO UPDATE SET failures = ${failures}, last_failure_at = clock_timestamp(), blocked_until = ${blockedAfter(failures)}
     WHERE t.blocked_until IS NULL OR t.blocked_until <= clock_timestamp()
    RETURNING failures`.execute(db);
  if (counted.rows.length) return;
  const row = await db
    .selectFrom('login_throttle')
    .select(sql<number>`ceil(extract(epoch FROM blocked_until - clock_timestamp()))::int`.as('wait'))
    .where('key', '=', key)
    .executeTakeFirst();
  const wait = Math.max(1, Number(row?.wait ?? 1));
  throw new Problem('tooManyRequests', `too many failed attempts: try again in ${wait} s`, undefined, { retryAfter: wait }).denied({
    action: `${action}.throttled`,
    personId: null,
    clusters: [],
    actor,
    detail: { ...detail, retryAfter: wait },
  });
}

/** A success: the key starts afresh. */
export async function clearFailures(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

export const accountKey = (username: string) => `user:${username.toLowerCase().slice(0, 200)}`;
export const clientKey = (clientId: string) => `client:${clientId.slice(0, 200)}`;
