/**
 * Retention (issue 17; seed 003 §68–70): how long KBI keeps each kind of data, as data with its
 * legal basis, and what the purge needs to act on it. Frozen in time.
 *
 * - `retention_rules`: one rule per data cluster (the records of a person), per partner copy (what
 *   KBI holds for a partner: its integration register rows and its change notices about the person)
 *   and per log (the audit trail, the partners' look-ups, the change notices, the replayed answers).
 *   A rule says from which date its term counts, how long it is, what happens after it (DELETE or
 *   ANONYMISE), and on what legal basis. Versioned like every table: which rule held when stays known.
 *   The seeds name no number of years except for the logging of consultations (10 years,
 *   domain-rules §5.5); `term_source` says where each number comes from.
 * - `persons.anonymised_on`: the day the purge anonymised the person's identity (the statistical
 *   attributes stay, so recomputed statistics do not move).
 * - `retention_runs`: every purge that changed something (the scheduled one at most once a day):
 *   when, for which day, how many persons, counts per cluster and log — never personal data.
 * - The audit trail may lose rows past its own term, and still verify: the purge removes a lane's
 *   oldest rows only after writing, in the same transaction, an audit row that names the last
 *   removed row of each lane (a checkpoint, kept in `audit_chain_checkpoints`). `kbi audit verify`
 *   then starts each lane from its checkpoint. The delete trigger lets through only rows a
 *   checkpoint covers, under the purge switch `kbi.purge`; nothing ever changes an audit row.
 * - The DISCIMUS queries are a log, like the VMSW checks: they keep the person's id without a
 *   foreign key, so that they live their own term when a dossier goes.
 */
import { sql, type Kysely } from 'kysely';

const STANDARD = `
      version      integer     NOT NULL DEFAULT 1,
      valid_from   timestamptz NOT NULL DEFAULT now(),
      sys_from     timestamptz NOT NULL DEFAULT now(),
      sys_to       timestamptz CHECK (sys_to IS NULL),
      recorded_by  text        NOT NULL DEFAULT current_setting('kbi.actor'),
      ended_by     text`;

/** The clusters that are tables of their own in clusters.ts (trajectoryOffice and sanctioningPartner are columns of trajectories). */
const CLUSTERS = [
  'personalia', 'caseLead', 'languages', 'contracts', 'certificates', 'registration', 'targetGroup', 'level', 'advice', 'perspective',
  'trajectories', 'components', 'componentSuspensions', 'courses', 'diplomaRecognition', 'conversations', 'invitations', 'appointments',
  'referrals', 'infringements', 'dvzAdvice', 'housingRequirement',
];

const WVP = 'Art. 4, §1, 5° WVP (thans art. 5.1.e AVG): persoonsgegevens niet langer bewaren dan nodig voor de doeleinden waarvoor ze verkregen zijn (seed 003 §68).';
const STATISTICS = 'Wat overblijft identificeert niemand meer en dient enkel de stabiele statistieken (seed 000 §6; art. 89 AVG).';
const CHOICE = 'KBI-keuze: de seeds noemen geen termijn; te bevestigen door de veiligheidsconsulent.';

type Rule = [id: string, cluster: string, from: string, months: number, action: 'DELETE' | 'ANONYMISE', basis: string, source: string];

