/**
 * Participations range-partitioned by the year of their lesson (issue 17, "big tables"). Frozen in time.
 *
 * Participations are the largest table (a row per person per lesson, BENCHMARKS.md). What reads
 * them by time — the statistics' lesson participations (the year of the lesson, Belgian time), the
 * rules' attendance minutes, the certificates — filters on the lesson's moment (lessons.starts_at),
 * not on when the row was recorded or from when it holds (valid_from, which a correction moves to
 * the day of the correction). So the partition key is the lesson's Belgian date, kept on the row
 * itself: `lesson_on` (a partition key must be a column of the table).
 * - **Years**: a statistics year is one partition, and at some 50 rows per person a year of a
 *   million persons' lessons is a size a year's statistics scan whole anyway. A month would give the
 *   planner 12 times the partitions for nothing the queries prune on.
 * - `lesson_on` is the lesson's date, always: every writer gives it (the import, the record API,
 *   the demo), a trigger refuses a row whose date is not its lesson's, and a lesson moved to
 *   another day moves its participations with it (a recorded change of each, in its history).
 * - The key (id, lesson_on) and the unique (enrolment_id, lesson_id, lesson_on) hold what the old
 *   ones held: a lesson has one date, so one participation per enrolment and lesson, as before. The
 *   import's upsert names the new unique index.
 * - The history trigger writes to participations_history whatever partition fired it (the general
 *   one derives the history table from the firing table's name), and when a lesson moves a row to
 *   another year's partition — an UPDATE that PostgreSQL carries out as a DELETE and an INSERT,
 *   firing the BEFORE DELETE trigger too — keeps the old version once, not twice.
 * - `participations_history.lesson_on`: the same date on every version (filled here for the old
 *   ones), so that history rows keep the table's columns in its order.
 * - `kbi_ensure_partitions()` now also makes this year's and next year's partitions; DEFAULT takes
 *   a lesson outside every year made (an old course imported late).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The history of a partitioned table: the history table named by the trigger's argument.
    CREATE FUNCTION kbi_keep_partitioned_history() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      actor text := current_setting('kbi.actor', true);
      kept boolean;
    BEGIN
      IF actor IS NULL OR actor = '' THEN
        RAISE EXCEPTION 'every change must name who made it (kbi.actor is not set)' USING ERRCODE = '42501';
      END IF;
      IF TG_OP = 'UPDATE' AND NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'the id of a row never changes' USING ERRCODE = '42501';
      END IF;
      IF TG_OP = 'DELETE' THEN
        -- The DELETE half of an UPDATE that moved the row to another partition: its UPDATE half kept this version.
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I WHERE id = $1 AND version = $2)', TG_TABLE_SCHEMA, TG_ARGV[0]) INTO kept USING OLD.id, OLD.version;
        IF kept THEN RETURN OLD; END IF;
      END IF;
      OLD.sys_to := now();
      OLD.ended_by := actor;
      EXECUTE format('INSERT INTO %I.%I SELECT ($1).*', TG_TABLE_SCHEMA, TG_ARGV[0]) USING OLD;
      IF TG_OP = 'DELETE' THEN
        RETURN OLD;
      END IF;
      NEW.version := OLD.version + 1;
      NEW.sys_from := now();
      NEW.sys_to := NULL;
      NEW.ended_by := NULL;
      NEW.recorded_by := actor;
      RETURN NEW;
    END $$;

    -- A participation is dated by its lesson.
    CREATE FUNCTION kbi_participation_lesson_on() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      held date := (SELECT (l.starts_at AT TIME ZONE 'Europe/Brussels')::date FROM lessons l WHERE l.id = NEW.lesson_id);
    BEGIN
      IF held IS DISTINCT FROM NEW.lesson_on THEN
        RAISE EXCEPTION 'participation %: lesson_on % is not the date of its lesson (%)', NEW.id, NEW.lesson_on, held USING ERRCODE = '23514';
      END IF;
      RETURN NEW;
    END $$;

    -- A lesson moved to another day takes its participations along (as a recorded change of each).
    CREATE FUNCTION kbi_lesson_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE participations SET lesson_on = (NEW.starts_at AT TIME ZONE 'Europe/Brussels')::date
       WHERE lesson_id = NEW.id AND lesson_on <> (NEW.starts_at AT TIME ZONE 'Europe/Brussels')::date;
      RETURN NULL;
    END $$;

    ALTER TABLE participations RENAME TO participations_unpartitioned;
    ALTER INDEX participations_pkey RENAME TO participations_unpartitioned_pkey;
    ALTER INDEX participations_enrolment RENAME TO participations_unpartitioned_enrolment;
    ALTER INDEX participations_lesson RENAME TO participations_unpartitioned_lesson;
    ALTER INDEX participations_person RENAME TO participations_unpartitioned_person;
    CREATE TABLE participations (
      LIKE participations_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS,
      lesson_on date NOT NULL
    ) PARTITION BY RANGE (lesson_on);
    COMMENT ON TABLE participations IS 'Attendance (present, absent, absent with justification) of an enrolled person at one lesson. Partitioned by year of lesson_on (participations__YYYY, participations__default).';
    COMMENT ON COLUMN participations.lesson_on IS 'The date of the lesson (Belgian time), as lessons.starts_at says: the partition key; kept by every writer, checked by trigger.';
    ALTER TABLE participations ADD CONSTRAINT participations_pkey PRIMARY KEY (id, lesson_on);
    ALTER TABLE participations ADD CONSTRAINT participations_person_id_fkey FOREIGN KEY (person_id) REFERENCES persons(id);
    ALTER TABLE participations ADD CONSTRAINT participations_enrolment_id_fkey FOREIGN KEY (enrolment_id) REFERENCES enrolments(id);
    ALTER TABLE participations ADD CONSTRAINT participations_lesson_id_fkey FOREIGN KEY (lesson_id) REFERENCES lessons(id);
    CREATE UNIQUE INDEX participations_lesson ON participations (enrolment_id, lesson_id, lesson_on);
    CREATE INDEX participations_enrolment ON participations (enrolment_id);
    CREATE INDEX participations_person ON participations (person_id);

    ALTER TABLE participations_history ADD COLUMN lesson_on date;
    COMMENT ON COLUMN participations_history.lesson_on IS 'The date of the lesson (Belgian time), as on the current row.';
    SELECT set_config('kbi.purge', 'on', true); -- history rows change only under the purge switch
    UPDATE participations_history h SET lesson_on = (l.starts_at AT TIME ZONE 'Europe/Brussels')::date FROM lessons l WHERE l.id = h.lesson_id;
    SELECT set_config('kbi.purge', 'off', true);

    -- A year for every year with lessons, then this year's and the next; DEFAULT.
    CREATE OR REPLACE FUNCTION kbi_ensure_partitions(at timestamptz DEFAULT now()) RETURNS SETOF text
      LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
      t record;
      i integer;
      made text;
    BEGIN
      FOR t IN SELECT * FROM (VALUES ('audit_log', 'month', 3), ('outbox_events', 'month', 3), ('participations', 'year', 1)) v(parent, unit, ahead) LOOP
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
    DO $$
    DECLARE y integer;
    BEGIN
      FOR y IN SELECT DISTINCT extract(year FROM (l.starts_at AT TIME ZONE 'Europe/Brussels'))::int FROM participations_unpartitioned p JOIN lessons l ON l.id = p.lesson_id LOOP
        PERFORM kbi_add_partition('participations', 'year', make_timestamptz(y, 7, 1, 0, 0, 0, 'UTC'));
      END LOOP;
    END $$;
    SELECT kbi_ensure_partitions();

    INSERT INTO participations
      SELECT p.*, (l.starts_at AT TIME ZONE 'Europe/Brussels')::date FROM participations_unpartitioned p JOIN lessons l ON l.id = p.lesson_id;
    DROP TABLE participations_unpartitioned;

    CREATE TRIGGER participations_keep_history BEFORE UPDATE OR DELETE ON participations
      FOR EACH ROW EXECUTE FUNCTION kbi_keep_partitioned_history('participations_history');
    CREATE TRIGGER participations_lesson_on BEFORE INSERT OR UPDATE OF lesson_id, lesson_on ON participations
      FOR EACH ROW EXECUTE FUNCTION kbi_participation_lesson_on();
    CREATE TRIGGER lessons_moved AFTER UPDATE OF starts_at ON lessons
      FOR EACH ROW WHEN ((OLD.starts_at AT TIME ZONE 'Europe/Brussels')::date IS DISTINCT FROM (NEW.starts_at AT TIME ZONE 'Europe/Brussels')::date)
      EXECUTE FUNCTION kbi_lesson_moved();
    CREATE TRIGGER dossier_changed_insert AFTER INSERT ON participations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_changed();
    CREATE TRIGGER dossier_changed_update AFTER UPDATE ON participations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_changed();
    CREATE TRIGGER dossier_changed_delete AFTER DELETE ON participations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_changed();
    ANALYZE participations;

    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE ALL ON participations FROM kbi_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON participations TO kbi_app;
      END IF;
    END $$;
  `.execute(db);
}
