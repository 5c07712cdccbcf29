/**
 * Authorisations (machtigingen) and the integration register. Frozen in time.
 *
 * An authorisation lets one partner organisation, or every partner of a kind, receive some data
 * clusters for one purpose, on a legal basis, during a period; it may demand that the partner has
 * "integrated" the person in its client register under given capacity codes (the KSZ pattern,
 * domain-rules §5.4). The integration register holds those declarations: partner × INSZ ×
 * capacity code × period. Both keep their history like every other table, so "who was authorised
 * for what on date D" and "was this person integrated on date D" can be answered afterwards.
 *
 * Seed 003 (the VTC authorisation of 25 July 2012) is loaded as the default example: OCMW, the
 * 17 clusters of §61, the two purposes of §37, for persons integrated under capacity codes 1–9
 * (seed 002, footnote 1).
 */
import { sql, type Kysely } from 'kysely';

const STANDARD = `
      version      integer     NOT NULL DEFAULT 1,
      valid_from   timestamptz NOT NULL DEFAULT now(),
      sys_from     timestamptz NOT NULL DEFAULT now(),
      sys_to       timestamptz CHECK (sys_to IS NULL),
      recorded_by  text        NOT NULL DEFAULT current_setting('kbi.actor'),
      ended_by     text`;

/** The clusters a partner can be authorised for: the 17 of seed 003 §61 and the other kinds of record. */
const CLUSTERS = [
  'caseLead', 'languages', 'contracts', 'certificates', 'registration', 'targetGroup', 'level', 'advice', 'perspective',
  'trajectories', 'trajectoryOffice', 'sanctioningPartner', 'components', 'componentSuspensions', 'courses', 'diplomaRecognition',
  'conversations', 'personalia', 'invitations', 'appointments', 'referrals', 'infringements', 'dvzAdvice', 'housingRequirement',
];
const SEED_003_CLUSTERS = CLUSTERS.slice(0, 17);

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(`
    -- Gives a table with the standard columns its history twin and triggers.
    CREATE OR REPLACE FUNCTION kbi_keep_history_of(tbl text) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE h text := tbl || '_history';
    BEGIN
      EXECUTE format('CREATE TABLE %I (LIKE %I)', h, tbl);
      EXECUTE format('ALTER TABLE %I ALTER COLUMN sys_to SET NOT NULL, ALTER COLUMN ended_by SET NOT NULL', h);
      EXECUTE format('COMMENT ON TABLE %I IS %L', h, 'Earlier versions of ' || tbl || ', kept by trigger kbi_keep_history; append-only.');
      EXECUTE format('CREATE INDEX %I ON %I (id, sys_from)', h || '_id', h);
      EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION kbi_keep_history()', tbl || '_keep_history', tbl);
      EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only()', h || '_append_only', h);
      -- The application's role may add history rows, never change or remove them (migration 0005).
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM kbi_app', h);
      END IF;
    END $$;

    -- The keyed INSZ hash of the audit trail, for an access about an INSZ that KBI does not know
    -- (a consult of an unknown person is still an access, and must be findable by INSZ).
    CREATE FUNCTION kbi_insz_hash(insz text) RETURNS text LANGUAGE sql STABLE AS $$
      SELECT encode(sha256(convert_to(k.key || '|' || insz, 'UTF8')), 'hex') FROM audit_key k WHERE k.id = 1
    $$;

    CREATE TABLE authorisations (
      id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      partner_organisation_id  uuid REFERENCES organisations(id),
      partner_kind             text,
      purpose                  text NOT NULL,
      clusters                 text[] NOT NULL CHECK (cardinality(clusters) > 0 AND clusters <@ ARRAY[${CLUSTERS.map((c) => `'${c}'`).join(', ')}]::text[]),
      legal_basis              text NOT NULL CHECK (length(legal_basis) BETWEEN 3 AND 500),
      reference                text CHECK (length(reference) <= 200),
      starts_on                date NOT NULL,
      ends_on                  date,
      capacity_codes           text[] NOT NULL DEFAULT '{}',
      description              text CHECK (length(description) <= 2000),
      ${STANDARD},
      CHECK ((partner_organisation_id IS NULL) <> (partner_kind IS NULL)),
      CHECK (ends_on IS NULL OR ends_on >= starts_on)
    );
    COMMENT ON TABLE authorisations IS 'Machtiging: a partner (or every partner of a kind) may receive these clusters for this purpose, on this legal basis, in this period; capacity_codes non-empty = only for persons the partner integrated under one of them.';
    COMMENT ON COLUMN authorisations.capacity_codes IS 'Hoedanigheidscodes under which the partner must have integrated the person on the consultation date; empty: no integration needed.';
    SELECT kbi_keep_history_of('authorisations');
    CREATE INDEX authorisations_partner ON authorisations (partner_organisation_id);
    CREATE INDEX authorisations_kind ON authorisations (partner_kind);

    CREATE TABLE integrations (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organisation_id  uuid NOT NULL REFERENCES organisations(id),
      insz             text NOT NULL CHECK (insz ~ '^[0-9]{11}$'),
      capacity_code    text NOT NULL CHECK (capacity_code ~ '^[A-Za-z0-9_-]{1,20}$'),
      starts_on        date NOT NULL,
      ends_on          date,
      ${STANDARD},
      CHECK (ends_on IS NULL OR ends_on >= starts_on)
    );
    COMMENT ON TABLE integrations IS 'Integration register (KSZ personenrepertorium pattern): the partner has the person (INSZ) in its client register under this capacity code for this period.';
    SELECT kbi_keep_history_of('integrations');
    CREATE INDEX integrations_lookup ON integrations (organisation_id, insz, capacity_code);
    CREATE INDEX integrations_history_lookup ON integrations_history (organisation_id, insz);
    -- One open declaration per partner, person and capacity code: declaring again extends it.
    CREATE UNIQUE INDEX integrations_open ON integrations (organisation_id, insz, capacity_code) WHERE ends_on IS NULL;
    -- Neither is ever removed: an authorisation or an integration ends on a date.
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE DELETE, TRUNCATE ON authorisations, integrations FROM kbi_app;
      END IF;
    END $$;

    -- Purposes of the other partners' exchanges (SPEC.md "Exchange flows"); codes and wording ours, the
    -- sources name the flows but not their purposes. attributes.partner: organisation_kind.
    INSERT INTO code_list (list, code, label_nl, label_fr, label_en, sort_order, attributes) VALUES
      ('purpose', 'BEGELEIDING_NAAR_WERK', 'Begeleiding van de inburgeraar naar werk', 'Accompagnement du primo-arrivant vers l''emploi', 'Guiding the newcomer towards work', 10, '{"partner": "VDAB", "source": "SPEC.md Exchange flows"}'),
      ('purpose', 'WOONCODE_TAALKENNIS', 'Toetsing van de taalkennisvereiste voor sociale huur of koop (Vlaamse Wooncode)', 'Contrôle de la condition de connaissance linguistique pour la location ou l''achat social', 'Checking the Dutch-language requirement for social renting or buying (Flemish Housing Code)', 11, '{"partner": "VMSW", "source": "SPEC.md Exchange flows"}'),
      ('purpose', 'VERBLIJFSRECHT_INTEGRATIE', 'Beoordeling van de integratie-inspanningen voor het verblijfsrecht', 'Évaluation des efforts d''intégration pour le droit de séjour', 'Assessing integration efforts for the right of residence', 12, '{"partner": "DVZ", "source": "SPEC.md Exchange flows"}'),
      ('purpose', 'CURSUSORGANISATIE', 'Organisatie van en inschrijving in de cursussen van het inburgeringstraject', 'Organisation des cours du parcours d''intégration et inscription', 'Organising the courses of the integration programme and enrolling in them', 13, '{"partner": "CVO", "source": "SPEC.md Exchange flows"}')
    ON CONFLICT (list, code) DO NOTHING;

    SELECT set_config('kbi.actor', 'system:migration', true);
    INSERT INTO authorisations (partner_kind, purpose, clusters, legal_basis, reference, starts_on, capacity_codes, description, valid_from)
    SELECT 'OCMW', p, ARRAY[${SEED_003_CLUSTERS.map((c) => `'${c}'`).join(', ')}]::text[],
           'Machtiging van de Vlaamse Toezichtcommissie voor het meedelen van persoonsgegevens van inburgeraars die tevens OCMW-cliënt zijn door de erkende onthaalbureaus aan de OCMW',
           'VTC, beslissing van 25 juli 2012 (seed 003 §97)', DATE '2012-07-25', ARRAY['1','2','3','4','5','6','7','8','9'],
           'Seed 003 §61: the 17 clusters; §37: purpose. Only for persons integrated by the OCMW under capacity codes 1–9 on the day of the consultation (seed 002).',
           TIMESTAMPTZ '2012-07-25 00:00:00+00'
      FROM unnest(ARRAY['BEGELEIDING_OCMW_CLIENT', 'SANCTIONERING_WERKBEREIDHEID']) AS p;
  `).execute(db);
}