// The dossier: identity and the facts the statistics count are anonymised 10 years after the last
// dated fact (the integration certificate serves as proof of integration for years: nationality,
// residence); what only supports the trajectory is deleted earlier; free text earliest.
const CLUSTER_RULES: Rule[] = [
  ['personalia', 'personalia', 'LAST_ACTIVITY', 120, 'ANONYMISE', `${WVP} ${STATISTICS} Het attest dient jaren als bewijs van inburgering (nationaliteit, verblijf).`, CHOICE],
  ...(['caseLead', 'invitations', 'targetGroup', 'registration', 'contracts', 'certificates', 'trajectories', 'components', 'componentSuspensions', 'courses', 'level', 'infringements'].map(
    (c): Rule => [c, c, 'LAST_ACTIVITY', 120, 'ANONYMISE', `${WVP} ${STATISTICS}`, CHOICE],
  )),
  ['languages', 'languages', 'LAST_ACTIVITY', 120, 'DELETE', WVP, CHOICE],
  ['dvz-advice', 'dvzAdvice', 'LAST_ACTIVITY', 120, 'DELETE', WVP, CHOICE],
  ['housing-requirement', 'housingRequirement', 'LAST_ACTIVITY', 120, 'DELETE', WVP, CHOICE],
  ['advice', 'advice', 'CERTIFICATE', 60, 'DELETE', `${WVP} Adviezen dienen het traject; na het attest (of het einde van het traject) niet meer nodig.`, CHOICE],
  ['perspective', 'perspective', 'CERTIFICATE', 60, 'DELETE', `${WVP} Het perspectief dient het traject; na het attest (of het einde van het traject) niet meer nodig.`, CHOICE],
  ['diploma-recognition', 'diplomaRecognition', 'CERTIFICATE', 60, 'DELETE', `${WVP} De ondersteuning dient het traject; na het attest (of het einde van het traject) niet meer nodig.`, CHOICE],
  ['conversations', 'conversations', 'TRAJECTORY_END', 24, 'DELETE', `${WVP} Vrije tekst: niet meer bewaren dan strikt nodig (seed 003 §55, §61 17°).`, CHOICE],
  ['appointments', 'appointments', 'LAST_ACTIVITY', 24, 'DELETE', `${WVP} Een afspraak op vraag van een partner is afgehandeld zodra ze gehouden of geannuleerd is (seed 002 §2.1).`, CHOICE],
  ['referrals', 'referrals', 'LAST_ACTIVITY', 24, 'DELETE', `${WVP} Een toeleiding is afgehandeld met de beslissing of het verval (seed 003 §59).`, CHOICE],
];

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE retention_rules (
      id            text PRIMARY KEY CHECK (id ~ '^[a-z][a-zA-Z0-9-]{1,60}$'),
      subject       text NOT NULL CHECK (subject IN ('CLUSTER', 'PARTNER_COPY', 'LOG')),
      cluster       text CHECK (cluster IN (${CLUSTERS.map(q).join(', ')})),
      partner_kind  text,
      log_kind      text CHECK (log_kind IN ('AUDIT_TRAIL', 'EXCHANGE_LOOKUPS', 'PARTNER_EVENTS', 'REPLAYED_ANSWERS')),
      starts_from   text NOT NULL CHECK (starts_from IN ('LAST_ACTIVITY', 'TRAJECTORY_END', 'CERTIFICATE', 'INTEGRATION_END', 'RECORDED')),
      term_months   integer NOT NULL CHECK (term_months BETWEEN 1 AND 1200),
      action        text NOT NULL CHECK (action IN ('DELETE', 'ANONYMISE')),
      legal_basis   text NOT NULL CHECK (length(legal_basis) BETWEEN 3 AND 2000),
      term_source   text NOT NULL CHECK (length(term_source) BETWEEN 3 AND 500),
      ${STANDARD},
      CHECK ((subject = 'CLUSTER') = (cluster IS NOT NULL)),
      CHECK ((subject = 'LOG') = (log_kind IS NOT NULL)),
      CHECK (subject = 'PARTNER_COPY' OR partner_kind IS NULL),
      CHECK ((subject = 'LOG') = (starts_from = 'RECORDED')),
      CHECK ((subject = 'PARTNER_COPY') = (starts_from = 'INTEGRATION_END')),
      CHECK (subject = 'CLUSTER' OR action = 'DELETE')
    );
    COMMENT ON TABLE retention_rules IS 'Bewaartermijnen (seed 003 §68–70): per data cluster, per partner copy and per log, from which date the term counts, how many months, what happens after it (DELETE or ANONYMISE) and the legal basis. The purge (kbi purge, the worker) applies them.';
    COMMENT ON COLUMN retention_rules.cluster IS 'CLUSTER rules: the data cluster (clusters.ts) whose records of a person the rule covers; one rule per cluster.';
    COMMENT ON COLUMN retention_rules.partner_kind IS 'PARTNER_COPY rules: the organisation kind whose copy it is (its integration register rows and change notices about the person); null: every kind without a rule of its own.';
    COMMENT ON COLUMN retention_rules.log_kind IS 'LOG rules: AUDIT_TRAIL (audit_log, every access incl. MAGDA consultations), EXCHANGE_LOOKUPS (VMSW checks, DISCIMUS queries), PARTNER_EVENTS (outbox events, delivery attempts, dead letters), REPLAYED_ANSWERS (idempotency_keys).';
    COMMENT ON COLUMN retention_rules.starts_from IS 'From which date the term counts: LAST_ACTIVITY (the latest dated fact of the dossier; none while a partner has the person integrated), TRAJECTORY_END (the end of the last trajectory, none while one runs), CERTIFICATE (the integration certificate, else the trajectory end), INTEGRATION_END (the end of the partner''s integration), RECORDED (when a log row was written).';
    COMMENT ON COLUMN retention_rules.action IS 'DELETE: the records and their history go. ANONYMISE: the records stay without what identifies the person (identity, free text, external numbers), in their history too.';
    COMMENT ON COLUMN retention_rules.term_source IS 'Where the number of months comes from.';
    SELECT kbi_keep_history_of('retention_rules');
    CREATE UNIQUE INDEX retention_rules_cluster ON retention_rules (cluster) WHERE subject = 'CLUSTER';
    CREATE UNIQUE INDEX retention_rules_log ON retention_rules (log_kind) WHERE subject = 'LOG';
    CREATE UNIQUE INDEX retention_rules_partner ON retention_rules (coalesce(partner_kind, '*')) WHERE subject = 'PARTNER_COPY';

    SELECT set_config('kbi.actor', 'system:migration', true);
    INSERT INTO retention_rules (id, subject, cluster, starts_from, term_months, action, legal_basis, term_source) VALUES
      ${CLUSTER_RULES.map(([id, c, from, months, action, basis, source]) => `(${q(id)}, 'CLUSTER', ${q(c)}, ${q(from)}, ${months}, ${q(action)}, ${q(basis)}, ${q(source)})`).join(',\n      ')};
    INSERT INTO retention_rules (id, subject, partner_kind, starts_from, term_months, action, legal_basis, term_source) VALUES
      ('partner-copy-ocmw', 'PARTNER_COPY', 'OCMW', 'INTEGRATION_END', 12, 'DELETE',
       ${q('Seed 003 §69–70: de OCMW bewaren de gegevens niet langer dan nodig om te beoordelen of aan de activeringsverplichtingen is voldaan (bv. tot het attest); §102: maatregelen om de bewaartermijn te beperken. KBI wist wat het voor het OCMW bijhoudt (de integratie in zijn register en de wijzigingsberichten over de persoon) een jaar na het einde van die integratie; het OCMW-dossier zelf valt onder de termijn van het OCMW.')},
       ${q('KBI-keuze binnen seed 003 §70 (één jaar om de laatste opvolging af te ronden); te bevestigen door de veiligheidsconsulent.')}),
      ('partner-copy', 'PARTNER_COPY', NULL, 'INTEGRATION_END', 12, 'DELETE',
       ${q(`${WVP} Wat KBI voor een partner bijhoudt (integratie en wijzigingsberichten) dient enkel zolang de partner de persoon opvolgt.`)}, ${q(CHOICE)});
    INSERT INTO retention_rules (id, subject, log_kind, starts_from, term_months, action, legal_basis, term_source) VALUES
      ('audit-trail', 'LOG', 'AUDIT_TRAIL', 'RECORDED', 120, 'DELETE',
       ${q('Loggingplicht: wie raadpleegde welke persoonsgegevens, wanneer en waarom (seed 003 §76, SPEC "every party keeps logs"); MAGDA-raadplegingen worden wettelijk 10 jaar bewaard, 6 maanden online en 9,5 jaar gearchiveerd (domain-rules §5.5). De hele keten volgt de langste termijn.')},
       ${q('domain-rules §5.5 (Auditregister MAGDA): 10 jaar.')}),
      ('exchange-lookups', 'LOG', 'EXCHANGE_LOOKUPS', 'RECORDED', 120, 'DELETE',
       ${q('Elke VMSW-controle en elke DISCIMUS-vraag met haar antwoord wordt bijgehouden om ze te kunnen tellen en opvolgen (seed 000 antwoorden 2 en 5); zoals de logging van raadplegingen.')},
       ${q('Zoals de logging van raadplegingen (domain-rules §5.5): 10 jaar.')}),
      ('partner-events', 'LOG', 'PARTNER_EVENTS', 'RECORDED', 24, 'DELETE',
       ${q(`${WVP} Wijzigingsberichten dragen geen persoonsgegevens, enkel de koppeling aan de persoon; twee jaar volstaat om een partner te laten bijlezen en leveringen te onderzoeken.`)},
       ${q(CHOICE)}),
      ('replayed-answers', 'LOG', 'REPLAYED_ANSWERS', 'RECORDED', 1, 'DELETE',
       ${q(`${WVP} Het antwoord op een aanvraag met Idempotency-Key kan persoonsgegevens bevatten en dient enkel om een herhaalde aanvraag (binnen minuten) hetzelfde antwoord te geven.`)},
       ${q(CHOICE)});

    ALTER TABLE persons ADD COLUMN anonymised_on date;
    ALTER TABLE persons_history ADD COLUMN anonymised_on date;
    COMMENT ON COLUMN persons.anonymised_on IS 'The day the purge anonymised the person (retention rule personalia): no name, INSZ, birth date or address any more; gender, nationality, residence status, province and first extraction date stay for the statistics.';

    CREATE TABLE retention_runs (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      today        date NOT NULL,
      started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
      finished_at  timestamptz,
      persons      integer NOT NULL DEFAULT 0 CHECK (persons >= 0),
      failed       integer NOT NULL DEFAULT 0 CHECK (failed >= 0),
      summary      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(summary) = 'object'),
      error        text CHECK (length(error) <= 2000),
      started_by   text NOT NULL
    );
    COMMENT ON TABLE retention_runs IS 'Every purge run: the day it applied the rules for, how many persons it changed (and failed on), rows per cluster and log; never personal data. The scheduled purge runs once a day.';
    CREATE INDEX retention_runs_today ON retention_runs (today, started_at);

    CREATE TABLE audit_chain_checkpoints (
      lane       smallint NOT NULL CHECK (lane BETWEEN 0 AND 15),
      seq        bigint NOT NULL CHECK (seq >= 1),
      hash       text NOT NULL,
      removed    bigint NOT NULL CHECK (removed >= 0),
      anchor_id  bigint NOT NULL,
      at         timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (lane, anchor_id)
    );
    COMMENT ON TABLE audit_chain_checkpoints IS 'Where each lane of the audit chain starts after the purge removed rows past the trail''s term: the last removed row''s seq and hash, and the audit row (anchor_id, action retention.auditTrimmed) that names them in the chain. kbi audit verify starts each lane from its latest checkpoint. Append-only.';
    CREATE INDEX audit_chain_checkpoints_seq ON audit_chain_checkpoints (lane, seq);
    CREATE FUNCTION kbi_checkpoints_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit chain checkpoints cannot be changed or deleted' USING ERRCODE = '42501';
    END $$;
    CREATE TRIGGER audit_chain_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_chain_checkpoints
      FOR EACH ROW EXECUTE FUNCTION kbi_checkpoints_are_append_only();

    -- Nothing ever changes an audit row. A purge (kbi.purge on, as the owner: the application role
    -- may not delete audit rows) removes rows past the term, and only rows a checkpoint of their lane covers.
    CREATE OR REPLACE FUNCTION kbi_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND current_setting('kbi.purge', true) = 'on'
         AND EXISTS (SELECT 1 FROM audit_chain_checkpoints c WHERE c.lane = OLD.lane AND c.seq >= OLD.seq) THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'audit rows cannot be changed or deleted' USING ERRCODE = '42501';
    END $$;

    ALTER TABLE discimus_queries DROP CONSTRAINT discimus_queries_person_id_fkey;
    COMMENT ON COLUMN discimus_queries.person_id IS 'The person asked about (no foreign key: the log lives its own term, like the VMSW checks and the audit trail).';

    -- The purge finds the persons's rows in the logs, and the old rows of the logs, by these.
    CREATE INDEX outbox_events_at ON outbox_events (at);
    CREATE INDEX notification_attempts_at ON notification_attempts (at);
    CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
    CREATE INDEX discimus_queries_asked ON discimus_queries (asked_at);
    CREATE INDEX language_requirement_checks_checked ON language_requirement_checks (checked_at);

    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON retention_rules, retention_runs, audit_chain_checkpoints FROM kbi_app;
        GRANT SELECT ON retention_rules, retention_runs, audit_chain_checkpoints TO kbi_app;
      END IF;
    END $$;
  `,
    )
    .execute(db);
}
