/**
 * From a rule's finding to a decision (issue 13). Frozen in time.
 *
 * - The living wage as a fact: a caseworker's dated record that the person lives on a living wage
 *   (leefloon) paid by an OCMW. Together with an OCMW's integration of the person under capacity
 *   code 1 or 2 it decides that no administrative fine is possible and the case goes to that OCMW
 *   instead (seed 003 §15, §38).
 * - An infringement decision names the organisation that took it (the enforcement officer's
 *   agency, or the OCMW); a case handed to an OCMW names it, and gets the status OCMW.
 * - Certificate proposals: the rules found that a person's components are completed as the rules
 *   require; a caseworker issues the integration certificate or dismisses the proposal with a reason.
 * - Work items have an owner: a staff account that took the item (infringement proposals and cases,
 *   certificate proposals, referrals and appointment requests).
 */
import { sql, type Kysely } from 'kysely';

const STANDARD = `
      version      integer     NOT NULL DEFAULT 1,
      valid_from   timestamptz NOT NULL DEFAULT now(),
      sys_from     timestamptz NOT NULL DEFAULT now(),
      sys_to       timestamptz CHECK (sys_to IS NULL),
      recorded_by  text        NOT NULL DEFAULT current_setting('kbi.actor'),
      ended_by     text`;

const dossierTriggers = (t: string) => `
    CREATE TRIGGER dossier_changed_insert AFTER INSERT ON ${t} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_changed();
    CREATE TRIGGER dossier_changed_update AFTER UPDATE ON ${t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_changed();
    CREATE TRIGGER dossier_changed_delete AFTER DELETE ON ${t} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_changed();`;

/** Adds a column to a table and, at the same position, to its history twin (the history trigger copies rows positionally). */
const addColumn = (table: string, column: string, type: string, references?: string) => `
    ALTER TABLE ${table} ADD COLUMN ${column} ${type}${references ? ` REFERENCES ${references}` : ''};
    ALTER TABLE ${table}_history ADD COLUMN ${column} ${type};`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE living_wage_records (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id        uuid NOT NULL REFERENCES persons(id),
      organisation_id  uuid NOT NULL REFERENCES organisations(id),
      starts_on        date NOT NULL,
      ends_on          date,
      remarks          text CHECK (length(remarks) <= 500),
      ${STANDARD},
      CHECK (ends_on IS NULL OR ends_on >= starts_on)
    );
    COMMENT ON TABLE living_wage_records IS 'Leefloon: the person lives on a living wage paid by this OCMW in this period, as a caseworker recorded it. No administrative fine then; the case goes to the OCMW (seed 003 §15, §38).';
    SELECT kbi_keep_history_of('living_wage_records');
    CREATE INDEX living_wage_records_person ON living_wage_records (person_id);
    CREATE INDEX living_wage_records_history_person ON living_wage_records_history (person_id, sys_from);
    ${dossierTriggers('living_wage_records')}

    ${addColumn('infringement_decisions', 'deciding_organisation_id', 'uuid', 'organisations(id)')}
    COMMENT ON COLUMN infringement_decisions.deciding_organisation_id IS 'The organisation that decided: the enforcement officer''s agency, or the OCMW for a person on a living wage.';
    ${addColumn('infringement_cases', 'ocmw_id', 'uuid', 'organisations(id)')}
    COMMENT ON COLUMN infringement_cases.ocmw_id IS 'The OCMW the case was handed to because the person lives on a living wage it pays (status OCMW).';
    ${addColumn('infringement_cases', 'owner_id', 'uuid', 'users(id)')}
    ${addColumn('infringement_proposals', 'owner_id', 'uuid', 'users(id)')}
    ${addColumn('referrals', 'owner_id', 'uuid', 'users(id)')}
    ${addColumn('appointments', 'owner_id', 'uuid', 'users(id)')}
    COMMENT ON COLUMN infringement_cases.owner_id IS 'The staff account that took this work item (worklist owner); null: nobody yet.';
    COMMENT ON COLUMN infringement_proposals.owner_id IS 'The staff account that took this work item (worklist owner); null: nobody yet.';
    COMMENT ON COLUMN referrals.owner_id IS 'The staff account that took this work item (worklist owner); null: nobody yet.';
    COMMENT ON COLUMN appointments.owner_id IS 'The staff account that took this work item (worklist owner); null: nobody yet.';
    CREATE INDEX infringement_cases_awaiting ON infringement_cases (status, opened_on);

    CREATE TABLE certificate_proposals (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id       uuid NOT NULL REFERENCES persons(id),
      trajectory_id   uuid NOT NULL REFERENCES trajectories(id),
      rule_id         text NOT NULL,
      detected_on     date NOT NULL,
      facts           jsonb NOT NULL,
      status          text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ISSUED', 'DISMISSED')),
      certificate_id  uuid REFERENCES certificates(id),
      decided_on      date,
      decision_reason text CHECK (length(decision_reason) <= 1000),
      owner_id        uuid REFERENCES users(id),
      CHECK ((status = 'OPEN') = (decided_on IS NULL)),
      CHECK ((status = 'ISSUED') = (certificate_id IS NOT NULL)),
      CHECK (status <> 'DISMISSED' OR decision_reason IS NOT NULL),
      ${STANDARD}
    );
    COMMENT ON TABLE certificate_proposals IS 'The rules found a trajectory''s components completed as required: propose the integration certificate; a caseworker issues it or dismisses the proposal with a reason.';
    COMMENT ON COLUMN certificate_proposals.facts IS 'What made it eligible: each component with its result and attendance, and the version of the rule.';
    CREATE UNIQUE INDEX certificate_proposals_once ON certificate_proposals (trajectory_id);
    CREATE INDEX certificate_proposals_open ON certificate_proposals (status, detected_on);
    SELECT kbi_keep_history_of('certificate_proposals');
    CREATE INDEX certificate_proposals_history_person ON certificate_proposals_history (person_id, sys_from);

    INSERT INTO code_list (list, code, label_nl, label_fr, label_en, sort_order, attributes) VALUES
      ('infringement_case_status', 'OCMW', 'Overgedragen aan het OCMW (leefloon)', 'Transmis au CPAS (revenu d''intégration)', 'Handed to the OCMW (living wage)', 5, '{"source": "seed 003 §15, §38"}')
    ON CONFLICT (list, code) DO NOTHING;

    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE DELETE, TRUNCATE ON certificate_proposals FROM kbi_app;
      END IF;
    END $$;
  `,
    )
    .execute(db);
}
