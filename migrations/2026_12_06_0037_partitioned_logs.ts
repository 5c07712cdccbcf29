/**
 * The audit trail and the outbox as range-partitioned tables, by month of `at` (issue 17, "big
 * tables"). Frozen in time.
 *
 * Both grow with every audited read and every partner event, and both lose their oldest rows to a
 * retention term (audit trail 10 years, partner events 2 years). Row by row that is a delete of
 * millions of rows (and their index entries, and the WAL of it); by partition it is one DROP TABLE.
 * - **Month** partitions, in UTC: the terms count in months, so a month is the grain a purge can
 *   drop whole; 120 partitions for the audit trail's 10 years (24 for the outbox) is few for the
 *   planner, and a month of audit rows at partner load (tens of millions) is still a size whose
 *   indexes fit the cache. A year would keep up to 11 months of rows past their term.
 * - Partitions are made ahead: `kbi_ensure_partitions()` makes the current month's and the next
 *   three months' (the migration runs it, the worker once a day), and each table has a DEFAULT
 *   partition, so an insert never fails for want of one. A partition is never made over rows the
 *   DEFAULT partition already holds (that would fail): it is skipped with a warning, and the rows
 *   stay in DEFAULT (a purge removes them row by row there).
 * - Partitions are named `<table>__YYYY_MM` and `<table>__default` (the `__` keeps them out of the
 *   generated types and apart from tables); the application reaches them only through their parent
 *   (the application role has no right on a partition itself).
 * - A primary key or unique index of a partitioned table must contain the partition key: audit_log's
 *   key is (id, at) and the lane index (lane, seq, at); outbox_events' key is (seq, at) and its event
 *   id index (event_id, at). The values stay unique as before: ids and event ids come from a sequence
 *   and gen_random_uuid(), the lanes' and the outbox's sequence numbers from their heads, under the
 *   head's row lock (`kbi audit verify` finds a duplicated sequence number as a relinked row).
 * - The chain and sequence triggers set `at` to the clock when they run. A row is routed to its
 *   partition before a BEFORE trigger runs, by its default `at`, taken moments earlier; a new `at`
 *   in another partition would fail the insert. So if the clock crossed into the next month
 *   meanwhile, the row keeps its default `at` (at most minutes old). The hashes are unchanged: the
 *   hash covers whatever `at` the row has.
 * - Every row, trigger, check, foreign key, comment and grant stays; the id sequence too.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- One partition of a table range-partitioned by a timestamptz, for the month (or year) of
    -- 'start' in UTC. Returns its name, or NULL if it exists already or cannot be made (it would
    -- overlap another, or the DEFAULT partition holds rows of its range: a warning says so).
    -- SECURITY DEFINER: the worker (the application role) keeps the partitions made ahead.
    CREATE FUNCTION kbi_add_partition(parent text, unit text, start timestamptz) RETURNS text
      LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
      lo timestamp := date_trunc(unit, start AT TIME ZONE 'UTC');
      hi timestamp := date_trunc(unit, start AT TIME ZONE 'UTC') + ('1 ' || unit)::interval;
      name text := parent || '__' || to_char(lo, CASE unit WHEN 'month' THEN 'YYYY_MM' ELSE 'YYYY' END);
    BEGIN
      IF unit NOT IN ('month', 'year') THEN RAISE EXCEPTION 'partitions are by month or year, not %', unit; END IF;
      IF to_regclass(name) IS NOT NULL THEN RETURN NULL; END IF;
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', name, parent,
                     to_char(lo, 'YYYY-MM-DD HH24:MI:SS"+00"'), to_char(hi, 'YYYY-MM-DD HH24:MI:SS"+00"'));
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        EXECUTE format('REVOKE ALL ON %I FROM kbi_app', name);
      END IF;
      RETURN name;
    EXCEPTION WHEN check_violation OR invalid_object_definition THEN
      RAISE WARNING 'partition % of % not made: %', name, parent, SQLERRM;
      RETURN NULL;
    END $$;

    -- The partitions of today's month and of the next three, and the DEFAULT partition, of every
    -- partitioned table; returns the names of those it made. Run by the migration and by the worker
    -- once a day: a missed day or two still finds the next month made.
    CREATE FUNCTION kbi_ensure_partitions(at timestamptz DEFAULT now()) RETURNS SETOF text
      LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
      t record;
      i integer;
      made text;
    BEGIN
      FOR t IN SELECT * FROM (VALUES ('audit_log', 'month', 3), ('outbox_events', 'month', 3)) v(parent, unit, ahead) LOOP
        FOR i IN 0..t.ahead LOOP
          -- Counted in UTC (as the partitions are): in local time a month ahead may land in the same UTC month.
          made := kbi_add_partition(t.parent, t.unit,
            (date_trunc(t.unit, at AT TIME ZONE 'UTC') + make_interval(months => CASE t.unit WHEN 'month' THEN i ELSE 12 * i END)) AT TIME ZONE 'UTC');
          IF made IS NOT NULL THEN RETURN NEXT made; END IF;
        END LOOP;
        IF to_regclass(t.parent || '__default') IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', t.parent || '__default', t.parent);
          IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
            EXECUTE format('REVOKE ALL ON %I FROM kbi_app', t.parent || '__default');
          END IF;
          RETURN NEXT t.parent || '__default';
        END IF;
      END LOOP;
    END $$;
    REVOKE EXECUTE ON FUNCTION kbi_add_partition(text, text, timestamptz) FROM PUBLIC;

    -- The partitions that hold the rows of the table as it is (from its oldest month on).
    CREATE FUNCTION kbi_partition_existing(parent text, unit text, oldest timestamptz) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE m timestamp;
    BEGIN
      FOR m IN SELECT generate_series(date_trunc(unit, oldest AT TIME ZONE 'UTC'), now() AT TIME ZONE 'UTC', ('1 ' || unit)::interval) LOOP
        PERFORM kbi_add_partition(parent, unit, m AT TIME ZONE 'UTC');
      END LOOP;
    END $$;

    -- The audit trail.
    ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
    ALTER INDEX audit_log_pkey RENAME TO audit_log_unpartitioned_pkey;
    ALTER INDEX audit_log_insz_hash RENAME TO audit_log_unpartitioned_insz_hash;
    ALTER INDEX audit_log_lane_seq RENAME TO audit_log_unpartitioned_lane_seq;
    CREATE TABLE audit_log (LIKE audit_log_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS) PARTITION BY RANGE (at);
    COMMENT ON TABLE audit_log IS 'One row per read or write of personal data, by staff or partner. Append-only. Partitioned by month of at (audit_log__YYYY_MM, audit_log__default).';
    ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id;
    ALTER TABLE audit_log ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id, at);
    CREATE UNIQUE INDEX audit_log_lane_seq ON audit_log (lane, seq, at);
    CREATE INDEX audit_log_insz_hash ON audit_log (insz_hash, at) WHERE insz_hash IS NOT NULL;
    SELECT kbi_partition_existing('audit_log', 'month', coalesce((SELECT min(at) FROM audit_log_unpartitioned), now()));

    -- The outbox.
    ALTER TABLE outbox_events RENAME TO outbox_events_unpartitioned;
    ALTER INDEX outbox_events_pkey RENAME TO outbox_events_unpartitioned_pkey;
    ALTER INDEX outbox_events_at RENAME TO outbox_events_unpartitioned_at;
    ALTER INDEX outbox_events_event_id RENAME TO outbox_events_unpartitioned_event_id;
    ALTER INDEX outbox_events_person RENAME TO outbox_events_unpartitioned_person;
    ALTER INDEX outbox_events_recipient RENAME TO outbox_events_unpartitioned_recipient;
    CREATE TABLE outbox_events (LIKE outbox_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS) PARTITION BY RANGE (at);
    COMMENT ON TABLE outbox_events IS 'Transactional outbox: one event per change a partner must learn of, written in the transaction of the change; read by the partner pull feed and by webhook dispatchers. Append-only. Partitioned by month of at (outbox_events__YYYY_MM, outbox_events__default).';
    ALTER TABLE outbox_events ADD CONSTRAINT outbox_events_pkey PRIMARY KEY (seq, at);
    ALTER TABLE outbox_events ADD CONSTRAINT outbox_events_organisation_id_fkey FOREIGN KEY (organisation_id) REFERENCES organisations(id);
    ALTER TABLE outbox_events ADD CONSTRAINT outbox_events_person_id_fkey FOREIGN KEY (person_id) REFERENCES persons(id);
    CREATE UNIQUE INDEX outbox_events_event_id ON outbox_events (event_id, at);
    CREATE INDEX outbox_events_recipient ON outbox_events (organisation_id, seq);
    CREATE INDEX outbox_events_person ON outbox_events (person_id);
    CREATE INDEX outbox_events_at ON outbox_events (at);
    SELECT kbi_partition_existing('outbox_events', 'month', coalesce((SELECT min(at) FROM outbox_events_unpartitioned), now()));

    -- The months ahead and the DEFAULT partitions; then the rows, before the triggers: they keep
    -- their chain (seq, hash, at) and their sequence numbers as they are.
    SELECT kbi_ensure_partitions();
    INSERT INTO audit_log SELECT * FROM audit_log_unpartitioned ORDER BY id;
    INSERT INTO outbox_events SELECT * FROM outbox_events_unpartitioned ORDER BY seq;
    DROP TABLE outbox_events_unpartitioned;

    -- The row hash takes the new table's row type (the old one's type goes with it); the same expression.
    DROP FUNCTION kbi_audit_row_hash(text, audit_log_unpartitioned);
    CREATE FUNCTION kbi_audit_row_hash(prev text, r audit_log) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
    BEGIN
      RETURN encode(sha256(convert_to(concat_ws('|', coalesce(prev, 'genesis'), r.seq, to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        r.actor_id, r.actor_kind, r.organisation_id, r.purpose, r.action, r.person_id, array_to_string(r.clusters, ','), r.result,
        r.request_id, r.detail::text, r.insz_hash, CASE WHEN r.lane > 0 THEN 'lane ' || r.lane END), 'UTF8')), 'hex');
    END $$;

    -- As in 0017, but 'at' stays in the partition the row was routed to (see the file's comment).
    CREATE OR REPLACE FUNCTION kbi_audit_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
      held text := current_setting('kbi.audit_lane', true);
      head record;
      clock timestamptz;
    BEGIN
      IF held IS NOT NULL AND held <> '' THEN
        SELECT lane, seq, hash INTO head FROM audit_chain_lanes WHERE lane = held::smallint FOR UPDATE;
      ELSE
        SELECT lane, seq, hash INTO head FROM audit_chain_lanes ORDER BY lane LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN -- all 16 held: wait for one
          SELECT lane, seq, hash INTO head FROM audit_chain_lanes WHERE lane = pg_backend_pid() % 16 FOR UPDATE;
        END IF;
        PERFORM set_config('kbi.audit_lane', head.lane::text, true);
      END IF;
      NEW.lane := head.lane;
      NEW.seq := head.seq + 1;
      NEW.prev_hash := head.hash;
      clock := clock_timestamp();
      IF NEW.at IS NULL OR NEW.at > clock OR NEW.at < clock - interval '10 minutes'
         OR date_trunc('month', NEW.at AT TIME ZONE 'UTC') = date_trunc('month', clock AT TIME ZONE 'UTC') THEN
        NEW.at := clock;
      END IF;
      IF NEW.person_id IS NOT NULL THEN
        NEW.insz_hash := (SELECT encode(sha256(convert_to(k.key || '|' || p.insz, 'UTF8')), 'hex')
                            FROM persons p, audit_key k WHERE p.id = NEW.person_id AND k.id = 1);
      END IF;
      NEW.hash := kbi_audit_row_hash(NEW.prev_hash, NEW);
      UPDATE audit_chain_lanes SET seq = NEW.seq, hash = NEW.hash WHERE lane = head.lane;
      RETURN NEW;
    END $$;
    CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION kbi_audit_chain();
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION kbi_audit_is_append_only();
    DROP TABLE audit_log_unpartitioned;

    -- As in 0013, but 'at' stays in the partition the row was routed to (see the file's comment).
    CREATE OR REPLACE FUNCTION kbi_outbox_seq() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
      last_seq bigint;
      clock timestamptz;
    BEGIN
      SELECT seq INTO last_seq FROM outbox_head WHERE id = 1 FOR UPDATE;
      NEW.seq := last_seq + 1;
      clock := clock_timestamp();
      IF NEW.at IS NULL OR NEW.at > clock OR NEW.at < clock - interval '10 minutes'
         OR date_trunc('month', NEW.at AT TIME ZONE 'UTC') = date_trunc('month', clock AT TIME ZONE 'UTC') THEN
        NEW.at := clock;
      END IF;
      UPDATE outbox_head SET seq = NEW.seq WHERE id = 1;
      PERFORM pg_notify('kbi_outbox', NEW.seq::text);
      RETURN NEW;
    END $$;
    CREATE TRIGGER outbox_events_seq BEFORE INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION kbi_outbox_seq();

    DROP FUNCTION kbi_partition_existing(text, text, timestamptz);
    ANALYZE audit_log;
    ANALYZE outbox_events;

    -- As before: the application role appends audit rows and events and reads them, nothing more.
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE ALL ON audit_log, outbox_events FROM kbi_app;
        GRANT SELECT, INSERT ON audit_log, outbox_events TO kbi_app;
      END IF;
    END $$;
  `.execute(db);
}
