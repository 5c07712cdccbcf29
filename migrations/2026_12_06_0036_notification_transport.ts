/**
 * Change notifications over MAGDA too (issue 16): a partner's endpoint is either a signed JSON
 * webhook (WEBHOOK, what every endpoint was until now) or the OCMW's MAGDA service
 * InvalidatieKBIDossier (MAGDA: one SOAP VRAAG per event, docs/notifications.md). Only the wire
 * format differs: the same relay, cursor, order, retries, dead letters and replay serve both.
 * Frozen in time.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE notification_endpoints ADD COLUMN transport text NOT NULL DEFAULT 'WEBHOOK' CHECK (transport IN ('WEBHOOK', 'MAGDA'));
    COMMENT ON COLUMN notification_endpoints.transport IS 'WEBHOOK: signed JSON POSTs of one or more events; MAGDA: one signed InvalidatieKBIDossier SOAP question per dossier.invalidated event (other event types are in the pull feed only).';
  `.execute(db);
}
