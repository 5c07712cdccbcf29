/**
 * A small in-process memory of rows that the database announces the end of (LISTEN/NOTIFY): an
 * entry is dropped the moment a notice names its key, and everything is forgotten — and nothing
 * kept — whenever notices may have been missed (the listening connection dropped). Entries also
 * expire on their own after `ttlSeconds`. Used for the sessions (access.sessions.ts) and the
 * partner clients a process looked up.
 */
import type { Database, Listener } from './db.ts';

export class NoticeCache<V> {
  readonly #entries = new Map<string, { value: V; until: number }>();
  #listener: Listener | null = null;
  /** Counts notices and losses: a value read before the latest one may already be stale. */
  #epoch = 0;

  private constructor(
    readonly ttlSeconds: number,
    readonly maxEntries: number,
    readonly onNotice: (payload: string, cache: NoticeCache<V>) => void,
  ) {}

  /**
   * Listens on `channel`; by default a notice's payload is the key to drop (`*`: all), or
   * `onNotice` says what a notice drops. `ttlSeconds` 0 gives a memory that keeps nothing.
   */
  static async open<V>(
    database: Database,
    channel: string,
    ttlSeconds: number,
    maxEntries = 10_000,
    onNotice: (payload: string, cache: NoticeCache<V>) => void = (key, cache) => (key === '*' ? cache.clear() : cache.drop(key)),
  ): Promise<NoticeCache<V>> {
    const cache = new NoticeCache<V>(ttlSeconds, maxEntries, onNotice);
    if (ttlSeconds > 0)
      cache.#listener = await database.listen(
        channel,
        (payload) => cache.#onNotice(payload),
        () => cache.clear(),
      );
    return cache;
  }

  get(key: string): V | undefined {
    if (!this.#listener?.active()) return undefined;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (Date.now() > entry.until) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Where the notices stand now: pass it to `set` for a value read after this moment. */
  epoch(): number {
    return this.#epoch;
  }

  /** Keeps a value read from the database, unless a notice arrived since `readFrom` (it may be stale). */
  set(key: string, value: V, readFrom: number): void {
    if (!this.#listener?.active() || readFrom !== this.#epoch) return;
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!); // the oldest
    this.#entries.set(key, { value, until: Date.now() + this.ttlSeconds * 1000 });
  }

  drop(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops every entry whose value matches. */
  dropWhere(matches: (value: V) => boolean): void {
    for (const [key, entry] of this.#entries) if (matches(entry.value)) this.#entries.delete(key);
  }

  clear(): void {
    this.#epoch++;
    this.#entries.clear();
  }

  #onNotice(payload: string): void {
    this.#epoch++;
    this.onNotice(payload, this);
  }

  async close(): Promise<void> {
    this.clear();
    await this.#listener?.close();
    this.#listener = null;
  }
}
