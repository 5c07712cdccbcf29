/**
 * The referral loop and the partners' pull feed. Frozen in time.
 *
 * A referral (toeleiding, seed 003 §59) or an appointment request must close its loop: the
 * agency's decision, an expiry and each step of an appointment are written as an event for the
 * partner that asked, in the same transaction as the change itself (a transactional outbox). A
 * partner reads its events in order through the pull feed (`GET /api/exchange/v1/events`); a
 * webhook dispatcher (a later issue) reads the same table, keeping its own cursor and delivery log
 * per subscription in tables of its own, so that this one stays append-only.
 *
 * The sequence number is given by a trigger under a one-row head (as the audit chain does, 0010),
 * not by a plain sequence: a sequence hands out numbers in the order transactions *start* their
 * insert, and two of them may commit in the other order, so a reader that asked "after 41" just
 * before 41 committed but after 42 had would never see 41. Under the head's row lock a number is
 * taken only when every lower number has committed or rolled back: seq order is commit order, with
 * no gaps, and "after N" is an exact cursor. Each event also sends NOTIFY kbi_outbox at commit,
 * so that a dispatcher need not poll.
 *
 * Also: the reasons an agency gives for its decision on a referral (code list
 * referral_decision_reason), and the reason an appointment was cancelled.
 */
import { sql, type Kysely } from 'kysely';

type Label = [code: string, nl: string, fr: string, en: string, decision: 'ACCEPTED' | 'REJECTED'];

// Invented (domain-rules §5.2: MAGDA's toeleiding service names no decision reasons); meaning from the
// agencies' task: a referral is accepted when the person can start, refused when the agency cannot take it up.
const DECISION_REASONS: Label[] = [
  ['AANGEMELD', 'Persoon aangemeld voor een inburgeringstraject', "Personne inscrite à un parcours d'intégration civique", 'Person registered for a civic-integration trajectory', 'ACCEPTED'],
  ['INTAKE_GEPLAND', 'Intakegesprek gepland', "Entretien d'accueil planifié", 'Intake interview planned', 'ACCEPTED'],
  ['NIET_DOELGROEP', 'Behoort niet tot de doelgroep inburgering', "N'appartient pas au groupe cible de l'intégration civique", 'Not in the civic-integration target group', 'REJECTED'],
  ['REEDS_IN_TRAJECT', 'Volgt al een inburgeringstraject', "Suit déjà un parcours d'intégration civique", 'Already follows a civic-integration trajectory', 'REJECTED'],
  ['ANDER_AGENTSCHAP', 'Een ander agentschap is bevoegd (woonplaats)', 'Une autre agence est compétente (domicile)', 'Another agency is competent (place of residence)', 'REJECTED'],
  ['ONBEREIKBAAR', 'Persoon niet bereikbaar', 'Personne injoignable', 'Person cannot be reached', 'REJECTED'],
  ['DUBBEL', 'Dubbele toeleiding', 'Orientation en double', 'Duplicate referral', 'REJECTED'],
  ['ANDERE', 'Andere', 'Autre', 'Other', 'REJECTED'],
];

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    INSERT INTO code_list (list, code, label_nl, label_fr, label_en, sort_order, attributes) VALUES
      ${DECISION_REASONS.map(([code, nl, fr, en, decision], i) =>
        `('referral_decision_reason', ${quote(code)}, ${quote(nl)}, ${quote(fr)}, ${quote(en)}, ${i + 1}, '{"decision": "${decision}", "source": "invented; domain-rules §5.2"}')`).join(',\n      ')}
    ON CONFLICT (list, code) DO NOTHING;

    CREATE TABLE outbox_head (
      id   integer PRIMARY KEY CHECK (id = 1),
      seq  bigint NOT NULL
    );
    COMMENT ON TABLE outbox_head IS 'Last sequence number of outbox_events; kept by trigger kbi_outbox_seq only.';
    INSERT INTO outbox_head (id, seq) VALUES (1, 0);

    CREATE TABLE outbox_events (
      seq              bigint PRIMARY KEY,
      at               timestamptz NOT NULL DEFAULT clock_timestamp(),
      organisation_id  uuid NOT NULL REFERENCES organisations(id),
      type             text NOT NULL CHECK (type ~ '^[a-z]+\\.[a-z]+$'),
      subject_id       uuid NOT NULL,
      person_id        uuid REFERENCES persons(id),
      payload          jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
      recorded_by      text NOT NULL DEFAULT current_setting('kbi.actor'),
      request_id       text
    );
    COMMENT ON TABLE outbox_events IS 'Transactional outbox: one event per change a partner must learn of, written in the transaction of the change; read by the partner pull feed and by webhook dispatchers. Append-only.';
    COMMENT ON COLUMN outbox_events.seq IS 'Gapless, in commit order (trigger kbi_outbox_seq under outbox_head): the cursor of the pull feed.';
    COMMENT ON COLUMN outbox_events.organisation_id IS 'The recipient: the partner that referred the person or requested the appointment.';
    COMMENT ON COLUMN outbox_events.type IS 'referral.decided, referral.expired, appointment.planned, appointment.held, appointment.cancelled.';
    COMMENT ON COLUMN outbox_events.subject_id IS 'The referral or appointment the event is about.';
    COMMENT ON COLUMN outbox_events.person_id IS 'The person concerned, for retention and the privacy report; never sent to the partner.';
    COMMENT ON COLUMN outbox_events.payload IS 'Ids, status, codes and dates only: never a name, an INSZ or free text.';
    CREATE INDEX outbox_events_recipient ON outbox_events (organisation_id, seq);
    CREATE INDEX outbox_events_person ON outbox_events (person_id);

    -- SECURITY DEFINER: the application's role adds events but cannot touch the head.
    CREATE FUNCTION kbi_outbox_seq() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE last_seq bigint;
    BEGIN
      SELECT seq INTO last_seq FROM outbox_head WHERE id = 1 FOR UPDATE;
      NEW.seq := last_seq + 1;
      NEW.at := clock_timestamp();
      UPDATE outbox_head SET seq = NEW.seq WHERE id = 1;
      PERFORM pg_notify('kbi_outbox', NEW.seq::text);
      RETURN NEW;
    END $$;
    CREATE TRIGGER outbox_events_seq BEFORE INSERT ON outbox_events FOR EACH ROW EXECUTE FUNCTION kbi_outbox_seq();

    -- Why an appointment was cancelled (free text, kept with the appointment; never in an event).
    ALTER TABLE appointments ADD COLUMN cancellation_reason text CHECK (length(cancellation_reason) <= 500);
    ALTER TABLE appointments_history ADD COLUMN cancellation_reason text;
    COMMENT ON COLUMN appointments.cancellation_reason IS 'Why the agency cancelled the appointment (optional).';

    -- The agencies' worklists.
    CREATE INDEX referrals_worklist ON referrals (to_id, status, respond_by);
    CREATE INDEX referrals_from ON referrals (from_id, referred_on);
    CREATE INDEX referrals_overdue ON referrals (respond_by) WHERE status = 'SENT';
    CREATE INDEX appointments_status ON appointments (status, wished_date);

    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE ALL ON outbox_head FROM kbi_app;
        REVOKE UPDATE, DELETE, TRUNCATE ON outbox_events FROM kbi_app;
      END IF;
    END $$;
  `).execute(db);
}
