/**
 * Staff accounts, their area of competence and their sessions. Frozen in time.
 * Accounts keep their history like dossier tables (who granted which role, when).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE users (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      organisation_id  uuid NOT NULL REFERENCES organisations(id),
      username         text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{2,99}$'),
      display_name     text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
      role             text NOT NULL,
      office_ids       uuid[] NOT NULL DEFAULT '{}',
      password_hash    text,
      oidc_subject     text UNIQUE,
      active           boolean NOT NULL DEFAULT true,
      version      integer     NOT NULL DEFAULT 1,
      valid_from   timestamptz NOT NULL DEFAULT now(),
      sys_from     timestamptz NOT NULL DEFAULT now(),
      sys_to       timestamptz CHECK (sys_to IS NULL),
      recorded_by  text        NOT NULL DEFAULT current_setting('kbi.actor'),
      ended_by     text
    );
    COMMENT ON TABLE users IS 'Staff accounts: a role bound to an organisation and an area of competence (offices).';
    COMMENT ON COLUMN users.password_hash IS 'scrypt$N$r$p$salt$hash (local accounts); null for accounts that log in through OpenID Connect.';
    CREATE TABLE users_history (LIKE users);
    ALTER TABLE users_history ALTER COLUMN sys_to SET NOT NULL, ALTER COLUMN ended_by SET NOT NULL;
    CREATE INDEX users_history_id ON users_history (id, sys_from);
    CREATE TRIGGER users_keep_history BEFORE UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION kbi_keep_history();
    CREATE TRIGGER users_history_append_only BEFORE UPDATE OR DELETE ON users_history FOR EACH ROW EXECUTE FUNCTION kbi_history_is_append_only();

    CREATE TABLE sessions (
      id             text PRIMARY KEY,
      user_id        uuid NOT NULL REFERENCES users(id),
      csrf_token     text NOT NULL,
      created_at     timestamptz NOT NULL DEFAULT now(),
      last_seen_at   timestamptz NOT NULL DEFAULT now(),
      expires_at     timestamptz NOT NULL,
      ended_at       timestamptz,
      end_reason     text
    );
    COMMENT ON TABLE sessions IS 'Server-side staff sessions; id is the sha256 of the cookie token, never the token itself.';
    CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL;
  `.execute(db);
  // The application role may not rewrite account history (default privileges gave it everything).
  await sql`
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON users_history FROM kbi_app;
      END IF;
    END $$;
  `.execute(db);
  const roles = [
    ['AGENCY_CASEWORKER', 'Trajectbegeleider agentschap', 'Accompagnateur de parcours (agence)', 'Agency caseworker'],
    ['TEAM_LEAD', 'Teamcoach agentschap', "Chef d'équipe (agence)", 'Team lead'],
    ['HOUSE_OF_DUTCH', 'Medewerker Huis van het Nederlands', 'Collaborateur Maison du néerlandais', 'House of Dutch staff'],
    ['OCMW_SOCIAL_WORKER', 'Maatschappelijk werker OCMW', 'Assistant social CPAS', 'OCMW social worker'],
    ['MONITORING_ANALYST', 'Analist monitoring', 'Analyste monitoring', 'Monitoring analyst'],
    ['PRIVACY_OFFICER', 'Functionaris voor gegevensbescherming', 'Délégué à la protection des données', 'Privacy officer'],
    ['ADMINISTRATOR', 'Beheerder', 'Administrateur', 'Administrator'],
  ];
  await db.insertInto('code_list').values(roles.map(([code, nl, fr, en], i) => ({
    list: 'staff_role', code, label_nl: nl, label_fr: fr, label_en: en, sort_order: i + 1,
  }))).execute();
}
