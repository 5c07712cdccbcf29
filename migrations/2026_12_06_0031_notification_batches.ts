/**
 * Webhook deliveries carry several events (issue 16's speed goal): one signed POST brings a partner
 * up to KBI_NOTIFY_BATCH of its pending events, in sequence order, as a JSON array, and the partner
 * acknowledges them as a whole. So an attempt row is now one delivery: `seq` and `event_id` are its
 * first event's, `last_seq` its last event's and `events` how many it carried (the rows written
 * before this migration carried one event each). Frozen in time.
 *
 * - `notification_attempts_range`: the relay asks how often the first event of a delivery was
 *   tried before (it rode along in a delivery that failed) and which events were ever tried after
 *   a webhook's cursor; both read the newest attempts of a webhook by `last_seq`.
 * - `notification_attempts_failed`: the failed attempts only, few beside the delivered ones, so the
 *   metrics' count of delivery failures (kbi_outbox_delivery_failures) stays a small index read.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE notification_attempts ADD COLUMN last_seq bigint, ADD COLUMN events integer NOT NULL DEFAULT 1 CHECK (events >= 1);
    UPDATE notification_attempts SET last_seq = seq;
    ALTER TABLE notification_attempts ALTER COLUMN last_seq SET NOT NULL, ADD CHECK (last_seq >= seq);
    COMMENT ON TABLE notification_attempts IS 'Every webhook delivery attempt (one POST of one or more events of a partner, in sequence order): when, the HTTP status (null: no answer), latency, and the kind of failure. Append-only.';
    COMMENT ON COLUMN notification_attempts.seq IS 'Sequence number of the first event the delivery carried.';
    COMMENT ON COLUMN notification_attempts.event_id IS 'Event id of the first event the delivery carried.';
    COMMENT ON COLUMN notification_attempts.last_seq IS 'Sequence number of the last event the delivery carried (the same as seq for one event).';
    COMMENT ON COLUMN notification_attempts.events IS 'How many events the delivery carried (the partner''s events from seq to last_seq).';
    COMMENT ON COLUMN notification_attempts.attempt IS 'Which attempt this is for the first event of the delivery, counting from 1 (the attempts of a replay counted apart).';
    CREATE INDEX notification_attempts_range ON notification_attempts (endpoint_id, last_seq);
    CREATE INDEX notification_attempts_failed ON notification_attempts (endpoint_id) WHERE NOT delivered;
  `.execute(db);
}
