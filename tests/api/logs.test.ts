/** Logs are events with ids: no INSZ or name in clear, whatever the request carried. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { OPERATOR } from '../../server/platform/access.ts';
import { createUser } from '../../server/modules/access/access.service.ts';

test('no INSZ and no name reaches the log, neither from requests nor from errors', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const database = await TEST_DATABASES[0]!.open();
  const app = await buildApp({ config: loadConfig({ KBI_DEMO_PERSONS: '0' }), database, logger: createLogger('debug', sink) });
  t.after(async () => {
    await app.close();
    await database.close();
  });

  const [org] = await database.prepared('logs_org', `INSERT INTO organisations (kind, name, recorded_by) VALUES ('ABB', 'ABB', 'test:setup') RETURNING id`, []);
  await createUser(
    database.db,
    { actor: OPERATOR, requestId: 'setup' },
    { username: 'admin.logs', displayName: 'Griet Admin', role: 'ADMINISTRATOR', organisationId: org!.id, password: 'Logs-test-passw0rd!' },
  );
  const loggedIn = await app.http.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'admin.logs', password: 'Logs-test-passw0rd!' } });
  const headers = { cookie: `kbi_session=${loggedIn.cookies[0]!.value}`, 'x-csrf-token': loggedIn.json().csrfToken };
  const failed = await app.http.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'admin.logs', password: 'Vandermeulen-93051822361' } });
  assert.equal(failed.statusCode, 401);

  const person = { insz: '93051822361', familyName: 'Vandermeulen', givenNames: 'Griet', gender: '2', nationality: 'BEL' };
  const created = await app.http.inject({ method: 'POST', url: '/api/v1/persons', payload: person, headers });
  assert.equal(created.statusCode, 201);
  await app.http.inject({ method: 'POST', url: '/api/v1/persons', payload: person, headers }); // 409: duplicate INSZ, logged as a refusal
  await app.http.inject({ method: 'POST', url: '/api/v1/persons/search', payload: { insz: '93.05.18-223.61' }, headers });
  await app.http.inject({ method: 'GET', url: `/api/v1/persons/${created.json().id}/dossier?asOf=2030-01-01T00:00:00Z`, headers });
  // A direct log call with personal data in it, as a careless developer might write.
  app.http.log.warn({ insz: '93051822361', familyName: 'Vandermeulen', note: 'about 93051822361' }, 'careless 93.05.18-223.61');

  const all = lines.join('');
  assert.ok(lines.length >= 5, 'requests were logged');
  assert.ok(!/93051822361|930518|93\.05\.18-223/.test(all), 'no INSZ in clear');
  assert.ok(!all.includes('Vandermeulen') && !all.includes('Griet'), 'no names');
  assert.ok(all.includes('**.**.**-***.61'), 'an INSZ in free text is masked');
  assert.ok(
    lines.some((l) => l.includes('"route":"/api/v1/persons/:personId/dossier"')),
    'the route pattern is logged, not the URL',
  );
});
