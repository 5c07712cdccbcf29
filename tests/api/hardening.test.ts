/** Security headers with a strict Content-Security-Policy, and a rate limit answered as problem+json. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { startTestApp } from '../support/app.ts';

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
