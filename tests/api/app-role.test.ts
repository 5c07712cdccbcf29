/** On PostgreSQL the server works as the restricted role kbi_app: it cannot rewrite the audit trail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { scratchDatabase } from '../support/databases.ts';
import { OPERATOR } from '../../server/platform/access.ts';
import { createUser } from '../../server/modules/access/access.service.ts';

const server = process.env.KBI_TEST_DATABASE_URL?.trim();

test(
  'the server migrates as the owner, then serves as kbi_app',
  { skip: server ? false : 'needs PostgreSQL: set KBI_TEST_DATABASE_URL (CI does)' },
  async (t) => {
    const scratch = await scratchDatabase(server!, 'kbi_role', 1);
    const app = await buildApp({ config: loadConfig({ KBI_DATABASE_URL: scratch.url, KBI_LOG_LEVEL: 'silent', KBI_DEMO_PERSONS: '0' }) });
    t.after(async () => {
      await app.close();
      await scratch.close();
    });

    const [org] = await app.database.prepared(
      'role_org',
      `INSERT INTO organisations (kind, name, recorded_by) VALUES ('ABB', 'ABB', 'test:setup') RETURNING id`,
      [],
    );
    await createUser(
      app.database.db,
      { actor: OPERATOR, requestId: 'setup' },
      { username: 'admin.role', displayName: 'Admin', role: 'ADMINISTRATOR', organisationId: org!.id, password: 'Role-test-passw0rd!' },
    );
    const loggedIn = await app.http.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'admin.role', password: 'Role-test-passw0rd!' } });
    assert.equal(loggedIn.statusCode, 200, loggedIn.body);
    const headers = { cookie: `kbi_session=${loggedIn.cookies[0]!.value}`, 'x-csrf-token': loggedIn.json().csrfToken };
    const created = await app.http.inject({
      method: 'POST',
      url: '/api/v1/persons',
      payload: { insz: '93051822361', familyName: 'Test', givenNames: 'Rol', gender: '1', nationality: 'BEL' },
      headers,
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal((await app.http.inject({ method: 'GET', url: `/api/v1/persons/${created.json().id}/dossier`, headers })).statusCode, 200);
    // An administrator registers a partner's webhook: it starts after the newest event, which kbi_app may read.
    const [ocmw] = await app.database.prepared(
      'role_ocmw',
      `INSERT INTO organisations (kind, name, recorded_by) VALUES ('OCMW', 'OCMW', 'test:setup') RETURNING id`,
      [],
    );
    const hook = await app.http.inject({
      method: 'PUT',
      url: `/api/v1/notifications/endpoints/${ocmw!.id}`,
      payload: { url: 'https://ocmw.example/kbi' },
      headers,
    });
    assert.equal(hook.statusCode, 201, hook.body);
    const [who] = await app.database.prepared('whoami_test', 'SELECT current_user AS role', []);
    assert.equal(who!.role, 'kbi_app');
    await assert.rejects(app.database.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`), /must be owner|permission denied/);
    await assert.rejects(sql`DELETE FROM audit_log`.execute(app.database.db), /permission denied/);
    // The chain head moves only through the chain trigger (SECURITY DEFINER), never by the app's hand.
    await assert.rejects(sql`UPDATE audit_chain_lanes SET seq = 1`.execute(app.database.db), /permission denied/);
    // Authorisations and integrations end on a date; they are never removed.
    await assert.rejects(sql`DELETE FROM authorisations`.execute(app.database.db), /permission denied/);
    await assert.rejects(sql`DELETE FROM integrations`.execute(app.database.db), /permission denied/);
    await assert.rejects(sql`DELETE FROM authorisations_history`.execute(app.database.db), /permission denied/);
  },
);
