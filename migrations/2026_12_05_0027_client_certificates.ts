/**
 * Client certificates bound to partner API clients (issue 15): where TLS ends at the KBI server, a
 * partner may authenticate with a certificate that chains to the configured client CA
 * (KBI_TLS_CLIENT_CA) instead of a bearer token. A certificate is known by the SHA-256 fingerprint
 * of its DER encoding (lower-case hex) and is honoured only between `not_before` and `not_after`
 * of its binding, which an administrator sets (by default the certificate's own dates). One
 * binding per certificate; unbinding deletes the row, and the history table keeps it.
 *
 * And a notice on channel kbi_authorisations (payload `*`, at commit) whenever authorisations or
 * organisations change, so that a process may keep which purposes a partner's capacity code
 * (MAGDA's Hoedanigheid) stands for in memory and forget it the moment it may have changed.
 * Frozen in time.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE partner_client_certificates (
      id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      partner_client_id  uuid NOT NULL REFERENCES partner_clients(id),
      fingerprint        text NOT NULL UNIQUE CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
      subject            text CHECK (length(subject) <= 500),
      not_before         timestamptz NOT NULL,
      not_after          timestamptz NOT NULL,
      version      integer     NOT NULL DEFAULT 1,
      valid_from   timestamptz NOT NULL DEFAULT now(),
      sys_from     timestamptz NOT NULL DEFAULT now(),
      sys_to       timestamptz CHECK (sys_to IS NULL),
      recorded_by  text        NOT NULL DEFAULT current_setting('kbi.actor'),
      ended_by     text,
      CHECK (not_after > not_before)
    );
    COMMENT ON TABLE partner_client_certificates IS 'A client certificate (SHA-256 fingerprint of its DER form) that stands for a partner client, between not_before and not_after.';
    CREATE INDEX partner_client_certificates_client ON partner_client_certificates (partner_client_id);
    CREATE TABLE partner_client_certificates_history (LIKE partner_client_certificates);
    ALTER TABLE partner_client_certificates_history ALTER COLUMN sys_to SET NOT NULL, ALTER COLUMN ended_by SET NOT NULL;
    CREATE INDEX partner_client_certificates_history_id ON partner_client_certificates_history (id, sys_from);
    CREATE TRIGGER partner_client_certificates_keep_history BEFORE UPDATE OR DELETE ON partner_client_certificates
      FOR EACH ROW EXECUTE FUNCTION kbi_keep_history();
    CREATE TRIGGER partner_client_certificates_history_append_only BEFORE UPDATE OR DELETE ON partner_client_certificates_history
      FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();

    CREATE FUNCTION kbi_notify_authorisation_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('kbi_authorisations', '*');
      RETURN NULL;
    END $$;
    CREATE TRIGGER authorisations_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON authorisations
      FOR EACH STATEMENT EXECUTE FUNCTION kbi_notify_authorisation_change();
    CREATE TRIGGER organisations_notify_authorisations AFTER UPDATE OR DELETE OR TRUNCATE ON organisations
      FOR EACH STATEMENT EXECUTE FUNCTION kbi_notify_authorisation_change();

    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON partner_client_certificates_history FROM kbi_app;
      END IF;
    END $$;
  `.execute(db);
}
