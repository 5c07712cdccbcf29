/**
 * Statistics: the base sets' definitions per version, who validated which version, and the
 * publications that freeze a result. Frozen in time.
 *
 * - statistics_definitions: one row per version of a base set (its whole definition as JSON, the
 *   query included). A changed definition is a new version; old versions stay, so a publication can
 *   always be recomputed with the definition it was made with.
 * - statistics_validations: a named person declared a version fit for use, with a note.
 * - statistics_publications: a frozen result — reference period, cut-off moment (as known then),
 *   definition version, small-cell threshold, the figures and their SHA-256, who published.
 * All three are append-only: nobody rewrites a published figure.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE statistics_definitions (
      set_id        text        NOT NULL CHECK (set_id ~ '^[a-z][a-zA-Z0-9]{1,60}$'),
      version       integer     NOT NULL CHECK (version >= 1),
      definition    jsonb       NOT NULL,
      content_hash  text        NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
      created_at    timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (set_id, version)
    );
    COMMENT ON TABLE statistics_definitions IS 'Base sets of the statistics (seed 000 §6), one row per version of a definition; append-only.';

    CREATE TABLE statistics_validations (
      id            bigserial   PRIMARY KEY,
      set_id        text        NOT NULL,
      version       integer     NOT NULL,
      validated_by  text        NOT NULL,
      validated_at  timestamptz NOT NULL DEFAULT now(),
      note          text        CHECK (length(note) <= 2000),
      FOREIGN KEY (set_id, version) REFERENCES statistics_definitions (set_id, version),
      UNIQUE (set_id, version, validated_by)
    );
    COMMENT ON TABLE statistics_validations IS 'Who declared which version of a base set valid, when, with what note; append-only.';

    CREATE TABLE statistics_publications (
      id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
      set_id        text        NOT NULL,
      version       integer     NOT NULL,
      period_year   integer     NOT NULL CHECK (period_year BETWEEN 2000 AND 2100),
      as_of         timestamptz NOT NULL,
      provisional   boolean     NOT NULL,
      threshold     integer     CHECK (threshold BETWEEN 2 AND 100),
      result        jsonb       NOT NULL,
      content_hash  text        NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
      title         text        NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      published_by  text        NOT NULL,
      published_at  timestamptz NOT NULL DEFAULT now(),
      CHECK (as_of <= published_at),
      FOREIGN KEY (set_id, version) REFERENCES statistics_definitions (set_id, version)
    );
    COMMENT ON TABLE statistics_publications IS 'Published figures, frozen: period, cut-off (as known at), definition version, threshold, SHA-256 of the result; append-only.';
    CREATE INDEX statistics_publications_set ON statistics_publications (set_id, period_year, published_at);

    CREATE TRIGGER statistics_definitions_append_only BEFORE UPDATE OR DELETE ON statistics_definitions
      FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();
    CREATE TRIGGER statistics_validations_append_only BEFORE UPDATE OR DELETE ON statistics_validations
      FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();
    CREATE TRIGGER statistics_publications_append_only BEFORE UPDATE OR DELETE ON statistics_publications
      FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();

    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        GRANT SELECT, INSERT ON statistics_definitions, statistics_validations, statistics_publications TO kbi_app;
        REVOKE UPDATE, DELETE, TRUNCATE ON statistics_definitions, statistics_validations, statistics_publications FROM kbi_app;
        GRANT USAGE ON SEQUENCE statistics_validations_id_seq TO kbi_app;
      END IF;
    END $$;
  `.execute(db);
}
