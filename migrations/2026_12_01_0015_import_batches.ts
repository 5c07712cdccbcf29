/**
 * Course feeds: the runs of bulk imports of enrolments and lesson-by-lesson participation that
 * adult-education centres (CVO/CBE), AHOVOKS and Houses of Dutch send. Frozen in time.
 *
 * A batch is named by its sender (`batch_id`) and fingerprinted by the sha256 of its bytes
 * (`content_hash`). Every attempt is a row: at most one per sender, kind and batch id is running
 * or has succeeded (a partial unique index), so the same batch cannot be imported twice; a
 * resend of a succeeded batch is recorded as `replayed` and touches nothing else. The error
 * report of a failed attempt (capped) stays with it.
 *
 * The runs are an operational trace, not dossier data: no history twin, never removed by the
 * application. The imported rows themselves are versioned in `enrolments` and `participations`.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE TABLE import_batches (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organisation_id  uuid NOT NULL REFERENCES organisations(id),
      kind             text NOT NULL CHECK (kind IN ('participations', 'enrolments')),
      batch_id         text NOT NULL CHECK (batch_id ~ '^[A-Za-z0-9._:-]{1,100}$'),
      content_hash     text CHECK (content_hash ~ '^[0-9a-f]{64}$'),
      format           text NOT NULL CHECK (format IN ('csv', 'ndjson')),
      status           text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'replayed')),
      rows_total       integer NOT NULL DEFAULT 0 CHECK (rows_total >= 0),
      rows_written     integer NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
      rows_inserted    integer NOT NULL DEFAULT 0 CHECK (rows_inserted >= 0),
      rows_updated     integer NOT NULL DEFAULT 0 CHECK (rows_updated >= 0),
      bytes_read       bigint NOT NULL DEFAULT 0,
      error_count      integer NOT NULL DEFAULT 0 CHECK (error_count >= 0),
      errors           jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(errors) = 'array' AND jsonb_array_length(errors) <= 1000),
      replay_of        uuid REFERENCES import_batches(id),
      started_by       text NOT NULL,
      request_id       text,
      started_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
      heartbeat_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
      finished_at      timestamptz,
      CHECK ((status = 'running') = (finished_at IS NULL))
    );
    COMMENT ON TABLE import_batches IS 'Runs of the course feeds (bulk enrolments and participations): sender, batch id, content hash, status, row counts and the capped row-level error report.';
    COMMENT ON COLUMN import_batches.batch_id IS 'The sender''s name for the batch; with content_hash it makes a resend a no-op (status replayed).';
    COMMENT ON COLUMN import_batches.errors IS 'At most 1000 row errors {line, column, reason}, never the values themselves; error_count has the total.';
    COMMENT ON COLUMN import_batches.heartbeat_at IS 'Last sign of life of a running import (PostgreSQL: every few thousand rows); a running row without one for 10 minutes is abandoned.';
    CREATE UNIQUE INDEX import_batches_once ON import_batches (organisation_id, kind, batch_id) WHERE status IN ('running', 'succeeded');
    CREATE INDEX import_batches_batch ON import_batches (organisation_id, batch_id, started_at);
    CREATE INDEX import_batches_started ON import_batches (started_at DESC, id);

    -- The natural key by which a feed names a course: its provider, training code and start date.
    CREATE INDEX courses_feed_key ON courses (provider_id, training_code, start_date);
    CREATE INDEX course_modules_code ON course_modules (course_id, code);

    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        GRANT SELECT, INSERT, UPDATE ON import_batches TO kbi_app;
        REVOKE DELETE, TRUNCATE ON import_batches FROM kbi_app;
      END IF;
    END $$;
  `).execute(db);
}
