/**
 * The current dossier of each person as one stored JSON document, so that a partner's consult
 * reads one row instead of assembling 35 tables (issue 5: audited consults at partner volume).
 * Frozen in time.
 *
 * The document is a cache, never a source: it holds what the dossier statement would assemble
 * now, and it is used only while nothing of the person changed since it was built.
 * - `version` counts the changes to the person and the person's records. Triggers on `persons`
 *   and on every dossier table raise it in the transaction of the change, and drop the document at
 *   once: stale personal data is not kept, not even unread.
 * - `built_version` is the version the stored document was assembled at. It is stored only where
 *   the version is still the one read in the same snapshot as the document, and skipped when a
 *   change holds the row (FOR UPDATE SKIP LOCKED). A build that races a change therefore never
 *   stores, and a consult never waits on an import.
 * - A person's deletion (purge) deletes the document.
 *
 * Every dossier table of clusters.ts in 2026-12 has the trigger; a later dossier table adds its own
 * in its migration (tests/schema.test.ts fails otherwise). Past states (`asOf`) are never cached.
 */
import { sql, type Kysely } from 'kysely';

/** The dossier tables of clusters.ts when this migration was written. */
const DOSSIER_TABLES = [
  'dossiers', 'invitations', 'target_group_determinations', 'registrations', 'registration_postponements', 'signing_postponements',
  'contracts', 'contract_addenda', 'contract_parts', 'contract_suspensions', 'certificates', 'trajectories', 'trajectory_components',
  'component_suspensions', 'enrolments', 'participations', 'waiting_list_entries', 'client_preferences', 'test_results',
  'level_attainments', 'language_skills', 'literacy_assessments', 'advice', 'perspectives', 'diploma_recognition_support',
  'conversations', 'appointments', 'referrals', 'infringement_cases', 'infringements', 'infringement_facts', 'infringement_decisions',
  'dvz_advice', 'housing_requirements',
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    CREATE TABLE dossier_documents (
      person_id      uuid PRIMARY KEY,
      version        bigint NOT NULL DEFAULT 1,
      built_version  bigint,
      document       json,
      built_at       timestamptz,
      CHECK ((document IS NULL) = (built_version IS NULL))
    );
    COMMENT ON TABLE dossier_documents IS 'Cache of each person''s current dossier as one JSON document, valid while built_version = version; version is raised (and the document dropped) by trigger on every change. Never a source.';
    INSERT INTO dossier_documents (person_id) SELECT id FROM persons;

    -- Statement-level, with transition tables: one upsert per statement, in person order (two
    -- writers never wait on each other in opposite orders), however many rows it wrote.
    CREATE FUNCTION kbi_dossier_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO dossier_documents AS d (person_id)
          SELECT DISTINCT r.person_id FROM new_rows r JOIN persons p ON p.id = r.person_id ORDER BY 1
          ON CONFLICT (person_id) DO UPDATE SET version = d.version + 1, built_version = NULL, document = NULL, built_at = NULL;
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO dossier_documents AS d (person_id)
          SELECT DISTINCT r.person_id FROM old_rows r JOIN persons p ON p.id = r.person_id ORDER BY 1
          ON CONFLICT (person_id) DO UPDATE SET version = d.version + 1, built_version = NULL, document = NULL, built_at = NULL;
      END IF;
      RETURN NULL;
    END $$;
    CREATE FUNCTION kbi_dossier_person_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM dossier_documents WHERE person_id IN (SELECT id FROM old_rows);
      ELSE
        INSERT INTO dossier_documents AS d (person_id) SELECT id FROM new_rows ORDER BY 1
          ON CONFLICT (person_id) DO UPDATE SET version = d.version + 1, built_version = NULL, document = NULL, built_at = NULL;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER dossier_changed_insert AFTER INSERT ON persons REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_person_changed();
    CREATE TRIGGER dossier_changed_update AFTER UPDATE ON persons REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_person_changed();
    CREATE TRIGGER dossier_changed_delete AFTER DELETE ON persons REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_person_changed();
    ${DOSSIER_TABLES.map((t) => `
    CREATE TRIGGER dossier_changed_insert AFTER INSERT ON ${t} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_changed();
    CREATE TRIGGER dossier_changed_update AFTER UPDATE ON ${t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_changed();
    CREATE TRIGGER dossier_changed_delete AFTER DELETE ON ${t} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION kbi_dossier_changed();`).join('')}

    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        GRANT SELECT ON dossier_documents TO kbi_app;
        GRANT UPDATE (built_version, document, built_at) ON dossier_documents TO kbi_app;
      END IF;
    END $$;
  `).execute(db);
}
