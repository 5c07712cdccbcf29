/**
 * The dossier triggers write the partners' events before they invalidate the dossier documents, so
 * that every writer takes the outbox head before any document row. Frozen in time.
 *
 * Before (0016, 0028) a statement raised its persons' dossier_documents versions first (row locks,
 * in person order) and then wrote its events (the one-row outbox_head, held until commit). A
 * transaction that changes dossiers in two statements — or one upsert, whose INSERT and UPDATE
 * triggers each run — took the head with its first and a person's document with its second, while
 * a one-statement change of that person held the document and waited for the head: a deadlock (the
 * soak met it, an enrolment batch beside a caseworker's note on one of its persons, 40P01 and a
 * 500). Now a statement that has events to write waits for the head before it locks a document, and
 * a transaction holding the head never waits for one held by a writer that waits for the head.
 * What is written is the same: the events, then the same documents' versions.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION kbi_dossier_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE changed uuid[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT person_id) INTO changed FROM new_rows;
      ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(DISTINCT x) INTO changed FROM (SELECT person_id FROM new_rows UNION SELECT person_id FROM old_rows) u(x);
      ELSE
        SELECT array_agg(DISTINCT person_id) INTO changed FROM old_rows;
      END IF;
      -- The events first: the outbox head before any document row (see the file's comment).
      PERFORM kbi_route_invalidation(changed, TG_TABLE_NAME);
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

    CREATE OR REPLACE FUNCTION kbi_dossier_person_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE changed uuid[];
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM dossier_documents WHERE person_id IN (SELECT id FROM old_rows);
      ELSE
        SELECT array_agg(id) INTO changed FROM new_rows;
        PERFORM kbi_route_invalidation(changed, 'persons');
        INSERT INTO dossier_documents AS d (person_id) SELECT id FROM new_rows ORDER BY 1
          ON CONFLICT (person_id) DO UPDATE SET version = d.version + 1, built_version = NULL, document = NULL, built_at = NULL;
      END IF;
      RETURN NULL;
    END $$;
  `.execute(db);
}
