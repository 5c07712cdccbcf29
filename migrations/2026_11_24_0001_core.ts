/**
 * The KBI dossier store. Frozen in time: never import application code here.
 *
 * History: every table of the dossier is "versioned". Its current rows live in the table itself;
 * a trigger copies the old row into `<table>_history` on every UPDATE and DELETE, stamped with
 * when it stopped being current (`sys_to`) and by whom (`ended_by`). The database therefore keeps
 * every earlier value whatever code path changes a row. Each row carries:
 *   version      1, 2, 3 … (the ETag of optimistic concurrency)
 *   valid_from   from when the change holds in the real world (may lie in the past: a correction)
 *   sys_from     when KBI recorded this version (transaction time)
 *   recorded_by  who recorded it (the `kbi.actor` setting of the transaction — a change without
 *                an actor is refused by the database)
 * "As known at T" is: current rows with sys_from <= T, plus history rows with sys_from <= T < sys_to.
 */
import { sql, type Kysely } from 'kysely';

const STANDARD_COLUMNS = `
  version      integer     NOT NULL DEFAULT 1,
  valid_from   timestamptz NOT NULL DEFAULT now(),
  sys_from     timestamptz NOT NULL DEFAULT now(),
  sys_to       timestamptz CHECK (sys_to IS NULL),
  recorded_by  text        NOT NULL DEFAULT current_setting('kbi.actor'),
  ended_by     text`;

interface Versioned {
  name: string;
  comment: string;
  columns: string;
  /** Column whose history is queried by person (all dossier tables have person_id). */
  personScoped: boolean;
  extra?: string;
}

