/** On PostgreSQL the server works as the restricted role kbi_app: it cannot rewrite the audit trail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { scratchDatabase } from '../support/databases.ts';

const server = process.env.KBI_TEST_DATABASE_URL?.trim();

test('the server migrates as the owner, then serves as kbi_app', { skip: server ? false : 'needs PostgreSQL: set KBI_TEST_DATABASE_URL (CI does)' }, async (t) => {
  const scratch = await scratchDatabase(server!, 'kbi_role', 1);
  const app = await buildApp({ config: loadConfig({ KBI_DATABASE_URL: scratch.url, KBI_LOG_LEVEL: 'silent', KBI_DEMO_PERSONS: '0' }) });
  t.after(async () => { await app.close(); await scratch.close(); });

  const created = await app.http.inject({ method: 'POST', url: '/api/v1/persons', payload: { insz: '93051822361', familyName: 'Test', givenNames: 'Rol', gender: '1', nationality: 'BEL' } });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal((await app.http.inject({ method: 'GET', url: `/api/v1/persons/${created.json().id}/dossier` })).statusCode, 200);
  const [who] = await app.database.prepared('whoami_test', 'SELECT current_user AS role', []);
  assert.equal(who!.role, 'kbi_app');
  await assert.rejects(app.database.exec(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`), /must be owner|permission denied/);
  await assert.rejects(sql`DELETE FROM audit_log`.execute(app.database.db), /permission denied/);
});
