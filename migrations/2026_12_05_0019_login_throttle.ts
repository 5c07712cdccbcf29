/**
 * Failed log-ins and token requests per account and per partner client id, for the throttle that
 * makes guessing a password slow: after a few failures each further attempt waits a doubling
 * back-off (capped low, so that nobody can lock a real user out for long). A success clears the
 * row. Keyed by 'user:<user name>' or 'client:<client id>'; holds no password, no address.
 * Frozen in time.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE login_throttle (
      key             text PRIMARY KEY CHECK (key ~ '^(user|client):' AND length(key) <= 220),
      failures        integer NOT NULL CHECK (failures > 0),
      last_failure_at timestamptz NOT NULL,
      blocked_until   timestamptz
    );
    COMMENT ON TABLE login_throttle IS 'Failed log-ins (user:<name>) and token requests (client:<id>) in a row; a success removes the row.';
    COMMENT ON COLUMN login_throttle.blocked_until IS 'Until when every attempt is refused (429), the right password too: a doubling back-off after the free attempts, capped.';
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO kbi_app;
      END IF;
    END $$;
  `.execute(db);
}
