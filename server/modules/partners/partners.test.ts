/** Partner clients: client-credentials tokens, secret rotation, disabling; every refusal audited. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../../../tests/support/databases.ts';
import { expectOk, startTestApp } from '../../../tests/support/app.ts';

for (const which of TEST_DATABASES) {
  describe(`partner clients (${which.name})`, () => {
    test('a client gets a token with its secret; a rotated secret and a disabled client are refused, and audited', async (t) => {
      const { call, anonymous, as, factories, database } = await startTestApp(t, which);
      const denied = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE result = 'denied'`.execute(database.db)).rows[0]!.n);
      const ocmw = await factories.organisation({ kind: 'OCMW', name: 'OCMW Gent' });
      const made = await expectOk(await call('POST', '/api/v1/partnerClients', { organisationId: ocmw.id, clientId: 'ocmw-gent' }), 201);
      assert.ok(made.clientSecret.length >= 40, 'a long random secret, shown once');
      const listed = await expectOk(await call('GET', '/api/v1/partnerClients'));
      assert.ok(!JSON.stringify(listed).includes(made.clientSecret), 'the secret is never shown again');
      const stored = await database.db.selectFrom('partner_clients').select('secret_hash').executeTakeFirstOrThrow();
      assert.match(stored.secret_hash, /^scrypt\$/);

      const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
      const form = (secret: string) => `grant_type=client_credentials&client_id=ocmw-gent&client_secret=${encodeURIComponent(secret)}`;
      const token = await expectOk(await anonymous('POST', '/api/exchange/v1/oauth/token', form(made.clientSecret), { 'content-type': 'application/x-www-form-urlencoded' }));
      assert.equal(token.token_type, 'Bearer');
      assert.equal(token.expires_in, 300);
      const me = await expectOk(await anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: `Bearer ${token.access_token}` }));
      assert.deepEqual(me, { clientId: 'ocmw-gent', organisationId: ocmw.id });

      let refusals = await denied();
      assert.equal((await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', 'guess'))).status, 401);
      assert.equal((await anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: 'Bearer not.a.token' })).status, 401);
      assert.equal((await anonymous('GET', '/api/exchange/v1/whoami')).status, 401);
      assert.equal(await denied(), refusals += 3);

      // Rotation: the new secret works, the old one no longer does.
      const rotated = await expectOk(await call('POST', `/api/v1/partnerClients/${made.id}/secret`, {}));
      assert.notEqual(rotated.clientSecret, made.clientSecret);
      assert.equal((await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', made.clientSecret))).status, 401, 'the old secret is refused');
      assert.equal(await denied(), ++refusals);
      await expectOk(await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', rotated.clientSecret)));

      // A rotation with a grace period keeps the previous secret working until then.
      const graced = await expectOk(await call('POST', `/api/v1/partnerClients/${made.id}/secret`, { graceSeconds: 600 }));
      await expectOk(await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', rotated.clientSecret)));
      await expectOk(await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', graced.clientSecret)));

      // Disabling a client refuses new tokens and the ones it already has.
      await expectOk(await call('PATCH', `/api/v1/partnerClients/${made.id}`, { active: false }));
      assert.equal((await anonymous('GET', '/api/exchange/v1/whoami', undefined, { authorization: `Bearer ${token.access_token}` })).status, 401);
      assert.equal((await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials' }, basic('ocmw-gent', graced.clientSecret))).status, 401);

      // Only the administrator manages clients; a staff session is no partner token.
      const { call: caseworker } = await as('AGENCY_CASEWORKER');
      assert.equal((await caseworker('POST', '/api/v1/partnerClients', { organisationId: ocmw.id, clientId: 'sneaky' })).status, 403);
      assert.equal((await caseworker('GET', '/api/exchange/v1/whoami')).status, 401);
    });
  });
}
