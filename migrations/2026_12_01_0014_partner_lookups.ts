/**
 * The partner look-ups that must be counted and kept: the VMSW language-requirement checks and the
 * DISCIMUS school-enrolment queries. Frozen in time.
 *
 * language_requirement_checks: one row per check VMSW makes (SPEC.md "Exchange flows": count every
 * check — seed 000 answer 5: "hoe vaak dit al gebeurde wordt niet gemonitord aan de zijde van de
 * KBI"). Who asked, when, about whom, and the answer with its basis. The person is kept by id and,
 * for a person KBI does not know, only as the audit trail's keyed INSZ hash.
 *
 * discimus_queries: every question KBI put to the education database and every answer, each with its
 * time — never only the last one (seed 000 answer 2: keeping only the last update per case made it
 * impossible to know which minors were not enrolled at the first query, and the 2017 figures
 * incomparable with 2016). A failed query is kept too, with its error.
 *
 * Both are append-only logs: no update, no delete, for any role (the trigger of migration 0001), and
 * the application role may only read and add (on PostgreSQL).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE language_requirement_checks (
      id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      checked_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
      organisation_id    uuid NOT NULL REFERENCES organisations(id),
      actor_id           text NOT NULL,
      person_id          uuid,
      insz_hash          text NOT NULL,
      purpose            text NOT NULL,
      meets_requirement  boolean NOT NULL,
      basis              jsonb NOT NULL DEFAULT '[]',
      request_id         text
    );
    COMMENT ON TABLE language_requirement_checks IS 'Every check by VMSW whether a prospective tenant or buyer meets the Dutch-language requirement (Wooncode), with its answer and basis. Append-only.';
    COMMENT ON COLUMN language_requirement_checks.person_id IS 'The person, when KBI knows the INSZ (no foreign key: the count outlives a dossier, like the audit trail).';
    COMMENT ON COLUMN language_requirement_checks.insz_hash IS 'kbi_insz_hash(INSZ asked about): the keyed hash of the audit trail, never the INSZ itself.';
    CREATE INDEX language_requirement_checks_org ON language_requirement_checks (organisation_id, checked_at);
    CREATE INDEX language_requirement_checks_person ON language_requirement_checks (person_id, checked_at);
    CREATE TRIGGER language_requirement_checks_append_only BEFORE UPDATE OR DELETE ON language_requirement_checks
      FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();

    CREATE TABLE discimus_queries (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id    uuid NOT NULL REFERENCES persons(id),
      asked_at     timestamptz NOT NULL,
      asked_by     text NOT NULL,
      school_year  text NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
      request      jsonb NOT NULL,
      status       text NOT NULL CHECK (status IN ('answered', 'failed')),
      answer       jsonb,
      answered_at  timestamptz,
      error        text CHECK (length(error) <= 500),
      CHECK ((status = 'answered') = (answer IS NOT NULL AND answered_at IS NOT NULL)),
      CHECK ((status = 'failed') = (error IS NOT NULL))
    );
    COMMENT ON TABLE discimus_queries IS 'Every query KBI sent to DISCIMUS (is this minor enrolled in a school?) and its answer or failure, each with its time; never overwritten (seed 000 answer 2). Append-only.';
    COMMENT ON COLUMN discimus_queries.request IS 'What was sent, without the INSZ (the person is person_id).';
    CREATE INDEX discimus_queries_person ON discimus_queries (person_id, asked_at);
    CREATE TRIGGER discimus_queries_append_only BEFORE UPDATE OR DELETE ON discimus_queries
      FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();

    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON language_requirement_checks, discimus_queries FROM kbi_app;
        GRANT SELECT, INSERT ON language_requirement_checks, discimus_queries TO kbi_app;
      END IF;
    END $$;
  `.execute(db);
}
