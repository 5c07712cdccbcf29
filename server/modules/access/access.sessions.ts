/**
 * The sessions this process resolved, kept in memory for a short while so that a burst of
 * requests (a dossier page loading its parts) does not look the same session up each time.
 *
 * Never at the cost of revocation: an entry is dropped the moment the database says its session
 * ended or its account changed (NOTIFY kbi_sessions, migration 0011, sent to every process at
 * commit), and in this process at once by log-out and account changes. Whenever notifications may
 * have been missed (the listening connection dropped) the memory empties and stays off until it
 * listens again. Entries also expire on their own after `ttlSeconds` (platform/notice-cache.ts).
 */
import type { Database, Row } from '../../platform/db.ts';
import { NoticeCache } from '../../platform/notice-cache.ts';

export const SESSION_CHANNEL = 'kbi_sessions';

/** Session rows (with their user's columns) by session id. */
export type SessionCache = NoticeCache<Row>;

/** A session memory fed by the database's notices: `session:<id>`, `user:<id>`; anything else drops all. */
export function openSessionCache(database: Database, ttlSeconds: number, maxEntries = 20_000): Promise<SessionCache> {
  return NoticeCache.open<Row>(database, SESSION_CHANNEL, ttlSeconds, maxEntries, (payload, cache) => {
    const [kind, id] = [payload.slice(0, payload.indexOf(':')), payload.slice(payload.indexOf(':') + 1)];
    if (kind === 'session') cache.drop(id);
    else if (kind === 'user') dropUserSessions(cache, id);
    else cache.clear();
  });
}

/** Drops every session of a user (its account changed). */
export function dropUserSessions(cache: SessionCache, userId: string): void {
  cache.dropWhere((row) => row.id === userId);
}
