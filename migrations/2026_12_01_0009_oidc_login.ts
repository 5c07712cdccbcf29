/**
 * OpenID Connect log-in of staff: the log-ins under way (state, nonce and PKCE verifier kept on
 * the server, single use) and the identity at the provider that an account is bound to.
 * Frozen in time.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE oidc_login_attempts (
      id             text PRIMARY KEY,
      nonce          text NOT NULL,
      code_verifier  text NOT NULL,
      return_path    text NOT NULL CHECK (return_path ~ '^/'),
      created_at     timestamptz NOT NULL DEFAULT now(),
      used_at        timestamptz
    );
    COMMENT ON TABLE oidc_login_attempts IS 'OpenID Connect log-ins under way; id is the sha256 of the state parameter, never the state itself. Single use, valid for 10 minutes.';

    -- A subject is unique per issuer only, so the identity is the pair. users_history is a copy of
    -- users that the history trigger fills positionally: it gets the same column in the same place.
    ALTER TABLE users ADD COLUMN oidc_issuer text;
    ALTER TABLE users_history ADD COLUMN oidc_issuer text;
    ALTER TABLE users DROP CONSTRAINT users_oidc_subject_key;
    ALTER TABLE users ADD CONSTRAINT users_oidc_identity_whole CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL));
    CREATE UNIQUE INDEX users_oidc_identity ON users (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL;
    COMMENT ON COLUMN users.oidc_issuer IS 'Issuer of the OpenID Connect identity bound to this account at its first log-in through it (with oidc_subject).';
    COMMENT ON COLUMN users.oidc_subject IS 'The sub claim of that identity: stable at its issuer, unlike a user name.';

    -- The server opens and consumes attempts; it never removes them (they are a trace of log-ins).
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kbi_app') THEN
        REVOKE DELETE, TRUNCATE ON oidc_login_attempts FROM kbi_app;
      END IF;
    END $$;
  `.execute(db);
}
