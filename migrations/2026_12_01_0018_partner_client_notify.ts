/**
 * Tells every server process at once when a partner client changes or goes (NOTIFY on channel
 * kbi_partner_clients with the client id, sent at commit), so that each may keep the clients it
 * looked up in memory and still never honour a disabled one. A trigger, so that every path
 * counts, a change made directly in SQL too. Frozen in time.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION kbi_notify_partner_client_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('kbi_partner_clients', OLD.client_id);
      IF TG_OP = 'UPDATE' AND NEW.client_id IS DISTINCT FROM OLD.client_id THEN
        PERFORM pg_notify('kbi_partner_clients', NEW.client_id);
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER partner_clients_notify AFTER UPDATE OR DELETE ON partner_clients FOR EACH ROW EXECUTE FUNCTION kbi_notify_partner_client_change();
  `.execute(db);
}
