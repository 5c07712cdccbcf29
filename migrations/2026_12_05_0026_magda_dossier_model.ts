/**
 * A model that holds every element of a MAGDA GeefDossierKBI-01.00 answer (issue 15). Frozen in time.
 *
 * The real KBI's dossiers, as its MAGDA service answers them, hold facts ours had no place for or
 * refused. So that a dossier exported by a legacy system can be imported and answered again as it
 * was, without losing an element:
 *
 * - A contract known only by its registration (`Contract/DatumRegistratie`): the signing date and
 *   the kind (mother or takeover) may be unknown.
 * - A person's nationality may be unknown: a KBI 01.00 dossier does not carry it (the screens and the
 *   API still demand it).
 * - The person's creator is an office (`Personalia/AangemaaktDoor/KbiNummer`), next to its
 *   organisation's KBO number.
 * - The trajectory's managing office has its own start (`Beheerder/Periode`), and a decision its
 *   reason in a short and a long description (`Besluit/Reden@KorteNaam`, `@Naam`).
 * - The client's preferred lesson moments hold from a date (`VoorkeurLesMoment/PeriodeGeldigheid`).
 * - An adult-education centre is known by its Davinci institution number
 *   (`NT2Cursus/Centrum/DavinciInstellingsNummer`), the key of the Flemish education register.
 * - An advice can arrive without its date and code, described as its sender wrote it (`Adviezen/HvN`
 *   with KorteNaam and Naam).
 * - An infringement of KBI 01.00 carries a numeric type (`Inbreuk/Type`) of a table that was never
 *   published; it is kept as it came, beside the type of seed 004 table 10 that KBI gives it itself,
 *   and the rectification form (`RechtzettingsFormulier`) has a place.
 * - A certificate keeps the class of its document (`Document/Soort`, ATTEST).
 * - A course-feed or import batch can be a file of dossiers in this format.
 */
import { sql, type Kysely } from 'kysely';

/** Adds a column to a table and, at the same position, to its history twin (the history trigger copies rows positionally). */
const addColumn = (table: string, column: string, type: string, references?: string) => `
    ALTER TABLE ${table} ADD COLUMN ${column} ${type}${references ? ` REFERENCES ${references}` : ''};
    ALTER TABLE ${table}_history ADD COLUMN ${column} ${type.replace(/ CHECK .*/, '')};`;

