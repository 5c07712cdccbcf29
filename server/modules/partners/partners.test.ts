/** Partner clients: client-credentials tokens, secret rotation, disabling; every refusal audited. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../../../tests/support/databases.ts';
import { expectOk, startTestApp } from '../../../tests/support/app.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../platform/config.ts';

for (const which of TEST_DATABASES) {
  describe(`partner clients (${which.name})`, () => {
    test('a client gets a token with its secret; a rotated secret and a disabled client are refused, and audited', async (t) => {
      const { call, anonymous, as, factories, database } = await startTestApp(t, which);
      const denied = async () =>
        Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE result = 'denied'`.execute(database.db)).rows[0]!.n);
      const ocmw = await factories.organisation({ kind: 'OCMW', name: 'OCMW Gent' });
      const made = await expectOk(await call('POST', '/api/v1/partnerClients', { organisationId: ocmw.id, clientId: 'ocmw-gent' }), 201);
      assert.ok(made.clientSecret.length >= 40, 'a long random secret, shown once');
      const listed = await expectOk(await call('GET', '/api/v1/partnerClients'));
      assert.ok(!JSON.stringify(listed).includes(made.clientSecret), 'the secret is never shown again');
      const stored = await database.db.selectFrom('partner_clients').select('secret_hash').executeTakeFirstOrThrow();
      assert.match(stored.secret_hash, /^scrypt\$/);

      const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
      const form = (secret: string) => `grant_type=client_credentials&client_id=ocmw-gent&client_secret=${encodeURIComponent(secret)}`;
      const token = await expectOk(
        await anonymous('POST', '/api/exchange/v1/oauth/token', form(made.clientSecret), { 'content-type': 'application/x-www-form-urlencoded' }),
      );
      assert.equal(token.token_type, 'Bearer');
      assert.equal(token.expires_in, 300);
      const me = await expectOk(await anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: `Bearer ${token.access_token}` }));
      assert.deepEqual(me, { clientId: 'ocmw-gent', organisationId: ocmw.id });

      let refusals = await denied();
      assert.equal((await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', 'guess'))).status, 401);
      assert.equal((await anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: 'Bearer not.a.token' })).status, 401);
      assert.equal((await anonymous('GET', '/api/exchange/v1/whoami')).status, 401);
      assert.equal(await denied(), (refusals += 3));

      // Rotation: the new secret works, the old one no longer does.
      const rotated = await expectOk(await call('POST', `/api/v1/partnerClients/${made.id}/secret`, {}));
      assert.notEqual(rotated.clientSecret, made.clientSecret);
      assert.equal(
        (await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', made.clientSecret))).status,
        401,
        'the old secret is refused',
      );
      assert.equal(await denied(), ++refusals);
      await expectOk(await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', rotated.clientSecret)));

      // A rotation with a grace period keeps the previous secret working until then.
      const graced = await expectOk(await call('POST', `/api/v1/partnerClients/${made.id}/secret`, { graceSeconds: 600 }));
      await expectOk(await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', rotated.clientSecret)));
      await expectOk(await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', graced.clientSecret)));

      // Disabling a client refuses new tokens and the ones it already has.
      await expectOk(await call('PATCH', `/api/v1/partnerClients/${made.id}`, { active: false }));
      assert.equal((await anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: `Bearer ${token.access_token}` })).status, 401);
      assert.equal(
        (await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', graced.clientSecret))).status,
        401,
      );

      // Only the administrator manages clients; a staff session is no partner token.
      const { call: caseworker } = await as('AGENCY_CASEWORKER');
      assert.equal((await caseworker('POST', '/api/v1/partnerClients', { organisationId: ocmw.id, clientId: 'sneaky' })).status, 403);
      assert.equal((await caseworker('GET', '/api/exchange/v1/whoami')).status, 401);
    });

    // Issue 11, defect 4: a rotated secret left the tokens issued before it valid for their 5 minutes.
    test('rotating the secret revokes every token issued before it, at once and in every process', async (t) => {
      const app = await startTestApp(t, which);
      const ocmw = await app.factories.organisation({ kind: 'OCMW', name: 'OCMW Aalst' });
      const made = await expectOk(await app.call('POST', '/api/v1/partnerClients', { organisationId: ocmw.id, clientId: 'ocmw-aalst' }), 201);
      const tokenWith = async (secret: string) =>
        `Bearer ${(await expectOk(await app.anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials', client_id: 'ocmw-aalst', client_secret: secret }))).access_token}`;
      const before = await tokenWith(made.clientSecret);
      await expectOk(await app.anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: before }));
      const rotated = await expectOk(await app.call('POST', `/api/v1/partnerClients/${made.id}/secret`, { graceSeconds: 600 }));
      // This process forgets the client when the database announces the change (NOTIFY at commit): wait for that, at most a second.
      let status = 200;
      for (const started = Date.now(); status === 200 && Date.now() - started < 1000; await new Promise((r) => setTimeout(r, 20))) {
        status = (await app.anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: before })).status;
      }
      assert.equal(status, 401, 'the token issued before the rotation is refused, even with a grace period for the old secret');
      // A process that had never seen the client refuses it too (it reads the client's version from the database).
      const other = await buildApp({
        config: loadConfig({ KBI_LOG_LEVEL: 'silent', KBI_DEMO_PERSONS: '0', PORT: '0', KBI_SERVE_WEB: 'false' }),
        database: app.database,
      });
      try {
        await other.http.listen({ port: 0, host: '127.0.0.1' });
        const otherPort = (other.http.server.address() as { port: number }).port;
        assert.equal(
          (await fetch(`http://127.0.0.1:${otherPort}/api/exchange/v1/whoami`, { headers: { authorization: before } })).status,
          401,
          'refused by another process too',
        );
      } finally {
        await other.close();
      }
      const after = await tokenWith(rotated.clientSecret);
      await expectOk(await app.anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: after }));
      const graced = await tokenWith(made.clientSecret);
      await expectOk(await app.anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: graced }), 200);
    });

    // Issue 11, defect 8: a failed partner authentication was audited as anonymous staff, without the client id tried.
    test("a failed partner authentication is audited as a partner's, with the client id it tried or claimed", async (t) => {
      const app = await startTestApp(t, which);
      const ocmw = await app.factories.organisation({ kind: 'OCMW', name: 'OCMW Lier' });
      const made = await expectOk(await app.call('POST', '/api/v1/partnerClients', { organisationId: ocmw.id, clientId: 'ocmw-lier' }), 201);
      assert.equal(
        (await app.anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials', client_id: 'ocmw-lier', client_secret: 'wrong' }))
          .status,
        401,
      );
      assert.equal(
        (await app.anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials', client_id: 'nobody-here', client_secret: 'wrong' }))
          .status,
        401,
      );
      const token = (
        await expectOk(
          await app.anonymous('POST', '/api/exchange/v1/oauth/token', {
            grant_type: 'client_credentials',
            client_id: 'ocmw-lier',
            client_secret: made.clientSecret,
          }),
        )
      ).access_token as string;
      const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
      assert.equal((await app.anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: `Bearer ${forged}` })).status, 401);
      assert.equal((await app.anonymous('GET', '/api/exchange/v1/whoami')).status, 401);
      const rows = await app.database.db
        .selectFrom('audit_log')
        .select(['action', 'actor_kind', 'actor_id', 'detail'])
        .where('result', '=', 'denied')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.action, r.actor_kind, r.detail.clientId ?? r.detail.claimedClientId ?? null]),
        [
          ['oauth.token', 'partner', 'ocmw-lier'],
          ['oauth.token', 'partner', 'nobody-here'],
          ['exchange.authenticate', 'partner', 'ocmw-lier'],
          ['GET /api/exchange/v1/whoami', 'partner', null],
        ],
      );
      assert.ok(
        rows.every((r) => !JSON.stringify(r.detail).includes('wrong') && !JSON.stringify(r.detail).includes(made.clientSecret)),
        'never a secret in the trail',
      );
    });
  });
}
