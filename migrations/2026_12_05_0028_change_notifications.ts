/**
 * Change notifications that are never lost (issue 16): the invalidation of a partner's view of a
 * dossier (MAGDA's InvalidatieKBIDossier, seed 003 §58) as an outbox event, and the relay's own
 * tables for pushing the outbox to partners' webhooks. Frozen in time.
 *
 * - Routing at change time. The statement-level dossier triggers of 0016 (every dossier table and
 *   `persons`) now also write, in the transaction of the change, one `dossier.invalidated` event
 *   per recipient partner: a partner that holds an integration of the person today (its
 *   integration register, 0008: for an OCMW under capacity codes 1–9, the living wage) and an
 *   authorisation that holds today for that integration's capacity code and names a changed
 *   cluster. The event names the person by the id of the partner's own integration record, lists
 *   the changed clusters it is authorised for, and stores no INSZ and no name. Several statements
 *   of one transaction about the same person give one event (the clusters are merged): the
 *   transaction holds the outbox head from its first event until commit, so every event from that
 *   sequence number on is its own (transaction setting kbi.outbox_from).
 * - `dossier_table_clusters`: which clusters a change of each dossier table touches (from
 *   clusters.ts; a trajectory carries its office and sanctioning partner, seed 003 §61 11–12).
 *   A later dossier table adds its row with its triggers; a change of a table without one fails.
 * - `outbox_events.event_id`: a stable id per event, sent with every delivery, so a partner
 *   recognises a duplicate of at-least-once delivery.
 * - `notification_endpoints`: a partner's webhook (URL, signing secret, push/pull/both) and the
 *   relay's state for it: the cursor (every event of the partner up to it is delivered or dead),
 *   the event being retried, the next attempt, the lease of the worker that holds it, and its
 *   failing streak. `notification_attempts`: every delivery attempt (time, status, latency),
 *   append-only. `notification_dead_letters`: events given up after the retry period, and their
 *   replay.
 */
import { sql, type Kysely } from 'kysely';