const TABLES: Versioned[] = [
  {
    name: 'organisations', personScoped: false,
    comment: 'Organisations taking part in KBI: the three agencies, Houses of Dutch, OCMWs, VDAB, VMSW, CVO/CBE, AHOVOKS, DVZ, ABB.',
    columns: `
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind              text NOT NULL,
      name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      enterprise_number text CHECK (enterprise_number ~ '^[01][0-9]{9}$'),
      agency            text,
      region            text,
      parent_id         uuid REFERENCES organisations(id),
      municipality_nis  text`,
  },
  {
    name: 'offices', personScoped: false,
    comment: 'KBI-vestiging: a centre, office or desk of an organisation, identified by a KBO enterprise or establishment number or by a KBI key.',
    columns: `
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organisation_id  uuid NOT NULL REFERENCES organisations(id),
      name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      kbo_number       text CHECK (kbo_number ~ '^[0-8][0-9]{9}$'),
      kbi_key          text NOT NULL UNIQUE CHECK (kbi_key ~ '^[0-9A-F]{32}$'),
      street           text,
      house_number     text,
      postcode         text CHECK (postcode ~ '^[1-9][0-9]{3}$'),
      municipality     text,
      phone            text,
      email            text,
      contact_name     text,
      opening_hours    text`,
  },
  {
    name: 'staff', personScoped: false,
    comment: 'Staff members of an organisation (caseworkers, trajectory counsellors, contact persons).',
    columns: `
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organisation_id  uuid NOT NULL REFERENCES organisations(id),
      office_id        uuid REFERENCES offices(id),
      family_name      text NOT NULL,
      given_name       text NOT NULL,
      email            text,
      phone            text,
      function_title   text`,
  },
  {
    name: 'courses', personScoped: false,
    comment: 'Course offer: social orientation (MO), Dutch as a second language (NT2), career orientation (LO), participation; with its variant.',
    columns: `
      id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      provider_id        uuid NOT NULL REFERENCES organisations(id),
      office_id          uuid REFERENCES offices(id),
      course_type        text NOT NULL,
      variant            text,
      name               text NOT NULL,
      training_code      text,
      language           text,
      location_code      text,
      location_name      text,
      start_date         date NOT NULL,
      end_date           date,
      target_level       text,
      CHECK (end_date IS NULL OR end_date >= start_date)`,
  },
  {
    name: 'course_modules', personScoped: false,
    comment: 'Modules of a course (e.g. "NT2 - Vantage mondeling").',
    columns: `
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id   uuid NOT NULL REFERENCES courses(id),
      code        text NOT NULL,
      name        text NOT NULL,
      hours       numeric(6,1) CHECK (hours >= 0),
      sequence    integer NOT NULL DEFAULT 1`,
  },
  {
    name: 'lessons', personScoped: false,
    comment: 'Lesson moments of a course module; participation is registered per lesson.',
    columns: `
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      module_id         uuid NOT NULL REFERENCES course_modules(id),
      starts_at         timestamptz NOT NULL,
      duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 720)`,
  },
  {
    name: 'persons', personScoped: false,
    comment: 'A newcomer (inburgeraar), identified by INSZ (national register or bis number).',
    columns: `
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      insz                   text NOT NULL CHECK (insz ~ '^[0-9]{11}$'),
      family_name            text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 200),
      given_names            text NOT NULL CHECK (length(given_names) BETWEEN 1 AND 200),
      birth_date             date,
      gender                 text NOT NULL,
      nationality            text NOT NULL,
      residence_status       text,
      street                 text,
      house_number           text,
      box                    text,
      postcode               text CHECK (postcode ~ '^[1-9][0-9]{3}$'),
      municipality           text,
      province               text GENERATED ALWAYS AS (kbi_province_of_postcode(postcode)) STORED,
      first_extraction_date  date,
      correspondence_language text NOT NULL DEFAULT 'nl',
      created_by_organisation_id uuid REFERENCES organisations(id)`,
    extra: `CREATE UNIQUE INDEX persons_insz_current ON persons (insz);
            CREATE INDEX persons_name ON persons (lower(family_name), lower(given_names), id);
            CREATE INDEX persons_birth_date ON persons (birth_date);
            CREATE INDEX persons_history_insz ON persons_history (insz, sys_from);`,
  },
  {
    name: 'dossiers', personScoped: true,
    comment: 'A person\'s KBI dossier: which partner leads it (regie) since when, the managing office and its contact person.',
    columns: `
      id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id                  uuid NOT NULL UNIQUE REFERENCES persons(id),
      dossier_number             text NOT NULL UNIQUE CHECK (dossier_number ~ '^[A-Z][0-9]{7}$'),
      case_lead_organisation_id  uuid REFERENCES organisations(id),
      case_lead_since            date,
      managing_office_id         uuid REFERENCES offices(id),
      contact_staff_id           uuid REFERENCES staff(id),
      opened_on                  date NOT NULL,
      closed_on                  date,
      CHECK (closed_on IS NULL OR closed_on >= opened_on)`,
    extra: 'CREATE INDEX dossiers_office ON dossiers (managing_office_id);',
  },
  {
    name: 'invitations', personScoped: true,
    comment: 'Letters of invitation sent to a newcomer by an agency.',
    columns: `
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id         uuid NOT NULL REFERENCES persons(id),
      office_id         uuid REFERENCES offices(id),
      sent_on           date NOT NULL,
      registered_letter boolean NOT NULL DEFAULT false,
      status            text NOT NULL,
      respond_by        date,
      CHECK (respond_by IS NULL OR respond_by >= sent_on)`,
  },
  {
    name: 'target_group_determinations', personScoped: true,
    comment: 'Doelgroepbepaling: obliged (PLICHT), entitled (RECHT), minor, or no target group, with reasons.',
    columns: `
      id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id               uuid NOT NULL REFERENCES persons(id),
      determined_on           date NOT NULL,
      determined              boolean NOT NULL,
      type                    text,
      subtype                 text,
      start_date              date,
      end_date                date,
      no_target_group_reason  text,
      exemption_reason        text,
      office_id               uuid REFERENCES offices(id),
      CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
      CHECK (determined OR type IS NULL)`,
  },
  {
    name: 'registrations', personScoped: true,
    comment: 'Aanmelding at an agency office: when, why (reason code), where.',
    columns: `
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id       uuid NOT NULL REFERENCES persons(id),
      registered_on   date NOT NULL,
      type            text NOT NULL,
      reason          text NOT NULL,
      office_id       uuid REFERENCES offices(id),
      invitation_id   uuid REFERENCES invitations(id)`,
  },
  {
    name: 'registration_postponements', personScoped: true,
    comment: 'Uitstel van aanmelding: postponement of the duty to register, with reason and end date.',
    columns: `
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id   uuid NOT NULL REFERENCES persons(id),
      start_date  date NOT NULL,
      end_date    date,
      reason      text NOT NULL,
      CHECK (end_date IS NULL OR end_date >= start_date)`,
  },
  {
    name: 'signing_postponements', personScoped: true,
    comment: 'Uitstel van ondertekening: postponement of signing the integration contract.',
    columns: `
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id   uuid NOT NULL REFERENCES persons(id),
      start_date  date NOT NULL,
      end_date    date,
      reason      text NOT NULL,
      CHECK (end_date IS NULL OR end_date >= start_date)`,
  },
  {
    name: 'contracts', personScoped: true,
    comment: 'Inburgeringscontract: a mother (MOTHER) or takeover (TAKEOVER) contract.',
    columns: `
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id       uuid NOT NULL REFERENCES persons(id),
      kind            text NOT NULL,
      signed_on       date NOT NULL,
      registered_on   date NOT NULL,
      end_date        date,
      office_id       uuid REFERENCES offices(id),
      created_by_kbo  text CHECK (created_by_kbo ~ '^[0-8][0-9]{9}$'),
      previous_contract_id uuid REFERENCES contracts(id),
      CHECK (end_date IS NULL OR end_date >= signed_on)`,
  },
  {
    name: 'contract_addenda', personScoped: true,
    comment: 'Addenda to an integration contract.',
    columns: `
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id    uuid NOT NULL REFERENCES persons(id),
      contract_id  uuid NOT NULL REFERENCES contracts(id),
      signed_on    date NOT NULL,
      description  text`,
  },
  {
    name: 'contract_parts', personScoped: true,
    comment: 'Parts (onderdelen) of a contract: MO, NT2, LO, work, participation; added by the contract or by an addendum.',
    columns: `
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id    uuid NOT NULL REFERENCES persons(id),
      contract_id  uuid NOT NULL REFERENCES contracts(id),
      addendum_id  uuid REFERENCES contract_addenda(id),
      part         text NOT NULL`,
  },
  {
    name: 'contract_suspensions', personScoped: true,
    comment: 'Opschorting of a contract, with reason.',
    columns: `
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id    uuid NOT NULL REFERENCES persons(id),
      contract_id  uuid NOT NULL REFERENCES contracts(id),
      start_date   date NOT NULL,
      end_date     date,
      reason       text NOT NULL,
      CHECK (end_date IS NULL OR end_date >= start_date)`,
  },
  {
    name: 'certificates', personScoped: true,
    comment: 'Attesten: integration certificate, EVC certificate, exemption certificate, suspension certificate.',
    columns: `
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id         uuid NOT NULL REFERENCES persons(id),
      kind              text NOT NULL,
      document_type     text,
      document_id       text,
      issued_on         date NOT NULL,
      signed_on         date,
      expires_on        date,
      issued_by_kbo     text CHECK (issued_by_kbo ~ '^[0-8][0-9]{9}$'),
      office_id         uuid REFERENCES offices(id),
      CHECK (signed_on IS NULL OR signed_on >= issued_on),
      CHECK (expires_on IS NULL OR expires_on >= issued_on)`,
  },
  {
    name: 'trajectories', personScoped: true,
    comment: 'Trajecten: primary obliged/entitled, secondary, language, … with managing office, sanctioning partner, status and decision.',
    columns: `
      id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id                uuid NOT NULL REFERENCES persons(id),
      type                     text NOT NULL,
      start_date               date NOT NULL,
      end_date                 date,
      managing_office_id       uuid REFERENCES offices(id),
      contact_staff_id         uuid REFERENCES staff(id),
      sanctioning_partner_id   uuid REFERENCES organisations(id),
      status                   text NOT NULL,
      status_since             date NOT NULL,
      decision                 text,
      decision_date            date,
      decision_reason          text,
      end_reason               text,
      CHECK (end_date IS NULL OR end_date >= start_date)`,
  },
  {
    name: 'trajectory_components', personScoped: true,
    comment: 'Trajectonderdelen (social orientation, NT2, career orientation, participation) with exemption, remarks and latest decision.',
    columns: `
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id        uuid NOT NULL REFERENCES persons(id),
      trajectory_id    uuid NOT NULL REFERENCES trajectories(id),
      type             text NOT NULL,
      start_date       date NOT NULL,
      end_date         date,
      status           text NOT NULL,
      status_since     date NOT NULL,
      exempted         boolean NOT NULL DEFAULT false,
      remarks          text,
      decision         text,
      decision_date    date,
      decision_reason  text,
      CHECK (end_date IS NULL OR end_date >= start_date)`,
  },
  {
    name: 'component_suspensions', personScoped: true,
    comment: 'Opschorting of a trajectory component; while it runs no infringement is reported.',
    columns: `
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id     uuid NOT NULL REFERENCES persons(id),
      component_id  uuid NOT NULL REFERENCES trajectory_components(id),
      start_date    date NOT NULL,
      end_date      date,
      reason        text NOT NULL,
      CHECK (end_date IS NULL OR end_date >= start_date)`,
  },
  {
    name: 'enrolments', personScoped: true,
    comment: 'Inschrijving in a course: target attendance rate, status, exit reason, result.',
    columns: `
      id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id                uuid NOT NULL REFERENCES persons(id),
      course_id                uuid NOT NULL REFERENCES courses(id),
      module_id                uuid REFERENCES course_modules(id),
      component_id             uuid REFERENCES trajectory_components(id),
      enrolled_on              date NOT NULL,
      start_date               date,
      end_date                 date,
      status                   text NOT NULL,
      target_attendance_rate   numeric(5,2) NOT NULL DEFAULT 80 CHECK (target_attendance_rate BETWEEN 0 AND 100),
      exit_reason              text,
      result                   text,
      external_id              text,
      CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)`,
    extra: 'CREATE UNIQUE INDEX enrolments_external ON enrolments (course_id, external_id) WHERE external_id IS NOT NULL;',
  },
  {
    name: 'participations', personScoped: true,
    comment: 'Attendance (present, absent, absent with justification) of an enrolled person at one lesson.',
    columns: `
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id      uuid NOT NULL REFERENCES persons(id),
      enrolment_id   uuid NOT NULL REFERENCES enrolments(id),
      lesson_id      uuid NOT NULL REFERENCES lessons(id),
      attendance     text NOT NULL`,
    extra: 'CREATE UNIQUE INDEX participations_lesson ON participations (enrolment_id, lesson_id);',
  },
  {
    name: 'waiting_list_entries', personScoped: true,
    comment: 'Course applications: open until cancelled, placed or refused.',
    columns: `
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id      uuid NOT NULL REFERENCES persons(id),
      course_type    text NOT NULL,
      applied_on     date NOT NULL,
      provider_id    uuid REFERENCES organisations(id),
      office_id      uuid REFERENCES offices(id),
      status         text NOT NULL,
      status_since   date NOT NULL,
      enrolment_id   uuid REFERENCES enrolments(id),
      CHECK (status_since >= applied_on)`,
  },
  {
    name: 'client_preferences', personScoped: true,
    comment: 'VoorkeurenKlant: wished start date, intensity, postal areas and lesson moments for course placement.',
    columns: `
      id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id           uuid NOT NULL REFERENCES persons(id),
      wished_start_date   date,
      intensity           integer CHECK (intensity BETWEEN 1 AND 5),
      postcodes           text[] NOT NULL DEFAULT '{}',
      lesson_moments      text[] NOT NULL DEFAULT '{}'`,
  },
  {
    name: 'test_results', personScoped: true,
    comment: 'Tests taken (MO test, NT2 test, …) and their results.',
    columns: `
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id     uuid NOT NULL REFERENCES persons(id),
      test_type     text NOT NULL,
      taken_on      date NOT NULL,
      result        text NOT NULL,
      level         text,
      score         numeric(6,2),
      max_score     numeric(6,2),
      provider_id   uuid REFERENCES organisations(id),
      CHECK (score IS NULL OR max_score IS NULL OR score <= max_score)`,
  },
  {
    name: 'level_attainments', personScoped: true,
    comment: 'Level reached (e.g. NT2 on the CEFR scale) on the basis of a test, career or certificate.',
    columns: `
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id      uuid NOT NULL REFERENCES persons(id),
      domain         text NOT NULL DEFAULT 'NT2',
      level          text NOT NULL,
      obtained_on    date NOT NULL,
      basis          text NOT NULL,
      test_result_id uuid REFERENCES test_results(id)`,
  },
  {
    name: 'language_skills', personScoped: true,
    comment: 'Languages the person uses with the agency, with proficiency and whether it is the contact language.',
    columns: `
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id         uuid NOT NULL REFERENCES persons(id),
      language          text NOT NULL,
      proficiency       text NOT NULL,
      contact_language  boolean NOT NULL DEFAULT false`,
  },
  {
    name: 'literacy_assessments', personScoped: true,
    comment: 'Alfabetiseringsgraad: literacy in the Latin script (and others) as assessed.',
    columns: `
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id     uuid NOT NULL REFERENCES persons(id),
      script        text NOT NULL DEFAULT 'LATIN',
      level         text NOT NULL,
      assessed_on   date NOT NULL`,
  },
  {
    name: 'advice', personScoped: true,
    comment: 'Adviezen from partners: House of Dutch (course type), VDAB, labour-market advice.',
    columns: `
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id     uuid NOT NULL REFERENCES persons(id),
      source        text NOT NULL,
      advice_type   text NOT NULL,
      given_on      date NOT NULL,
      given_by_id   uuid REFERENCES organisations(id),
      text          text CHECK (length(text) <= 4000)`,
  },
  {
    name: 'perspectives', personScoped: true,
    comment: 'Perspective of the person in a trajectory: professional, educational, socio-cultural, …',
    columns: `
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id      uuid NOT NULL REFERENCES persons(id),
      trajectory_id  uuid REFERENCES trajectories(id),
      perspective    text NOT NULL,
      start_date     date NOT NULL,
      end_date       date,
      CHECK (end_date IS NULL OR end_date >= start_date)`,
  },
  {
    name: 'diploma_recognition_support', personScoped: true,
    comment: 'Support given for the recognition of foreign diplomas.',
    columns: `
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id      uuid NOT NULL REFERENCES persons(id),
      support_type   text NOT NULL,
      given_on       date NOT NULL,
      office_id      uuid REFERENCES offices(id),
      remarks        text CHECK (length(remarks) <= 2000)`,
  },
  {
    name: 'conversations', personScoped: true,
    comment: 'Gesprekken: time, office, staff member, free text; shared with a partner kind only when flagged relevant for it.',
    columns: `
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id              uuid NOT NULL REFERENCES persons(id),
      held_at                timestamptz NOT NULL,
      office_id              uuid REFERENCES offices(id),
      staff_id               uuid REFERENCES staff(id),
      channel                text,
      text                   text NOT NULL CHECK (length(text) <= 8000),
      relevant_for           text[] NOT NULL DEFAULT '{}'`,
  },
  {
    name: 'appointments', personScoped: true,
    comment: 'Appointments requested by a partner (OCMW) for its client: reason, extra information, wished date with time window.',
    columns: `
      id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id           uuid NOT NULL REFERENCES persons(id),
      requested_by_id     uuid NOT NULL REFERENCES organisations(id),
      reason              text NOT NULL,
      extra_information   text CHECK (length(extra_information) <= 2000),
      wished_date         date,
      time_window         text,
      status              text NOT NULL,
      planned_at          timestamptz,
      office_id           uuid REFERENCES offices(id),
      CHECK (wished_date IS NULL OR time_window IS NOT NULL)`,
  },
  {
    name: 'referrals', personScoped: true,
    comment: 'Toeleiding: a partner refers a person to an agency, which accepts or rejects within a deadline.',
    columns: `
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id         uuid NOT NULL REFERENCES persons(id),
      from_id           uuid NOT NULL REFERENCES organisations(id),
      to_id             uuid NOT NULL REFERENCES organisations(id),
      reason            text NOT NULL,
      description       text CHECK (length(description) <= 2000),
      referred_on       date NOT NULL,
      respond_by        date,
      status            text NOT NULL,
      decided_on        date,
      decision_reason   text,
      CHECK (decided_on IS NULL OR decided_on >= referred_on),
      CHECK (respond_by IS NULL OR respond_by >= referred_on)`,
  },
  {
    name: 'infringement_cases', personScoped: true,
    comment: 'Inbreukdossier: infringements sent to the sanctioning authority, ending in a decision.',
    columns: `
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id        uuid NOT NULL REFERENCES persons(id),
      agency_office_id uuid REFERENCES offices(id),
      opened_on        date NOT NULL,
      received_on      date,
      status           text NOT NULL,
      CHECK (received_on IS NULL OR received_on >= opened_on)`,
  },
  {
    name: 'infringements', personScoped: true,
    comment: 'Inbreuk: a recorded infringement of the integration obligation.',
    columns: `
      id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id                 uuid NOT NULL REFERENCES persons(id),
      trajectory_id             uuid REFERENCES trajectories(id),
      case_id                   uuid REFERENCES infringement_cases(id),
      type                      text NOT NULL,
      sanctioning_authority     text NOT NULL,
      established_on            date NOT NULL,
      notice_sent_on            date,
      motivation                text CHECK (length(motivation) <= 2000),
      CHECK (notice_sent_on IS NULL OR notice_sent_on >= established_on)`,
  },
  {
    name: 'infringement_decisions', personScoped: true,
    comment: 'Besluit on an infringement case: fine (with amount), no fine, or no further action.',
    columns: `
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id      uuid NOT NULL REFERENCES persons(id),
      case_id        uuid NOT NULL REFERENCES infringement_cases(id),
      decision       text NOT NULL,
      decided_on     date NOT NULL,
      fine_amount    numeric(8,2) CHECK (fine_amount BETWEEN 50 AND 5000),
      reason         text,
      CHECK (decision = 'BOETE' OR fine_amount IS NULL)`,
  },
  {
    name: 'dvz_advice', personScoped: true,
    comment: 'Advice given to the federal immigration office (DVZ) on integration efforts.',
    columns: `
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id    uuid NOT NULL REFERENCES persons(id),
      advised_on   date NOT NULL,
      advice_type  text NOT NULL,
      remarks      text CHECK (length(remarks) <= 2000)`,
  },
  {
    name: 'housing_requirements', personScoped: true,
    comment: 'VMSW Wooncode: must the person meet the integration / language willingness requirement, does the person meet it, who follows it up.',
    columns: `
      id                              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      person_id                       uuid NOT NULL REFERENCES persons(id),
      must_meet_integration           boolean NOT NULL,
      must_meet_language              boolean NOT NULL,
      meets_integration               boolean,
      meets_language                  boolean,
      followed_up_by                  text,
      assessed_on                     date NOT NULL`,
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE code_list (
      list        text NOT NULL,
      code        text NOT NULL,
      label_nl    text NOT NULL,
      label_fr    text NOT NULL,
      label_en    text NOT NULL,
      short_nl    text,
      sort_order  integer NOT NULL,
      attributes  jsonb NOT NULL DEFAULT '{}',
      valid_from  date,
      valid_to    date,
      PRIMARY KEY (list, code)
    );
    COMMENT ON TABLE code_list IS 'Code tables (codetabellen) as data: reasons, types, statuses, with labels in Dutch, French and English.';

    -- Belgian postcodes map to provinces by range (bpost). Immutable, so it can feed a generated column.
    CREATE FUNCTION kbi_province_of_postcode(pc text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE
        WHEN pc IS NULL OR pc !~ '^[1-9][0-9]{3}$' THEN NULL
        WHEN pc::int BETWEEN 1000 AND 1299 THEN 'BRUSSELS'
        WHEN pc::int BETWEEN 1300 AND 1499 THEN 'WALLOON_BRABANT'
        WHEN pc::int BETWEEN 1500 AND 1999 THEN 'FLEMISH_BRABANT'
        WHEN pc::int BETWEEN 2000 AND 2999 THEN 'ANTWERP'
        WHEN pc::int BETWEEN 3000 AND 3499 THEN 'FLEMISH_BRABANT'
        WHEN pc::int BETWEEN 3500 AND 3999 THEN 'LIMBURG'
        WHEN pc::int BETWEEN 4000 AND 4999 THEN 'LIEGE'
        WHEN pc::int BETWEEN 5000 AND 5999 THEN 'NAMUR'
        WHEN pc::int BETWEEN 6000 AND 6599 THEN 'HAINAUT'
        WHEN pc::int BETWEEN 6600 AND 6999 THEN 'LUXEMBOURG'
        WHEN pc::int BETWEEN 7000 AND 7999 THEN 'HAINAUT'
        WHEN pc::int BETWEEN 8000 AND 8999 THEN 'WEST_FLANDERS'
        ELSE 'EAST_FLANDERS' END
    $$;

    -- Keeps the old version of a row in <table>_history on every UPDATE and DELETE.
    CREATE FUNCTION kbi_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      actor text := current_setting('kbi.actor', true);
    BEGIN
      IF actor IS NULL OR actor = '' THEN
        RAISE EXCEPTION 'every change must name who made it (kbi.actor is not set)' USING ERRCODE = '42501';
      END IF;
      IF TG_OP = 'UPDATE' AND NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'the id of a row never changes' USING ERRCODE = '42501';
      END IF;
      OLD.sys_to := now();
      OLD.ended_by := actor;
      EXECUTE format('INSERT INTO %I.%I SELECT ($1).*', TG_TABLE_SCHEMA, TG_TABLE_NAME || '_history') USING OLD;
      IF TG_OP = 'DELETE' THEN
        RETURN OLD;
      END IF;
      NEW.version := OLD.version + 1;
      NEW.sys_from := now();
      NEW.sys_to := NULL;
      NEW.ended_by := NULL;
      NEW.recorded_by := actor;
      RETURN NEW;
    END $$;

    -- History is append-only: nobody rewrites the past.
    CREATE FUNCTION kbi_history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('kbi.purge', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END IF;
      RAISE EXCEPTION 'history rows of % cannot be changed or deleted', TG_TABLE_NAME USING ERRCODE = '42501';
    END $$;
  `.execute(db);

  for (const t of TABLES) {
    const h = `${t.name}_history`;
    await sql.raw(`
      CREATE TABLE ${t.name} (${t.columns},${STANDARD_COLUMNS});
      COMMENT ON TABLE ${t.name} IS '${t.comment.replace(/'/g, "''")}';
      CREATE TABLE ${h} (LIKE ${t.name});
      ALTER TABLE ${h} ALTER COLUMN sys_to SET NOT NULL, ALTER COLUMN ended_by SET NOT NULL;
      COMMENT ON TABLE ${h} IS 'Earlier versions of ${t.name}, kept by trigger kbi_keep_history; append-only.';
      CREATE INDEX ${h}_id ON ${h} (id, sys_from);
      ${t.personScoped ? `CREATE INDEX ${t.name}_person ON ${t.name} (person_id); CREATE INDEX ${h}_person ON ${h} (person_id, sys_from);` : ''}
      CREATE TRIGGER ${t.name}_keep_history BEFORE UPDATE OR DELETE ON ${t.name}
        FOR EACH ROW EXECUTE FUNCTION kbi_keep_history();
      CREATE TRIGGER ${h}_append_only BEFORE UPDATE OR DELETE ON ${h}
        FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();
      ${t.extra ?? ''}
    `).execute(db);
  }

  await sql`
    COMMENT ON COLUMN persons.insz IS 'INSZ: national register number or bis number, 11 digits, check digits verified by the application.';
    COMMENT ON COLUMN persons.first_extraction_date IS 'Date of first extraction from the national register (the cohort of the reach statistics).';
    COMMENT ON COLUMN enrolments.target_attendance_rate IS 'Attendance (percent) the person must reach; seed 003 §35: 80 % in every part.';

    CREATE INDEX offices_postcode ON offices (postcode);
    CREATE INDEX offices_kbo ON offices (kbo_number);
    CREATE INDEX lessons_module ON lessons (module_id, starts_at);
    CREATE INDEX participations_enrolment ON participations (enrolment_id);
    CREATE INDEX contract_parts_contract ON contract_parts (contract_id);
    CREATE INDEX trajectory_components_trajectory ON trajectory_components (trajectory_id);

    CREATE TABLE idempotency_keys (
      key           text NOT NULL,
      actor_id      text NOT NULL,
      method        text NOT NULL,
      path          text NOT NULL,
      request_hash  text NOT NULL,
      status_code   integer NOT NULL,
      response      jsonb NOT NULL,
      headers       jsonb NOT NULL DEFAULT '{}',
      created_at    timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (actor_id, key)
    );
    COMMENT ON TABLE idempotency_keys IS 'Answers to create requests that carried an Idempotency-Key, replayed when the same request comes again.';

    CREATE TABLE audit_log (
      id            bigserial PRIMARY KEY,
      at            timestamptz NOT NULL DEFAULT clock_timestamp(),
      actor_id      text NOT NULL,
      actor_kind    text NOT NULL,
      organisation_id uuid,
      purpose       text,
      action        text NOT NULL,
      person_id     uuid,
      clusters      text[] NOT NULL DEFAULT '{}',
      result        text NOT NULL CHECK (result IN ('allowed', 'denied')),
      request_id    text,
      detail        jsonb NOT NULL DEFAULT '{}'
    );
    COMMENT ON TABLE audit_log IS 'One row per read or write of personal data, by staff or partner. Append-only.';
    CREATE INDEX audit_log_person ON audit_log (person_id, at);
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();
  `.execute(db);
}
