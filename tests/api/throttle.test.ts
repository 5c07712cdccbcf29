/**
 * Issue 11, defect 3: there was no per-account log-in throttle — 60 wrong passwords, then the
 * right one succeeded. Now failures per account and per partner client id lead to a doubling
 * back-off (capped, here at 2 s), during which even the right password is refused (429, audited).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';
import { createUser } from '../../server/modules/access/access.service.ts';
import { OPERATOR } from '../../server/platform/access.ts';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const which of TEST_DATABASES) {
  describe(`log-in throttle (${which.name})`, () => {
    test('60 wrong passwords, then the right one: refused until the back-off passes; other accounts untouched; audited', async (t) => {
      const app = await startTestApp(t, which, { KBI_LOGIN_FREE_ATTEMPTS: '5', KBI_LOGIN_MAX_BACKOFF_SECONDS: '2', KBI_RATE_LIMIT_PER_MINUTE: '0' });
      for (const username of ['target.user', 'bystander.user']) {
        await createUser(
          app.database.db,
          { actor: OPERATOR, requestId: 'setup' },
          { username, displayName: username, role: 'AGENCY_CASEWORKER', organisationId: app.homeOrganisationId, password: 'Right-passw0rd-2026' },
        );
      }
      const login = (username: string, password: string) => app.anonymous('POST', '/api/v1/session', { username, password });
      const statuses = new Map<number, number>();
      for (let i = 0; i < 60; i++) {
        const res = await login('target.user', `wrong-${i}`);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
      assert.ok((statuses.get(401) ?? 0) >= 5 && (statuses.get(429) ?? 0) > 0, JSON.stringify([...statuses]));
      const right = await login('target.user', 'Right-passw0rd-2026');
      assert.equal(right.status, 429, 'the right password is refused while the account is throttled');
      assert.equal(right.body.code, 'tooManyRequests');
      const wait = Number(right.headers.get('retry-after'));
      assert.ok(wait >= 1 && wait <= 2, `Retry-After ${wait}`);
      await expectOk(await login('bystander.user', 'Right-passw0rd-2026'));
      const throttled = await app.database.db
        .selectFrom('audit_log')
        .select(['action', 'result', 'detail'])
        .where('action', '=', 'session.login.throttled')
        .execute();
      assert.ok(
        throttled.length >= 1 && throttled.every((r) => r.result === 'denied' && r.detail.username === 'target.user'),
        'every throttled attempt is audited',
      );
      assert.ok(!JSON.stringify(throttled).includes('Right-passw0rd'), 'never a password in the trail');

      await settle(wait * 1000 + 100);
      await expectOk(await login('target.user', 'Right-passw0rd-2026')); // not locked out for long
      assert.equal((await login('target.user', 'wrong-again')).status, 401, 'a success starts the count afresh');
      // An unknown account is throttled the same way (the answer never tells whether a name exists).
      for (let i = 0; i < 8; i++) await login('nobody.here', `guess-${i}`);
      assert.equal((await login('nobody.here', 'guess')).status, 429);
    });

    test('a partner client id is throttled the same way at the token endpoint', async (t) => {
      const app = await startTestApp(t, which, { KBI_LOGIN_FREE_ATTEMPTS: '5', KBI_LOGIN_MAX_BACKOFF_SECONDS: '2', KBI_RATE_LIMIT_PER_MINUTE: '0' });
      const org = await app.factories.organisation({ kind: 'OCMW', name: 'OCMW Mechelen' });
      const target = await expectOk(await app.call('POST', '/api/v1/partnerClients', { organisationId: org.id, clientId: 'ocmw-mechelen' }), 201);
      const bystander = await expectOk(await app.call('POST', '/api/v1/partnerClients', { organisationId: org.id, clientId: 'ocmw-mechelen-2' }), 201);
      const token = (clientId: string, secret: string) =>
        app.anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
      for (let i = 0; i < 60; i++) await token('ocmw-mechelen', `guess-${i}`);
      const right = await token('ocmw-mechelen', target.clientSecret);
      assert.equal(right.status, 429);
      assert.ok(Number(right.headers.get('retry-after')) >= 1);
      await expectOk(await token('ocmw-mechelen-2', bystander.clientSecret));
      const audited = await app.database.db.selectFrom('audit_log').select(['actor_kind', 'detail']).where('action', '=', 'oauth.token.throttled').execute();
      assert.ok(audited.length >= 1 && audited.every((r) => r.actor_kind === 'partner' && r.detail.clientId === 'ocmw-mechelen'));
      await settle(Number(right.headers.get('retry-after')) * 1000 + 100);
      await expectOk(await token('ocmw-mechelen', target.clientSecret));
    });
  });
}
