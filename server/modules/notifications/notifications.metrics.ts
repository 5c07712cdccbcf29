/**
 * The relay as a reader of the outbox for /api/metrics (platform/metrics.ts): how far the partners'
 * push webhooks are behind, and how many delivery attempts failed. Read at scrape time from the
 * relay's own tables, so every serving process reports the same, whichever process relays.
 */
import { sql } from 'kysely';
import type { OutboxReader } from '../../platform/metrics.ts';

export const webhookOutboxReader: OutboxReader = {
  name: 'webhooks',
  /** Events after the cursor of each active push webhook (PULL-only partners read the feed themselves), and the age of the oldest. */
  async lag(database) {
    const { rows } = await sql<{ events: string; age: string | null }>`
      SELECT coalesce(sum(p.n), 0)::text AS events, extract(epoch FROM now() - min(p.oldest))::text AS age
        FROM notification_endpoints e
        CROSS JOIN LATERAL (
          SELECT count(*) AS n,
                 (SELECT o.at FROM outbox_events o WHERE o.organisation_id = e.organisation_id AND o.seq > e.cursor_seq ORDER BY o.seq LIMIT 1) AS oldest
            FROM outbox_events o WHERE o.organisation_id = e.organisation_id AND o.seq > e.cursor_seq) p
       WHERE e.active AND e.mode <> 'PULL'`.execute(database.db);
    return { events: Number(rows[0]?.events ?? 0), oldestAgeSeconds: Math.max(0, Number(rows[0]?.age ?? 0)) };
  },
  /** Failed delivery attempts so far, each POST counted once (a small partial index: migration 0031). */
  async failedDeliveries(database) {
    const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM notification_attempts WHERE NOT delivered`.execute(database.db);
    return Number(rows[0]?.n ?? 0);
  },
};