/** The dossier tables with the 0016 triggers in 2026-12, and the clusters a change of each touches. */
const TABLE_CLUSTERS: [string, string[]][] = [
  ['persons', ['personalia']],
  ['dossiers', ['caseLead']],
  ['invitations', ['invitations']],
  ['target_group_determinations', ['targetGroup']],
  ['registrations', ['registration']],
  ['registration_postponements', ['registration']],
  ['signing_postponements', ['contracts']],
  ['contracts', ['contracts']],
  ['contract_addenda', ['contracts']],
  ['contract_parts', ['contracts']],
  ['contract_suspensions', ['contracts']],
  ['certificates', ['certificates']],
  ['trajectories', ['trajectories', 'trajectoryOffice', 'sanctioningPartner']],
  ['trajectory_components', ['components']],
  ['component_suspensions', ['componentSuspensions']],
  ['enrolments', ['courses']],
  ['participations', ['courses']],
  ['waiting_list_entries', ['courses']],
  ['client_preferences', ['courses']],
  ['test_results', ['level']],
  ['level_attainments', ['level']],
  ['language_skills', ['languages']],
  ['literacy_assessments', ['languages']],
  ['language_intakes', ['advice']],
  ['advice', ['advice']],
  ['perspectives', ['perspective']],
  ['diploma_recognition_support', ['diplomaRecognition']],
  ['conversations', ['conversations']],
  ['appointments', ['appointments']],
  ['referrals', ['referrals']],
  ['infringement_cases', ['infringements']],
  ['infringements', ['infringements']],
  ['infringement_facts', ['infringements']],
  ['infringement_decisions', ['infringements']],
  ['living_wage_records', ['infringements']],
  ['dvz_advice', ['dvzAdvice']],
  ['housing_requirements', ['housingRequirement']],
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE outbox_events ADD COLUMN event_id uuid NOT NULL DEFAULT gen_random_uuid();
    COMMENT ON COLUMN outbox_events.event_id IS 'Stable id of the event, sent with every delivery: a duplicate (at-least-once) carries the same id.';
    CREATE UNIQUE INDEX outbox_events_event_id ON outbox_events (event_id);
    COMMENT ON COLUMN outbox_events.subject_id IS 'The referral, appointment or infringement case the event is about; for dossier.invalidated the recipient''s own integration record (how the partner knows the person).';
    COMMENT ON COLUMN outbox_events.type IS 'referral.decided, referral.expired, appointment.planned, appointment.held, appointment.cancelled, infringement.transferred, dossier.invalidated.';

    -- The routing looks integrations up by person.
    CREATE INDEX integrations_insz ON integrations (insz);

    CREATE TABLE dossier_table_clusters (
      table_name  text PRIMARY KEY,
      clusters    text[] NOT NULL CHECK (cardinality(clusters) > 0)
    );
    COMMENT ON TABLE dossier_table_clusters IS 'Which authorisation clusters a change of each dossier table touches (clusters.ts): the routing of dossier.invalidated events.';
    INSERT INTO dossier_table_clusters (table_name, clusters) VALUES
      ${TABLE_CLUSTERS.map(([t, c]) => `('${t}', ARRAY[${c.map((x) => `'${x}'`).join(', ')}])`).join(',\n      ')};

    -- The recipients of a change of these persons in table tbl, decided now, in the changing
    -- transaction: one dossier.invalidated event per partner and person (merged within a transaction).
    CREATE FUNCTION kbi_route_invalidation(changed uuid[], tbl text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
      today date := (now() AT TIME ZONE 'Europe/Brussels')::date;
      touched text[];
      since bigint := nullif(current_setting('kbi.outbox_from', true), '')::bigint;
      r record;
      added bigint;
    BEGIN
      IF changed IS NULL OR cardinality(changed) = 0 THEN RETURN; END IF;
      SELECT clusters INTO touched FROM dossier_table_clusters WHERE table_name = tbl;
      IF touched IS NULL THEN
        RAISE EXCEPTION 'dossier table % has no row in dossier_table_clusters: its changes could not be notified', tbl;
      END IF;
      FOR r IN
        SELECT i.organisation_id AS org, p.id AS person_id,
               (array_agg(i.id ORDER BY i.starts_on, i.id))[1] AS integration_id,
               array_agg(DISTINCT c ORDER BY c) AS clusters
          FROM (SELECT DISTINCT x FROM unnest(changed) x) ch(id)
          JOIN persons p ON p.id = ch.id
          JOIN integrations i ON i.insz = p.insz AND i.starts_on <= today AND (i.ends_on IS NULL OR i.ends_on >= today)
          JOIN organisations o ON o.id = i.organisation_id
          JOIN authorisations a ON (a.partner_organisation_id = o.id OR a.partner_kind = o.kind)
           AND a.starts_on <= today AND (a.ends_on IS NULL OR a.ends_on >= today)
           AND (cardinality(a.capacity_codes) = 0 OR i.capacity_code = ANY (a.capacity_codes))
          CROSS JOIN LATERAL unnest(a.clusters) c
         WHERE c = ANY (touched)
         GROUP BY i.organisation_id, p.id
         ORDER BY i.organisation_id, p.id
      LOOP
        IF since IS NOT NULL THEN
          UPDATE outbox_events e
             SET payload = jsonb_set(e.payload, '{clusters}',
                   (SELECT jsonb_agg(DISTINCT u.c ORDER BY u.c) FROM (
                      SELECT jsonb_array_elements_text(e.payload -> 'clusters') UNION SELECT unnest(r.clusters)) u(c)))
           WHERE e.organisation_id = r.org AND e.seq >= since AND e.type = 'dossier.invalidated' AND e.person_id = r.person_id;
          IF FOUND THEN CONTINUE; END IF;
        END IF;
        INSERT INTO outbox_events (organisation_id, type, subject_id, person_id, payload)
          VALUES (r.org, 'dossier.invalidated', r.integration_id, r.person_id,
                  jsonb_build_object('integrationId', r.integration_id, 'clusters', to_jsonb(r.clusters)))
          RETURNING seq INTO added;
        IF since IS NULL THEN
          since := added;
          PERFORM set_config('kbi.outbox_from', added::text, true);
        END IF;
      END LOOP;
    END $$;

    CREATE OR REPLACE FUNCTION kbi_dossier_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE changed uuid[];
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
      IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT person_id) INTO changed FROM new_rows;
      ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(DISTINCT x) INTO changed FROM (SELECT person_id FROM new_rows UNION SELECT person_id FROM old_rows) u(x);
      ELSE
        SELECT array_agg(DISTINCT person_id) INTO changed FROM old_rows;
      END IF;
      PERFORM kbi_route_invalidation(changed, TG_TABLE_NAME);
      RETURN NULL;
    END $$;

    CREATE OR REPLACE FUNCTION kbi_dossier_person_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE changed uuid[];
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM dossier_documents WHERE person_id IN (SELECT id FROM old_rows);
      ELSE
        INSERT INTO dossier_documents AS d (person_id) SELECT id FROM new_rows ORDER BY 1
          ON CONFLICT (person_id) DO UPDATE SET version = d.version + 1, built_version = NULL, document = NULL, built_at = NULL;
        SELECT array_agg(id) INTO changed FROM new_rows;
        PERFORM kbi_route_invalidation(changed, 'persons');
      END IF;
      RETURN NULL;
    END $$;

    CREATE TABLE notification_endpoints (
      id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organisation_id       uuid NOT NULL UNIQUE REFERENCES organisations(id),
      url                   text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
      secret                text NOT NULL CHECK (length(secret) >= 32),
      mode                  text NOT NULL DEFAULT 'BOTH' CHECK (mode IN ('PUSH', 'PULL', 'BOTH')),
      active                boolean NOT NULL DEFAULT true,
      cursor_seq            bigint NOT NULL,
      head_seq              bigint,
      head_attempts         integer NOT NULL DEFAULT 0,
      head_since            timestamptz,
      next_attempt_at       timestamptz NOT NULL DEFAULT now(),
      lease_owner           text,
      lease_until           timestamptz,
      consecutive_failures  integer NOT NULL DEFAULT 0,
      failing_since         timestamptz,
      alerted_at            timestamptz,
      last_success_at       timestamptz,
      last_error            text CHECK (length(last_error) <= 200),
      created_at            timestamptz NOT NULL DEFAULT now(),
      recorded_by           text NOT NULL DEFAULT current_setting('kbi.actor'),
      updated_at            timestamptz NOT NULL DEFAULT now(),
      CHECK ((head_seq IS NULL) = (head_since IS NULL))
    );
    COMMENT ON TABLE notification_endpoints IS 'A partner''s webhook for its outbox events (push), with the relay''s state: every event of the partner up to cursor_seq is delivered or dead-lettered; head_seq is being retried until next_attempt_at; a worker holds the endpoint while lease_until lies ahead.';
    COMMENT ON COLUMN notification_endpoints.secret IS 'HMAC-SHA256 key of the signature (X-KBI-Signature over timestamp.body); shown once to the administrator for the partner.';
    COMMENT ON COLUMN notification_endpoints.mode IS 'PUSH: webhooks; PULL: the feed only (nothing pushed); BOTH. The pull feed answers in every mode.';
    CREATE INDEX notification_endpoints_due ON notification_endpoints (next_attempt_at) WHERE active AND mode <> 'PULL';

    CREATE TABLE notification_attempts (
      id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      endpoint_id   uuid NOT NULL REFERENCES notification_endpoints(id),
      seq           bigint NOT NULL,
      event_id      uuid NOT NULL,
      attempt       integer NOT NULL CHECK (attempt >= 1),
      at            timestamptz NOT NULL,
      status_code   integer,
      latency_ms    integer NOT NULL CHECK (latency_ms >= 0),
      delivered     boolean NOT NULL,
      error         text CHECK (length(error) <= 200),
      replay        boolean NOT NULL DEFAULT false,
      worker        text NOT NULL
    );
    COMMENT ON TABLE notification_attempts IS 'Every webhook delivery attempt: when, the HTTP status (null: no answer), latency, and the kind of failure. Append-only.';
    CREATE INDEX notification_attempts_endpoint ON notification_attempts (endpoint_id, id);
    CREATE INDEX notification_attempts_event ON notification_attempts (endpoint_id, seq);

    CREATE TABLE notification_dead_letters (
      endpoint_id          uuid NOT NULL REFERENCES notification_endpoints(id),
      seq                  bigint NOT NULL,
      event_id             uuid NOT NULL,
      dead_at              timestamptz NOT NULL DEFAULT now(),
      attempts             integer NOT NULL,
      last_error           text CHECK (length(last_error) <= 200),
      status               text NOT NULL DEFAULT 'DEAD' CHECK (status IN ('DEAD', 'QUEUED', 'DELIVERED')),
      replay_requested_at  timestamptz,
      replay_requested_by  text,
      replay_attempts      integer NOT NULL DEFAULT 0,
      next_attempt_at      timestamptz,
      delivered_at         timestamptz,
      PRIMARY KEY (endpoint_id, seq),
      CHECK ((status = 'QUEUED') = (next_attempt_at IS NOT NULL))
    );
    COMMENT ON TABLE notification_dead_letters IS 'Events the relay gave up on after the retry period (DEAD); an administrator or kbi notifications replay queues them again (QUEUED) until delivered (DELIVERED) or the period runs out again.';
    CREATE INDEX notification_dead_letters_queued ON notification_dead_letters (endpoint_id, next_attempt_at) WHERE status = 'QUEUED';

    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON dossier_table_clusters FROM kbi_app;
        REVOKE UPDATE, DELETE, TRUNCATE ON notification_attempts FROM kbi_app;
        REVOKE DELETE, TRUNCATE ON notification_dead_letters, notification_endpoints FROM kbi_app;
      END IF;
    END $$;
  `,
    )
    .execute(db);
}
