/** Security headers with a strict Content-Security-Policy, and rate limits (per address, per user, per partner) answered as problem+json. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { startTestApp } from '../support/app.ts';
import { registerClient } from '../../server/modules/partners/partners.service.ts';
import { OPERATOR } from '../../server/platform/access.ts';

test('every answer carries the security headers and a strict CSP', async (t) => {
  const { call } = await startTestApp(t, TEST_DATABASES[0]!);
  const res = await call('GET', '/api/health');
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/, 'no inline or remote scripts');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.ok(res.headers.get('strict-transport-security'));
});

test('a client over its rate limit gets 429 problem+json with Retry-After, and nothing is stored', async (t) => {
  const { call, rowCounts } = await startTestApp(t, TEST_DATABASES[0]!, { KBI_RATE_LIMIT_PER_MINUTE: '5' });
  // Setting up the test (the administrator's log-in) already counted; use up what is left.
  let allowed = 0;
  while ((await call('GET', '/api/health')).status === 200) allowed++;
  assert.ok(allowed < 5, `the limit of 5 held (${allowed} more allowed after log-in)`);
  const before = await rowCounts('persons');
  const res = await call('POST', '/api/v1/persons', { insz: '93051822361', familyName: 'A', givenNames: 'B', gender: '1', nationality: 'BEL' });
  assert.equal(res.status, 429);
  assert.match(res.headers.get('content-type')!, /problem\+json/);
  assert.equal(res.body.code, 'tooManyRequests');
  assert.ok(Number(res.headers.get('retry-after')) > 0);
  assert.deepEqual(await rowCounts('persons'), before);
});

test('each staff member and each partner client has a limit of its own, whatever address it comes from', async (t) => {
  const app = await startTestApp(t, TEST_DATABASES[0]!, {
    KBI_RATE_LIMIT_PER_MINUTE: '0',
    KBI_USER_RATE_LIMIT_PER_MINUTE: '3',
    KBI_PARTNER_RATE_LIMIT_PER_MINUTE: '2',
  });
  const { call, as, anonymous } = app;
  for (let i = 0; i < 3; i++) assert.equal((await call('GET', '/api/v1/session')).status, 200);
  const before = await app.rowCounts('persons');
  const over = await call('POST', '/api/v1/persons', { insz: '93051822361', familyName: 'A', givenNames: 'B', gender: '1', nationality: 'BEL' });
  assert.equal(over.status, 429, 'the fourth request of this user in a minute');
  assert.equal(over.body.code, 'tooManyRequests');
  assert.ok(Number(over.headers.get('retry-after')) > 0);
  assert.deepEqual(await app.rowCounts('persons'), before, 'nothing stored');
  const { call: colleague } = await as('AGENCY_CASEWORKER');
  assert.equal((await colleague('GET', '/api/v1/session')).status, 200, 'another user from the same address is not held back');

  // Partners: the administrator who registers them is over its own limit, so the operator does it.
  const tokenFor = async (clientId: string) => {
    const org = await app.database.db
      .insertInto('organisations')
      .values({ kind: 'OCMW', name: clientId, recorded_by: 'test:setup' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { secret } = await registerClient(app.database, { actor: OPERATOR, requestId: 'test' }, { organisationId: org.id, clientId });
    const res = await anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
    return { authorization: `Bearer ${res.body.access_token}` };
  };
  const first = await tokenFor('ocmw-first'),
    second = await tokenFor('ocmw-second');
  assert.equal((await anonymous('GET', '/api/exchange/v1/whoami', undefined, first)).status, 200);
  assert.equal((await anonymous('GET', '/api/exchange/v1/whoami', undefined, first)).status, 200);
  assert.equal((await anonymous('GET', '/api/exchange/v1/whoami', undefined, first)).status, 429, 'the third request of this partner in a minute');
  assert.equal((await anonymous('GET', '/api/exchange/v1/whoami', undefined, second)).status, 200, 'another partner is not held back');
});
