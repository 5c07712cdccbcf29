/**
 * The door of every route, proven by walking every registered route: each one declared who may
 * call it; every route that is not on the reviewed public list refuses an anonymous caller and a
 * caller of the wrong kind; a route registered without a door stops the app from starting.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type Call } from '../support/app.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';

const which = TEST_DATABASES[0]!; // the doors do not depend on the database: PGlite is enough

/**
 * The reviewed list of public routes: the ways to log in and to get a partner token, health, and the
 * API documents. Anything added here must show no personal data to an anonymous caller.
 */
const PUBLIC_ROUTES = new Set([
  'POST /api/v1/session',
  'GET /api/v1/session/methods',
  'GET /api/v1/session/oidc/start',
  'GET /api/v1/session/oidc/callback',
  'POST /api/exchange/v1/oauth/token',
  'GET /api/health',
  'GET /api/health/live',
  'GET /api/health/ready',
  'GET /api/openapi.json',
  'GET /api/exchange/openapi.json',
  'GET /api/magda/soap',
  'GET /api/magda/soap/:file',
]);
/** Routes public by their plugin: the documentation pages and the web app's static files. */
const isPluginPublic = (url: string) => /^\/api(\/exchange)?\/docs(\/|$)/.test(url) || !url.startsWith('/api/');

/** A concrete path for a route pattern: every parameter a well-formed value. */
const pathOf = (url: string) =>
  url
    .replace(/:kind\b/g, 'participations')
    .replace(/:list\b/g, 'staff_role')
    .replace(/:batchId\b/g, 'batch-1')
    .replace(/:[A-Za-z]+/g, randomUUID())
    .replace(/\*$/, 'x');

describe(`doors (${which.name})`, () => {
  test('every route declares a door; every non-public route refuses an anonymous caller and one of the wrong kind', async (t) => {
    const app = await startTestApp(t, which, { KBI_RATE_LIMIT_PER_MINUTE: '0' }, { operatorToken: 'operator-token-of-this-test' });
    const ocmw = await partner(app, 'OCMW');
    const staff = await app.as('AGENCY_CASEWORKER');
    const routes = app.app.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
    assert.ok(routes.length > 60, `expected the whole API, found ${routes.length} routes`);

    const kinds = new Map<string, number>();
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      kinds.set(route.access, (kinds.get(route.access) ?? 0) + 1);
      if (route.access === 'public') {
        assert.ok(PUBLIC_ROUTES.has(key) || isPluginPublic(route.url), `${key} is public but not on the reviewed list`);
        continue;
      }
      assert.ok(!PUBLIC_ROUTES.has(key), `${key} is on the public list but declares ${route.access}`);
      const path = pathOf(route.url);
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
      const callers: [string, Call][] = [['anonymous', app.anonymous]];
      if (route.access !== 'staff') callers.push(['a staff member', staff.call]);
      if (route.access !== 'partner') callers.push(['a partner', ocmw.call]);
      for (const [who, call] of callers) {
        const res = await call(route.method, path, body, { 'if-match': '"1"' });
        assert.equal(res.status, 401, `${key} (${route.access}) called by ${who}: ${res.status} ${JSON.stringify(res.body)}`);
        assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/, key);
        assert.equal(res.headers.get('cache-control'), 'no-store', `${key}: a refusal is not cached either`);
      }
    }
    // Every kind of door is in use, and the staff API is the largest part.
    assert.ok((kinds.get('staff') ?? 0) > 30 && (kinds.get('partner') ?? 0) > 10 && (kinds.get('operator') ?? 0) >= 5, JSON.stringify([...kinds]));
  });

  test('a route registered without a door stops the app at start-up, naming the route', async () => {
    const database = await which.open();
    try {
      const config = loadConfig({ KBI_LOG_LEVEL: 'silent', KBI_DEMO_PERSONS: '0', PORT: '0', KBI_SERVE_WEB: 'false' });
      await assert.rejects(
        buildApp({
          config,
          database,
          extraRoutes: (http) => {
            http.get('/api/v1/forgotten', async () => ({ personal: 'data' }));
          },
        }),
        /route GET(,HEAD)? \/api\/v1\/forgotten declares no door/,
      );
      await assert.rejects(
        buildApp({
          config,
          database,
          extraRoutes: (http) => {
            http.get('/api/exchange/v1/capable', { config: { access: 'partner', capability: 'readAudit' } }, async () => ({}));
          },
        }),
        /a capability is only checked on staff routes/,
      );
    } finally {
      await database.close();
    }
  });

  // Issue 11, defect 10: a caller without the capability learnt the schema of admin routes from a 400.
  test('a staff member without the capability gets 403 before the body is read, never the schema', async (t) => {
    const app = await startTestApp(t, which);
    const caseworker = await app.as('AGENCY_CASEWORKER');
    const cases: [string, string, unknown][] = [
      ['POST', '/api/v1/users', { nonsense: true }],
      ['PATCH', `/api/v1/users/${randomUUID()}`, { nonsense: true }],
      ['POST', '/api/v1/partnerClients', { nonsense: true }],
      ['POST', `/api/v1/partnerClients/${randomUUID()}/secret`, { nonsense: true }],
      ['POST', '/api/v1/authorisations', { nonsense: true }],
      ['PATCH', `/api/v1/authorisations/${randomUUID()}`, { nonsense: true }],
      ['POST', '/api/v1/audit/search', { nonsense: true }],
      ['POST', '/api/v1/audit/personReport', { nonsense: true }],
      ['POST', '/api/v1/statistics/exchanges', { nonsense: true }],
      ['GET', '/api/v1/imports?nonsense=1', undefined],
    ];
    for (const [method, path, body] of cases) {
      const res = await caseworker.call(method, path, body, { 'if-match': '"1"' });
      assert.equal(res.status, 403, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.doesNotMatch(JSON.stringify(res.body), /nonsense|is not a known field|is required/, `${method} ${path} tells the schema`);
    }
    const denied = await app.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('result', '=', 'denied')
      .where('actor_id', '=', `user:${caseworker.userId}`)
      .execute();
    assert.equal(denied.length, cases.length, 'every refusal is audited once');
  });

  // Issue 11, defect 7: dossier and consult answers carried no Cache-Control: no-store.
  test('answers with personal data are never cached: dossier, record, search, consult', async (t) => {
    const app = await startTestApp(t, which);
    const person = await app.factories.person();
    for (const path of [`/api/v1/persons/${person.id}/dossier`, `/api/v1/persons/${person.id}`, `/api/v1/persons/${person.id}/timeline`]) {
      const res = await app.call('GET', path);
      await expectOk(res);
      assert.equal(res.headers.get('cache-control'), 'no-store', path);
    }
    const search = await app.call('POST', '/api/v1/persons/search', { insz: person.insz });
    await expectOk(search);
    assert.equal(search.headers.get('cache-control'), 'no-store', 'search');
    const ocmw = await partner(app, 'OCMW');
    await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1' }), 201);
    const consult = await ocmw.call('POST', '/api/exchange/v1/dossiers/consult', { insz: person.insz, purpose: 'BEGELEIDING_OCMW_CLIENT' });
    await expectOk(consult);
    assert.equal(consult.headers.get('cache-control'), 'no-store', 'consult');
    const token = await app.anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' });
    assert.equal(token.headers.get('cache-control'), 'no-store', 'the token endpoint (RFC 6749 §5.1)');
  });
});