const dropNotNull = (table: string, column: string) => `
    ALTER TABLE ${table} ALTER COLUMN ${column} DROP NOT NULL;
    ALTER TABLE ${table}_history ALTER COLUMN ${column} DROP NOT NULL;`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `
    ${dropNotNull('contracts', 'signed_on')}
    ${dropNotNull('contracts', 'kind')}
    COMMENT ON COLUMN contracts.signed_on IS 'Day the contract was signed; null: not known (a contract imported from KBI 01.00 with only its registration date).';
    COMMENT ON COLUMN contracts.kind IS 'Mother or takeover contract (code list contract_kind); null: not known.';

    ${dropNotNull('persons', 'nationality')}
    COMMENT ON COLUMN persons.nationality IS 'Nationality (code list nationality); null: not known (a dossier imported from KBI 01.00, which does not carry it). The screens and the API demand it.';
    ${addColumn('persons', 'created_by_office_id', 'uuid', 'offices(id)')}
    ${addColumn('persons', 'created_by_kbo', "text CHECK (created_by_kbo ~ '^[0-9]{10}$')")}
    COMMENT ON COLUMN persons.created_by_kbo IS 'KBO number (enterprise or establishment unit) of the creator as the source gave it (MAGDA Personalia/AangemaaktDoor/KboNummer); null: its organisation''s.';
    COMMENT ON COLUMN persons.created_by_office_id IS 'The office (KBI-vestiging) that created the person in KBI (MAGDA Personalia/AangemaaktDoor/KbiNummer).';

    ${addColumn('trajectories', 'managed_since', 'date')}
    ${addColumn('trajectories', 'decision_reason_short', 'text CHECK (length(decision_reason_short) <= 25)')}
    ${addColumn('trajectory_components', 'decision_reason_short', 'text CHECK (length(decision_reason_short) <= 25)')}
    COMMENT ON COLUMN trajectories.managed_since IS 'Since when the managing office manages the trajectory (MAGDA Beheerder/Periode/Begin); null: since the start.';
    COMMENT ON COLUMN trajectories.decision_reason_short IS 'Short form (at most 25 characters) of the decision reason (MAGDA Besluit/Reden@KorteNaam); decision_reason holds the long form.';
    COMMENT ON COLUMN trajectory_components.decision_reason_short IS 'Short form (at most 25 characters) of the decision reason (MAGDA Besluit/Reden@KorteNaam); decision_reason holds the long form.';

    ${addColumn('client_preferences', 'lesson_moments_valid_from', 'date')}
    COMMENT ON COLUMN client_preferences.lesson_moments_valid_from IS 'From when the preferred lesson moments hold (MAGDA VoorkeurLesMoment/PeriodeGeldigheid/Begin).';

    ${addColumn('organisations', 'davinci_number', "text CHECK (davinci_number ~ '^[0-9]{1,10}$')")}
    CREATE UNIQUE INDEX organisations_davinci ON organisations (davinci_number) WHERE davinci_number IS NOT NULL;
    COMMENT ON COLUMN organisations.davinci_number IS 'Institution number in Davinci, the Flemish education register (adult-education centres; MAGDA NT2Cursus/Centrum/DavinciInstellingsNummer).';

    ${dropNotNull('advice', 'advice_type')}
    ${dropNotNull('advice', 'given_on')}
    ${addColumn('advice', 'label_short', 'text CHECK (length(label_short) <= 25)')}
    ${addColumn('advice', 'label', 'text CHECK (length(label) <= 200)')}
    ALTER TABLE advice ADD CONSTRAINT advice_typed_or_described CHECK (advice_type IS NOT NULL OR label IS NOT NULL);
    COMMENT ON COLUMN advice.label_short IS 'The advice as its sender described it, short form (MAGDA Adviezen/HvN@KorteNaam), for an advice that came without a code.';
    COMMENT ON COLUMN advice.label IS 'The advice as its sender described it (MAGDA Adviezen/HvN@Naam), for an advice that came without a code.';

    ${dropNotNull('infringements', 'type')}
    ${addColumn('infringements', 'kbi_type', "text CHECK (kbi_type ~ '^[0-9]{1,9}$')")}
    ${addColumn('infringements', 'rectification_form', 'text CHECK (length(rectification_form) <= 200)')}
    ALTER TABLE infringements ADD CONSTRAINT infringements_typed CHECK (type IS NOT NULL OR kbi_type IS NOT NULL);
    COMMENT ON COLUMN infringements.kbi_type IS 'The numeric infringement type of KBI 01.00 (MAGDA Inbreuk/Type), kept as it came: its table was never published.';
    COMMENT ON COLUMN infringements.rectification_form IS 'Reference of the rectification form (MAGDA Inbreuk/RechtzettingsFormulier); empty string: the element came empty.';

    ${addColumn('certificates', 'document_class', "text CHECK (document_class ~ '^[A-Z_]{1,20}$')")}
    COMMENT ON COLUMN certificates.document_class IS 'The class of the document (MAGDA BehaaldeAttesten/Document/Soort, e.g. ATTEST).';

    ALTER TABLE import_batches DROP CONSTRAINT import_batches_kind_check;
    ALTER TABLE import_batches ADD CONSTRAINT import_batches_kind_check CHECK (kind IN ('participations', 'enrolments', 'magda-dossiers'));
    ALTER TABLE import_batches DROP CONSTRAINT import_batches_format_check;
    ALTER TABLE import_batches ADD CONSTRAINT import_batches_format_check CHECK (format IN ('csv', 'ndjson', 'xml'));
  `,
    )
    .execute(db);
}
