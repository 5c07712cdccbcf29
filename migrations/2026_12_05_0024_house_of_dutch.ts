/**
 * The House of Dutch's own workflow (issue 14). Frozen in time.
 *
 * - A language intake: the House receives a person (by INSZ, whether or not an agency follows the
 *   person), with who sent the person and the House's office. The intake makes the person a client
 *   of the House (its territory), and opens the steps that follow it: the placement test, the
 *   advice, and the placement on a course or on the House's waiting list.
 * - The advice says what the House advises in the terms a course provider places by: the level to
 *   aim for, the course type and the intensity, next to the kind of course (advice_type).
 * - A course has a number of places, so the House sees the next free places for its queue.
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
    CREATE TABLE language_intakes (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id    uuid NOT NULL REFERENCES persons(id),
      house_id     uuid NOT NULL REFERENCES organisations(id),
      office_id    uuid REFERENCES offices(id),
      intake_on    date NOT NULL,
      referred_by  text,
      remarks      text CHECK (length(remarks) <= 2000),
      ${STANDARD}
    );
    COMMENT ON TABLE language_intakes IS 'Intake at a House of Dutch (Huis van het Nederlands): the start of the language path that leads to a placement test, an advice and a place on a course or on the House''s waiting list.';
    COMMENT ON COLUMN language_intakes.referred_by IS 'Who sent the person (code list intake_referrer); null: not known.';
    SELECT kbi_keep_history_of('language_intakes');
    CREATE INDEX language_intakes_person ON language_intakes (person_id);
    CREATE INDEX language_intakes_house ON language_intakes (house_id, intake_on);
    CREATE INDEX language_intakes_history_person ON language_intakes_history (person_id, sys_from);
    ${dossierTriggers('language_intakes')}

    ${addColumn('advice', 'advised_level', 'text')}
    ${addColumn('advice', 'course_type', 'text')}
    ${addColumn('advice', 'intensity', 'text')}
    ${addColumn('advice', 'intake_id', 'uuid', 'language_intakes(id)')}
    COMMENT ON COLUMN advice.advised_level IS 'The level the advice aims at (code list cefr_level).';
    COMMENT ON COLUMN advice.course_type IS 'The course type advised (code list course_type, NT2 for a House of Dutch).';
    COMMENT ON COLUMN advice.intensity IS 'The intensity advised (code list course_intensity).';
    COMMENT ON COLUMN advice.intake_id IS 'The House of Dutch intake the advice came from.';

    ${addColumn('courses', 'places', 'integer CHECK (places >= 0 AND places <= 1000)')}
    COMMENT ON COLUMN courses.places IS 'How many learners the course takes; null: not given (no free places are shown for it).';
    CREATE INDEX waiting_list_entries_office ON waiting_list_entries (office_id, status, applied_on);
    CREATE INDEX enrolments_course ON enrolments (course_id);

    INSERT INTO code_list (list, code, label_nl, label_fr, label_en, sort_order, attributes) VALUES
      ('intake_referrer', 'AGENCY', 'Onthaalbureau (agentschap)', 'Bureau d''accueil (agence)', 'Reception office (agency)', 1, '{}'),
      ('intake_referrer', 'OCMW', 'OCMW', 'CPAS', 'Public social welfare centre (OCMW)', 2, '{}'),
      ('intake_referrer', 'VDAB', 'VDAB', 'VDAB', 'VDAB (employment service)', 3, '{}'),
      ('intake_referrer', 'SCHOOL', 'School of centrum voor volwassenenonderwijs', 'École ou centre d''enseignement pour adultes', 'School or adult-education centre', 4, '{}'),
      ('intake_referrer', 'OWN_INITIATIVE', 'Op eigen initiatief', 'De sa propre initiative', 'On their own initiative', 5, '{}'),
      ('intake_referrer', 'OTHER', 'Andere', 'Autre', 'Other', 6, '{}'),
      ('course_intensity', 'EXTENSIEF', 'Extensief (tot 4 lesuren per week)', 'Extensif (jusqu''à 4 heures de cours par semaine)', 'Extensive (up to 4 hours a week)', 1, '{"hoursPerWeek": [1, 4]}'),
      ('course_intensity', 'SEMI_INTENSIEF', 'Semi-intensief (5 tot 9 lesuren per week)', 'Semi-intensif (5 à 9 heures de cours par semaine)', 'Semi-intensive (5 to 9 hours a week)', 2, '{"hoursPerWeek": [5, 9]}'),
      ('course_intensity', 'INTENSIEF', 'Intensief (10 of meer lesuren per week)', 'Intensif (10 heures de cours ou plus par semaine)', 'Intensive (10 or more hours a week)', 3, '{"hoursPerWeek": [10, 40]}')
    ON CONFLICT (list, code) DO NOTHING;
  `,
    )
    .execute(db);
}
