/**
 * Partner organisations as API clients (OAuth 2.0 client credentials). Secrets are stored only as
 * scrypt hashes; rotation keeps the previous hash until a grace moment (possibly "now").
 * The key that signs access tokens is made once per installation and shared by every server
 * process. Frozen in time.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE partner_clients (
      id                           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organisation_id              uuid NOT NULL REFERENCES organisations(id),
      client_id                    text NOT NULL UNIQUE CHECK (client_id ~ '^[a-z0-9][a-z0-9._-]{2,99}$'),
      secret_hash                  text NOT NULL,
      previous_secret_hash         text,
      previous_secret_valid_until  timestamptz,
      active                       boolean NOT NULL DEFAULT true,
      version      integer     NOT NULL DEFAULT 1,
      valid_from   timestamptz NOT NULL DEFAULT now(),
      sys_from     timestamptz NOT NULL DEFAULT now(),
      sys_to       timestamptz CHECK (sys_to IS NULL),
      recorded_by  text        NOT NULL DEFAULT current_setting('kbi.actor'),
      ended_by     text
    );
    COMMENT ON TABLE partner_clients IS 'A partner organisation authenticated as an institution (client credentials); secrets hashed, rotatable.';
    CREATE TABLE partner_clients_history (LIKE partner_clients);
    ALTER TABLE partner_clients_history ALTER COLUMN sys_to SET NOT NULL, ALTER COLUMN ended_by SET NOT NULL;
    CREATE INDEX partner_clients_history_id ON partner_clients_history (id, sys_from);
    CREATE TRIGGER partner_clients_keep_history BEFORE UPDATE OR DELETE ON partner_clients FOR EACH ROW EXECUTE FUNCTION kbi_keep_history();
    CREATE TRIGGER partner_clients_history_append_only BEFORE UPDATE OR DELETE ON partner_clients_history FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();

    CREATE TABLE token_signing_key (
      id   integer PRIMARY KEY CHECK (id = 1),
      key  text NOT NULL
    );
    COMMENT ON TABLE token_signing_key IS 'HMAC key of the partner access tokens, made once per installation.';
    INSERT INTO token_signing_key VALUES (1, encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')), 'hex'));

    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON partner_clients_history FROM kbi_app;
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON token_signing_key FROM kbi_app;
      END IF;
    END $$;
  `.execute(db);
}
