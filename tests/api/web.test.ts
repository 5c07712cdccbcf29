/** The web app is served by the KBI process: its pages, its assets, and the API's answers unchanged beside it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { startTestApp } from '../support/app.ts';
import { ensureWebBuilt } from '../support/browser.ts';

test('the web app, its client-side routes and its hashed assets are served; unknown API paths stay problem+json', async (t) => {
  ensureWebBuilt();
  const { anonymous, call } = await startTestApp(t, TEST_DATABASES[0]!);
  const home = await anonymous('GET', '/');
  assert.equal(home.status, 200);
  assert.match(home.headers.get('content-type')!, /text\/html/);
  assert.equal(home.headers.get('cache-control'), 'no-cache');
  assert.match(home.body, /<div id="root">/);
  assert.doesNotMatch(home.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script: the CSP allows none');
  assert.match(home.headers.get('content-security-policy') ?? '', /script-src 'self'(;|$)/);

  // A reload on a route of the app gets the same page, so that the app can route it.
  for (const path of ['/persons/7b0b6a52-3c4e-4bc5-9d4f-3f0b1a7d2f10', '/consultation', '/admin/users']) {
    const page = await anonymous('GET', path);
    assert.equal(page.status, 200, path);
    assert.equal(page.body, home.body, path);
  }

  const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(home.body)?.[1];
  assert.ok(script, 'the page loads its bundle from /assets/');
  const js = await anonymous('GET', script);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type')!, /javascript/);
  assert.match(js.headers.get('cache-control')!, /immutable/);

  const missing = await anonymous('GET', '/api/v1/nothing-here');
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get('content-type')!, /application\/problem\+json/);
  assert.equal((await call('GET', '/api/unknown')).status, 404);
  assert.equal((await anonymous('GET', '/api/health')).body.status, 'ok');
});

test('the forms are built from the same definitions that validate: every resource with its fields and what the role may do', async (t) => {
  const { call, as } = await startTestApp(t, TEST_DATABASES[0]!);
  const admin = (await call('GET', '/api/v1/resources')).body.items as any[];
  const contracts = admin.find((r) => r.resource === 'contracts');
  assert.ok(contracts, 'contracts are described');
  assert.equal(contracts.canWrite, true);
  const kind = contracts.fields.find((f: any) => f.name === 'kind');
  assert.equal(kind.type, 'code');
  assert.ok(kind.list, 'a coded field names its code list');
  const hod = await as('HOUSE_OF_DUTCH');
  const seen = (await hod.call('GET', '/api/v1/resources')).body.items as any[];
  assert.equal(seen.find((r) => r.resource === 'contracts').canRead, false, 'a House of Dutch does not read contracts');
  assert.equal(seen.find((r) => r.resource === 'enrolments').canWrite, true, 'but writes enrolments');
  assert.equal(
    (await (await as('OCMW_SOCIAL_WORKER')).call('GET', '/api/v1/resources')).body.items.find((r: any) => r.resource === 'contracts').canRead,
    false,
  );
});

test('the exchange API has an OpenAPI document of its own, with partner paths only and an example for every write', async (t) => {
  const { anonymous } = await startTestApp(t, TEST_DATABASES[0]!);
  const doc = (await anonymous('GET', '/api/exchange/openapi.json')).body;
  assert.equal(doc.openapi, '3.1.0');
  assert.match(doc.info.title, /partner exchange API/);
  const paths = Object.keys(doc.paths);
  assert.ok(paths.length >= 5);
  assert.ok(
    paths.every((p) => p.startsWith('/api/exchange/v1/')),
    'no caseworker path leaks into it',
  );
  assert.deepEqual(doc.security, [{ bearer: [] }]);
  for (const p of ['/api/exchange/v1/dossiers/consult', '/api/exchange/v1/appointments', '/api/exchange/v1/integrations']) {
    const example = doc.paths[p].post.requestBody.content['application/json'].examples?.example?.value;
    assert.ok(example?.insz, `${p} has an example request`);
  }
  assert.equal((await anonymous('GET', '/api/exchange/docs/')).status, 200, 'browsable');
  const full = (await anonymous('GET', '/api/openapi.json')).body;
  assert.ok(
    Object.keys(full.paths).some((p) => p.startsWith('/api/v1/')),
    'the full document still has the caseworker API',
  );
});
