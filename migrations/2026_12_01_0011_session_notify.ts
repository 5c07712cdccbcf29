/**
 * Tells every server process at once when a session ends or an account changes (NOTIFY on
 * channel kbi_sessions, sent at commit), so that each may keep the sessions it resolved in memory
 * and still never honour an ended session. A trigger, so that every path counts: log-out, expiry,
 * a disabled account, a new password, and a change made directly in SQL. Frozen in time.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION kbi_notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'sessions' THEN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('kbi_sessions', 'session:' || OLD.id);
        -- Not the ordinary touch of last_seen_at (forward, once a minute); a move back in time is a change by hand.
        ELSIF NEW.ended_at IS DISTINCT FROM OLD.ended_at OR NEW.expires_at IS DISTINCT FROM OLD.expires_at OR NEW.user_id IS DISTINCT FROM OLD.user_id
              OR NEW.last_seen_at < OLD.last_seen_at THEN
          PERFORM pg_notify('kbi_sessions', 'session:' || NEW.id);
        END IF;
      ELSE
        PERFORM pg_notify('kbi_sessions', 'user:' || OLD.id);
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER sessions_notify AFTER UPDATE OR DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION kbi_notify_session_change();
    CREATE TRIGGER users_notify AFTER UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION kbi_notify_session_change();
  `.execute(db);
}
