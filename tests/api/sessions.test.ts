/**
 * Two server processes on one database, each keeping the sessions it resolved in memory: a
 * log-out, a disabled account or a change made directly in SQL in one place is honoured by the
 * other at once, and a lost notification connection switches the memory off rather than trust it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { partner, startTestApp, type TestApp } from '../support/app.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { openDatabase, inTransaction } from '../../server/platform/db.ts';

/** Polls `check` until it holds; returns the milliseconds it took (fails after `limit`). */
async function within(limit: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > limit) assert.fail(`${what}: not within ${limit} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - started;
}

/**
 * A second server process on the same database, keeping what it looks up in memory for a minute:
 * its own connections on PostgreSQL (the same object on PGlite, which one process holds).
 */
async function secondProcess(a: TestApp): Promise<{ baseB: string; url: string | null; close(): Promise<void> }> {
  const url = (a.database as unknown as { url: string | null }).url;
  const secondDatabase = url ? await openDatabase({ url, poolSize: 2 }) : a.database;
  const config = loadConfig({ KBI_LOG_LEVEL: 'silent', KBI_DEMO_PERSONS: '0', PORT: '0', KBI_SESSION_CACHE_SECONDS: '60' });
  const b = await buildApp({ config, database: secondDatabase });
  await b.http.listen({ port: 0, host: '127.0.0.1' });
  return {
    baseB: `http://127.0.0.1:${(b.http.server.address() as { port: number }).port}`,
    url,
    async close() {
      await b.close();
      if (secondDatabase !== a.database) await secondDatabase.close();
    },
  };
}

for (const which of TEST_DATABASES) {
  describe(`session memory across processes (${which.name})`, () => {
    test('a session ended through one process is refused by the other at once', async (t) => {
      const a = await startTestApp(t, which);
      const second = await secondProcess(a);
      const { baseB, url } = second;
      try {
        const username = 'sessions.test';
        const password = 'Sessions-test-passw0rd';
        await a.call('POST', '/api/v1/users', {
          username,
          displayName: 'Sessie Test',
          role: 'AGENCY_CASEWORKER',
          organisationId: a.homeOrganisationId,
          password,
        });
        const opened = await a.anonymous('POST', '/api/v1/session', { username, password });
        assert.equal(opened.status, 200);
        const cookie = opened.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ');
        const onB = async () => {
          const res = await fetch(`${baseB}/api/v1/session`, { headers: { cookie } });
          return { status: res.status, body: (await res.json()) as any };
        };
        assert.equal((await onB()).status, 200, 'the other process knows the session');

        // It keeps it: a change the notices do not cover (the CSRF token, by hand) is not seen while cached.
        await sql`UPDATE sessions SET csrf_token = 'changed-by-hand' WHERE ended_at IS NULL AND user_id = (SELECT id FROM users WHERE username = ${username})`.execute(
          a.database.db,
        );
        assert.equal((await onB()).body.csrfToken, opened.body.csrfToken, 'served from memory');

        // Log-out in process A: process B refuses the session straight after.
        assert.equal((await a.anonymous('DELETE', '/api/v1/session', undefined, { cookie, 'x-csrf-token': 'changed-by-hand' })).status, 204);
        const ms = await within(1000, 'log-out honoured by the other process', async () => (await onB()).status === 401);
        assert.ok(ms < 1000);

        // An account disabled directly in SQL: every process drops its sessions.
        const again = await a.anonymous('POST', '/api/v1/session', { username, password });
        const cookie2 = again.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ');
        const onB2 = async () => (await fetch(`${baseB}/api/v1/session`, { headers: { cookie: cookie2 } })).status;
        assert.equal(await onB2(), 200);
        await inTransaction(a.database.db, 'test:sql', (tx) => sql`UPDATE users SET active = false WHERE username = ${username}`.execute(tx));
        await within(1000, 'disabled account honoured by the other process', async () => (await onB2()) === 401);

        if (url) {
          // The listening connection dies: B forgets what it kept and reads the database until it listens again.
          await inTransaction(a.database.db, 'test:sql', (tx) => sql`UPDATE users SET active = true WHERE username = ${username}`.execute(tx));
          const third = await a.anonymous('POST', '/api/v1/session', { username, password });
          const cookie3 = third.headers
            .getSetCookie()
            .map((c) => c.split(';')[0])
            .join('; ');
          const csrfOnB = async () => ((await (await fetch(`${baseB}/api/v1/session`, { headers: { cookie: cookie3 } })).json()) as any).csrfToken as string;
          assert.equal(await csrfOnB(), third.body.csrfToken);
          await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`.execute(a.database.db);
          await new Promise((r) => setTimeout(r, 50));
          await sql`UPDATE sessions SET csrf_token = 'after-the-loss' WHERE ended_at IS NULL AND user_id = (SELECT id FROM users WHERE username = ${username})`.execute(
            a.database.db,
          );
          assert.equal(await csrfOnB(), 'after-the-loss', 'without notices, nothing is served from memory');
        }
      } finally {
        await second.close();
      }
    });

    test('a partner client disabled through one process, or in SQL, is refused by every process at once', async (t) => {
      const a = await startTestApp(t, which);
      const second = await secondProcess(a);
      const { baseB } = second;
      try {
        const { organisation, authorization } = await partner(a, 'OCMW', 'OCMW Deinze');
        const [client] = (await a.call('GET', '/api/v1/partnerClients')).body.items.filter((c: any) => c.organisationId === organisation.id);
        const onA = async () => (await a.anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization })).status;
        const onB = async () => (await fetch(`${baseB}/api/exchange/v1/whoami`, { headers: { authorization } })).status;
        assert.deepEqual([await onA(), await onB(), await onB()], [200, 200, 200], 'both processes know (and keep) the client');

        assert.equal((await a.call('PATCH', `/api/v1/partnerClients/${client.id}`, { active: false })).status, 200);
        assert.equal(await onA(), 401, 'the process that disabled it refuses straight away');
        await within(1000, 'disabled client honoured by the other process', async () => (await onB()) === 401);

        // Enabled and disabled again directly in SQL: the trigger tells every process. A token issued
        // before the client changed stays revoked (its client version is gone); a new one works.
        const rotated = await a.call('POST', `/api/v1/partnerClients/${client.id}/secret`, {});
        await inTransaction(a.database.db, 'test:sql', (tx) => sql`UPDATE partner_clients SET active = true WHERE id = ${client.id}::uuid`.execute(tx));
        const fresh = `Bearer ${(await a.anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials', client_id: client.clientId, client_secret: rotated.body.clientSecret })).body.access_token}`;
        const freshOnA = async () => (await a.anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: fresh })).status;
        const freshOnB = async () => (await fetch(`${baseB}/api/exchange/v1/whoami`, { headers: { authorization: fresh } })).status;
        await within(1000, 'enabled again', async () => (await freshOnB()) === 200);
        assert.equal(await onB(), 401, 'the token from before the change stays revoked');
        await inTransaction(a.database.db, 'test:sql', (tx) => sql`UPDATE partner_clients SET active = false WHERE id = ${client.id}::uuid`.execute(tx));
        await within(1000, 'disabled in SQL honoured by both processes', async () => (await freshOnA()) === 401 && (await freshOnB()) === 401);
      } finally {
        await second.close();
      }
    });
  });
}
