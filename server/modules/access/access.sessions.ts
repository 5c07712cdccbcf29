/**
 * The sessions this process resolved, kept in memory for a short while so that a burst of
 * requests (a dossier page loading its parts) does not look the same session up each time.
 *
 * Never at the cost of revocation: an entry is dropped the moment the database says its session
 * ended or its account changed (NOTIFY kbi_sessions, migration 0011, sent to every process at
 * commit), and in this process at once by log-out and account changes. Whenever notifications may
 * have been missed (the listening connection dropped) the cache empties and stays off until it
 * listens again. Entries also expire on their own after `ttlSeconds`.
 */
import type { Database, Listener, Row } from '../../platform/db.ts';

export const SESSION_CHANNEL = 'kbi_sessions';

export class SessionCache {
  readonly #entries = new Map<string, { row: Row; until: number }>();
  #listener: Listener | null = null;
  /** Counts notices and losses: a row read before the latest one may already be stale. */
  #epoch = 0;

  private constructor(readonly ttlSeconds: number, readonly maxEntries: number) {}

  /** A cache fed by the database's notifications; `ttlSeconds` 0 gives one that keeps nothing. */
  static async open(database: Database, ttlSeconds: number, maxEntries = 20_000): Promise<SessionCache> {
    const cache = new SessionCache(ttlSeconds, maxEntries);
    if (ttlSeconds > 0) cache.#listener = await database.listen(SESSION_CHANNEL, (payload) => cache.#onNotice(payload), () => cache.clear());
    return cache;
  }

  get(sessionId: string): Row | null {
    if (!this.#listener?.active()) return null;
    const entry = this.#entries.get(sessionId);
    if (!entry) return null;
    if (Date.now() > entry.until) { this.#entries.delete(sessionId); return null; }
    return entry.row;
  }

  /** Where the notices stand now: pass it to `set` for a row read after this moment. */
  epoch(): number {
    return this.#epoch;
  }

  /** Keeps a row read from the database, unless a notice arrived since `readFrom` (then it may be stale). */
  set(sessionId: string, row: Row, readFrom: number): void {
    if (!this.#listener?.active() || readFrom !== this.#epoch) return;
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!); // the oldest
    this.#entries.set(sessionId, { row, until: Date.now() + this.ttlSeconds * 1000 });
  }

  drop(sessionId: string): void {
    this.#entries.delete(sessionId);
  }

  dropUser(userId: string): void {
    for (const [id, entry] of this.#entries) if (entry.row.id === userId) this.#entries.delete(id);
  }

  clear(): void {
    this.#epoch++;
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  #onNotice(payload: string): void {
    this.#epoch++;
    const [kind, id] = [payload.slice(0, payload.indexOf(':')), payload.slice(payload.indexOf(':') + 1)];
    if (kind === 'session') this.drop(id);
    else if (kind === 'user') this.dropUser(id);
    else this.clear();
  }

  async close(): Promise<void> {
    this.clear();
    await this.#listener?.close();
    this.#listener = null;
  }
}
