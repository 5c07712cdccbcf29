/**
 * What the real KBI's answers hold that 0001 did not: the statement of facts of an infringement
 * (MAGDA Inbreuk/FeitenRelaas: the activities carried out and the documents sent), and
 * conversations known only by date and office (MAGDA Gesprekken carry no text). Frozen in time.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE infringement_facts (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id        uuid NOT NULL REFERENCES persons(id),
      infringement_id  uuid NOT NULL REFERENCES infringements(id),
      kind             text NOT NULL CHECK (kind IN ('ACTIVITY', 'COMMUNICATION')),
      external_id      text,
      activity_type    text,
      document_type    text,
      occurred_on      date NOT NULL,
      CHECK ((kind = 'ACTIVITY') = (activity_type IS NOT NULL)),
      CHECK ((kind = 'COMMUNICATION') = (document_type IS NOT NULL)),
      version      integer     NOT NULL DEFAULT 1,
      valid_from   timestamptz NOT NULL DEFAULT now(),
      sys_from     timestamptz NOT NULL DEFAULT now(),
      sys_to       timestamptz CHECK (sys_to IS NULL),
      recorded_by  text        NOT NULL DEFAULT current_setting('kbi.actor'),
      ended_by     text
    );
    COMMENT ON TABLE infringement_facts IS 'Feitenrelaas of an infringement: activities carried out (e.g. a letter) and documents sent (e.g. the formal notice INB10).';
    CREATE TABLE infringement_facts_history (LIKE infringement_facts);
    ALTER TABLE infringement_facts_history ALTER COLUMN sys_to SET NOT NULL, ALTER COLUMN ended_by SET NOT NULL;
    COMMENT ON TABLE infringement_facts_history IS 'Earlier versions of infringement_facts, kept by trigger kbi_keep_history; append-only.';
    CREATE INDEX infringement_facts_history_id ON infringement_facts_history (id, sys_from);
    CREATE INDEX infringement_facts_person ON infringement_facts (person_id);
    CREATE INDEX infringement_facts_history_person ON infringement_facts_history (person_id, sys_from);
    CREATE TRIGGER infringement_facts_keep_history BEFORE UPDATE OR DELETE ON infringement_facts
      FOR EACH ROW EXECUTE FUNCTION kbi_keep_history();
    CREATE TRIGGER infringement_facts_history_append_only BEFORE UPDATE OR DELETE ON infringement_facts_history
      FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();

    ALTER TABLE conversations ALTER COLUMN text DROP NOT NULL;
    ALTER TABLE conversations_history ALTER COLUMN text DROP NOT NULL;
  `.execute(db);

  // MAGDA FeitenRelaas codes (Activiteit/Type, Communicatie/TypeDocument); further values follow as they are published.
  const codes = [
    ['infringement_activity_type', 'A_BRIEF', 'Brief verstuurd', 'Lettre envoyée', 'Letter sent'],
    ['infringement_activity_type', 'A_TELEFOON', 'Telefonisch contact', 'Contact téléphonique', 'Phone call'],
    ['infringement_activity_type', 'A_HUISBEZOEK', 'Huisbezoek', 'Visite à domicile', 'Home visit'],
    ['infringement_document_type', 'BRI106', 'Ingebrekestelling INB10', 'Mise en demeure INB10', 'Formal notice INB10'],
    ['infringement_document_type', 'BRI109', 'Vaststellingsformulier', 'Formulaire de constatation', 'Statement of findings form'],
  ];
  await db.insertInto('code_list').values(codes.map(([list, code, nl, fr, en], i) => ({
    list, code, label_nl: nl, label_fr: fr, label_en: en, short_nl: nl, sort_order: i + 1,
  }))).execute();
}
