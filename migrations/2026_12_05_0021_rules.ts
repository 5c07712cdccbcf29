/**
 * The rules of the decree decide (issue 13): infringement proposals with the facts that triggered
 * them, and the runs of the re-evaluation job. Frozen in time.
 *
 * A proposal is made by a rule, never twice for the same facts (unique facts_key per person and
 * type), and then accepted into an infringement case or dismissed by a caseworker, with a reason;
 * like every dossier table it keeps its history. The runs are append-only, for administrators.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE infringement_proposals (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id       uuid NOT NULL REFERENCES persons(id),
      type            text NOT NULL,
      rule_id         text NOT NULL,
      detected_on     date NOT NULL,
      facts           jsonb NOT NULL,
      facts_key       text NOT NULL,
      status          text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ACCEPTED', 'DISMISSED')),
      case_id         uuid REFERENCES infringement_cases(id),
      decided_on      date,
      decision_reason text CHECK (length(decision_reason) <= 1000),
      CHECK ((status = 'OPEN') = (decided_on IS NULL)),
      CHECK ((status = 'ACCEPTED') = (case_id IS NOT NULL)),
      CHECK (status <> 'DISMISSED' OR decision_reason IS NOT NULL),
      version      integer     NOT NULL DEFAULT 1,
      valid_from   timestamptz NOT NULL DEFAULT now(),
      sys_from     timestamptz NOT NULL DEFAULT now(),
      sys_to       timestamptz CHECK (sys_to IS NULL),
      recorded_by  text        NOT NULL DEFAULT current_setting('kbi.actor'),
      ended_by     text
    );
    COMMENT ON TABLE infringement_proposals IS 'An infringement a rule of the decree found (rules module), with the facts that triggered it; accepted into an infringement case or dismissed with a reason.';
    COMMENT ON COLUMN infringement_proposals.facts IS 'What triggered it: the deadline and its dates, or the attendance figures per part, and the version of the rule.';
    COMMENT ON COLUMN infringement_proposals.facts_key IS 'The facts that make it this infringement and no other (e.g. the invitation, or the components below the threshold): one proposal per key.';
    CREATE UNIQUE INDEX infringement_proposals_once ON infringement_proposals (person_id, type, facts_key);
    CREATE INDEX infringement_proposals_open ON infringement_proposals (status, detected_on);
    CREATE TABLE infringement_proposals_history (LIKE infringement_proposals);
    ALTER TABLE infringement_proposals_history ALTER COLUMN sys_to SET NOT NULL, ALTER COLUMN ended_by SET NOT NULL;
    COMMENT ON TABLE infringement_proposals_history IS 'Earlier versions of infringement_proposals, kept by trigger kbi_keep_history; append-only.';
    CREATE INDEX infringement_proposals_history_id ON infringement_proposals_history (id, sys_from);
    CREATE INDEX infringement_proposals_history_person ON infringement_proposals_history (person_id, sys_from);
    CREATE TRIGGER infringement_proposals_keep_history BEFORE UPDATE OR DELETE ON infringement_proposals
      FOR EACH ROW EXECUTE FUNCTION kbi_keep_history();
    CREATE TRIGGER infringement_proposals_history_append_only BEFORE UPDATE OR DELETE ON infringement_proposals_history
      FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();

    CREATE TABLE rule_evaluations (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind         text NOT NULL CHECK (kind IN ('full', 'persons')),
      evaluated_on date NOT NULL,
      started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
      finished_at  timestamptz,
      persons      integer NOT NULL DEFAULT 0,
      proposals    integer NOT NULL DEFAULT 0,
      error        text CHECK (length(error) <= 2000),
      started_by   text NOT NULL
    );
    COMMENT ON TABLE rule_evaluations IS 'Every run of the re-evaluation of the rules: nightly over everyone, or right after a change for the persons it touched; with what it found.';
    CREATE INDEX rule_evaluations_started ON rule_evaluations (started_at DESC);

    -- Which change of a person's dossier the rules last looked at: every change bumps
    -- dossier_documents.version (migration 0016), so the persons to re-evaluate are those where
    -- the two differ.
    ALTER TABLE dossier_documents ADD COLUMN rules_version integer;
    COMMENT ON COLUMN dossier_documents.rules_version IS 'The version of the dossier the rules were last evaluated on (null: never); behind version means: re-evaluate this person.';
    CREATE INDEX dossier_documents_rules_due ON dossier_documents (person_id) WHERE rules_version IS DISTINCT FROM version;
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        GRANT UPDATE (rules_version) ON dossier_documents TO kbi_app;
        REVOKE UPDATE, DELETE, TRUNCATE ON infringement_proposals_history FROM kbi_app;
        REVOKE DELETE, TRUNCATE ON rule_evaluations FROM kbi_app;
      END IF;
    END $$;
  `.execute(db);
}
