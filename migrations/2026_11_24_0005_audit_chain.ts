/**
 * A tamper-evident audit trail. Frozen in time.
 *
 * Every audit row gets, in a BEFORE INSERT trigger and under a transaction-scoped advisory lock,
 * the next sequence number of its chain and a hash over its own fields and the previous row's hash.
 * Changing a row breaks its hash; removing one leaves a gap in the sequence; `kbi audit verify`
 * finds both and names the row. The person is also kept as a keyed hash of the INSZ, so that the
 * trail can be searched by INSZ after the person's record is gone, without holding the INSZ itself.
 *
 * On PostgreSQL the role `kbi_app` (which the server assumes) may only SELECT and INSERT audit rows
 * and history rows; the append-only triggers hold for every role, including on PGlite.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE audit_key (
      id   integer PRIMARY KEY CHECK (id = 1),
      key  text NOT NULL
    );
    COMMENT ON TABLE audit_key IS 'Secret of the keyed INSZ hash in audit_log, made once per installation.';
    INSERT INTO audit_key VALUES (1, encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || clock_timestamp()::text, 'UTF8')), 'hex'));

    ALTER TABLE audit_log
      ADD COLUMN seq        bigint,
      ADD COLUMN insz_hash  text,
      ADD COLUMN prev_hash  text,
      ADD COLUMN hash       text;
    COMMENT ON COLUMN audit_log.seq IS 'Position in the hash chain: 1, 2, 3 … without gaps.';
    COMMENT ON COLUMN audit_log.insz_hash IS 'sha256(installation key | INSZ) of the person concerned, at the time of the access.';
    COMMENT ON COLUMN audit_log.hash IS 'sha256 over prev_hash and the fields of this row (kbi_audit_row_hash).';

    -- The one definition of a row's hash, used by the trigger and by verification alike.
    CREATE FUNCTION kbi_audit_row_hash(prev text, r audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT encode(sha256(convert_to(concat_ws('|', coalesce(prev, 'genesis'), r.seq, to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        r.actor_id, r.actor_kind, r.organisation_id, r.purpose, r.action, r.person_id, array_to_string(r.clusters, ','), r.result,
        r.request_id, r.detail::text, r.insz_hash), 'UTF8')), 'hex')
    $$;

    CREATE FUNCTION kbi_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      last audit_log%ROWTYPE;
    BEGIN
      PERFORM pg_advisory_xact_lock(7305001);
      SELECT * INTO last FROM audit_log ORDER BY seq DESC LIMIT 1;
      NEW.seq := coalesce(last.seq, 0) + 1;
      NEW.prev_hash := last.hash;
      NEW.at := clock_timestamp();
      IF NEW.person_id IS NOT NULL THEN
        NEW.insz_hash := (SELECT encode(sha256(convert_to(k.key || '|' || p.insz, 'UTF8')), 'hex')
                            FROM persons p, audit_key k WHERE p.id = NEW.person_id);
      END IF;
      NEW.hash := kbi_audit_row_hash(NEW.prev_hash, NEW);
      RETURN NEW;
    END $$;

    -- Audit rows before the chain existed get their place in it, in id order.
    DO $$
    DECLARE r audit_log%ROWTYPE; prev text; n bigint := 0;
    BEGIN
      FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
        n := n + 1;
        r.seq := n; r.prev_hash := prev;
        r.hash := kbi_audit_row_hash(prev, r);
        prev := r.hash;
        EXECUTE 'ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only';
        UPDATE audit_log SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
        EXECUTE 'ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only';
      END LOOP;
    END $$;

    ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
    CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
    CREATE INDEX audit_log_insz_hash ON audit_log (insz_hash, at) WHERE insz_hash IS NOT NULL;
    CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION kbi_audit_chain();

    -- The audit trail has no purge switch: it is kept whole (10 years, domain-rules §5.5).
    CREATE FUNCTION kbi_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit rows cannot be changed or deleted' USING ERRCODE = '42501';
    END $$;
    DROP TRIGGER audit_log_append_only ON audit_log;
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION kbi_audit_is_append_only();

    -- The application's role: everything on dossier tables, but only SELECT and INSERT on audit and history.
    DO $$
    DECLARE t text;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        CREATE ROLE kbi_app NOLOGIN;
      END IF;
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO kbi_app', current_schema());
      FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
        IF t = 'audit_log' OR t LIKE '%\_history' THEN
          EXECUTE format('GRANT SELECT, INSERT ON %I TO kbi_app', t);
        ELSIF t = 'audit_key' OR t LIKE 'kbi\_migration%' THEN
          EXECUTE format('GRANT SELECT ON %I TO kbi_app', t);
        ELSE
          EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO kbi_app', t);
        END IF;
      END LOOP;
      EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO kbi_app', current_schema());
      -- Tables of later migrations: reading and writing by default; each migration that adds an
      -- append-only table revokes UPDATE and DELETE on it (the append-only triggers hold anyway).
      EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO kbi_app', current_schema());
      EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE ON SEQUENCES TO kbi_app', current_schema());
    END $$;
  `.execute(db);
}
