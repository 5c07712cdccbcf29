/**
 * The operator's endpoints over real HTTP: liveness without the database, readiness that checks the
 * database and its migrations (503 problem+json otherwise), the Prometheus metrics behind a bearer
 * token (401 without) with requests counted by route pattern (never an id or an INSZ), the outbox,
 * import runs and the pool; and request ids: a caller's X-Request-Id (a UUID) is kept, answered and
 * in every log line of the request.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp } from '../support/app.ts';
import { buildApp } from '../../server/app.ts';
import { inTransaction } from '../../server/platform/db.ts';
import { startRelay } from '../../server/modules/notifications/notifications.relay.ts';
import { waitFor } from '../support/notifications.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { createLogger } from '../../server/platform/logger.ts';

const TOKEN = 'metrics-token-of-this-test-0123456789abcdef';
const bearer = { authorization: `Bearer ${TOKEN}` };

/** One sample's value from the exposition text (labels given as a subset, in any order). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return null;
}

for (const which of TEST_DATABASES) {
  describe(`operations (${which.name})`, () => {
    test('liveness and readiness are public; readiness is 503 problem+json when the schema is not this build’s', async (t) => {
      const app = await startTestApp(t, which);
      const live = await app.anonymous('GET', '/api/health/live');
      assert.deepEqual([live.status, live.body], [200, { status: 'live' }]);
      const ready = await app.anonymous('GET', '/api/health/ready');
      assert.deepEqual([ready.status, ready.body], [200, { status: 'ready' }]);
      assert.deepEqual((await expectOk(await app.anonymous('GET', '/api/health'))).status, 'ok', '/api/health is as it was');

      // A migration this build does not know (a newer version migrated the database): not ready.
      await sql`INSERT INTO kbi_migration (name, timestamp) VALUES ('2099_01_01_9999_future', now()::text)`.execute(app.database.db);
      const newer = await app.anonymous('GET', '/api/health/ready');
      assert.equal(newer.status, 503);
      assert.match(newer.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(newer.body.status, 503);
      assert.match(newer.body.detail, /does not know/);
      assert.equal((await app.anonymous('GET', '/api/health/live')).status, 200, 'still live: restarting would not help');
      // A migration of this build missing: not ready either, naming it.
      await sql`DELETE FROM kbi_migration WHERE name = '2099_01_01_9999_future'`.execute(app.database.db);
      const last = await sql<{ name: string }>`SELECT name FROM kbi_migration ORDER BY name DESC LIMIT 1`.execute(app.database.db);
      await sql`DELETE FROM kbi_migration WHERE name = ${last.rows[0]!.name}`.execute(app.database.db);
      const older = await app.anonymous('GET', '/api/health/ready');
      assert.equal(older.status, 503);
      assert.ok(older.body.detail.includes(last.rows[0]!.name) && /kbi migrate/.test(older.body.detail), older.body.detail);
      await sql`INSERT INTO kbi_migration (name, timestamp) VALUES (${last.rows[0]!.name}, now()::text)`.execute(app.database.db);
      assert.equal((await app.anonymous('GET', '/api/health/ready')).status, 200);
    });

    test('metrics need the scraper’s bearer token; they count by route pattern and show outbox, imports and pool', async (t) => {
      const app = await startTestApp(t, which, { KBI_METRICS_TOKEN: TOKEN }, { operatorToken: 'operator-token-of-this-test' });
      for (const headers of [
        {} as Record<string, string>,
        { authorization: 'Bearer wrong' },
        { authorization: `Bearer ${TOKEN}x` },
        { authorization: TOKEN },
      ]) {
        const refused = await app.anonymous('GET', '/api/metrics', undefined, headers);
        assert.equal(refused.status, 401, JSON.stringify(headers));
        assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
      }
      const partnerCall = (await partner(app, 'CVO', 'CVO Metrics')).call;
      assert.equal((await partnerCall('GET', '/api/metrics')).status, 401, 'a partner token is not a metrics token');
      assert.equal((await app.call('GET', '/api/metrics')).status, 401, 'nor is a staff session');
      const refusals = await app.database.db.selectFrom('audit_log').select(['action', 'result']).where('action', '=', 'GET /api/metrics').execute();
      assert.ok(refusals.length >= 6 && refusals.every((r) => r.result !== 'allowed'), 'every refused scrape is audited');
      assert.equal(
        (await app.anonymous('GET', '/api/metrics', undefined, { authorization: 'Bearer operator-token-of-this-test' })).status,
        200,
        'the operator token opens it',
      );

      const person = await app.factories.person();
      for (let i = 0; i < 3; i++) await expectOk(await app.call('GET', `/api/v1/persons/${person.id}`));
      await app.call('GET', `/api/v1/persons/${randomUUID()}`); // 404
      const failedImport = await partnerCall('POST', '/api/exchange/v1/imports/enrolments?batchId=metrics-1', 'insz;status\n1;2\n', {
        'content-type': 'text/csv',
      });
      assert.equal(failedImport.status, 400);

      const res = await app.anonymous('GET', '/api/metrics', undefined, bearer);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const text = res.body as string;
      const byId = { method: 'GET', route: '/api/v1/persons/:id' };
      assert.equal(sample(text, 'kbi_http_requests_total', { ...byId, status_class: '2xx' }), 3);
      assert.equal(sample(text, 'kbi_http_requests_total', { ...byId, status_class: '4xx' }), 1);
      assert.equal(sample(text, 'kbi_http_request_duration_seconds_count', { ...byId, status_class: '2xx' }), 3);
      assert.equal(sample(text, 'kbi_http_request_duration_seconds_bucket', { ...byId, status_class: '2xx', le: '+Inf' }), 3);
      assert.ok(!text.includes(person.id) && !text.includes(person.insz), 'no id and no INSZ in the metrics');
      assert.ok(sample(text, 'kbi_http_requests_total', { route: '/api/metrics', status_class: '4xx' })! >= 6, 'refused scrapes counted');
      assert.equal(sample(text, 'kbi_import_runs', { status: 'failed' }), 1);
      assert.equal(sample(text, 'kbi_import_runs', { status: 'running' }), 0);
      assert.equal(sample(text, 'kbi_import_running_rows'), 0);
      assert.equal(sample(text, 'kbi_outbox_head_seq'), 0, 'no event yet');
      assert.equal(sample(text, 'kbi_db_pool_connections', { state: 'max' }), which.name === 'pglite' ? 1 : 4);
      assert.ok(sample(text, 'kbi_db_pool_connections', { state: 'total' })! >= 1);
      assert.equal(sample(text, 'kbi_db_info', { kind: which.name }), 1);
      assert.ok(sample(text, 'kbi_process_resident_memory_bytes')! > 0, 'process metrics');
      assert.equal(sample(text, 'kbi_metrics_collect_errors_total'), null, 'no database read failed');
      assert.match(text, new RegExp(`pid="${process.pid}"`));

      // An outbox event moves the head: a referral decided by the agency tells the referring partner.
      // Written as a change writes it, in a transaction that names its actor (a new pool connection knows no kbi.actor otherwise).
      await inTransaction(app.database.db, 'test:decide', (tx) =>
        sql`INSERT INTO outbox_events (organisation_id, type, subject_id, payload) VALUES (${app.homeOrganisationId}, 'referral.decided', ${randomUUID()}, '{}')`.execute(
          tx,
        ),
      );
      const after = (await app.anonymous('GET', '/api/metrics', undefined, bearer)).body as string;
      assert.equal(sample(after, 'kbi_outbox_head_seq'), 1);
      assert.ok(sample(after, 'kbi_outbox_newest_event_age_seconds')! < 60);
    });

    test('the webhook relay reports its lag and failed deliveries as outbox reader "webhooks"', async (t) => {
      const app = await startTestApp(t, which, { KBI_METRICS_TOKEN: TOKEN });
      const scrape = async () => (await app.anonymous('GET', '/api/metrics', undefined, bearer)).body as string;
      const webhooks = { reader: 'webhooks' };
      let text = await scrape();
      assert.equal(sample(text, 'kbi_outbox_lag_events', webhooks), 0, 'no webhook, no lag');
      assert.equal(sample(text, 'kbi_outbox_lag_seconds', webhooks), 0);
      assert.equal(sample(text, 'kbi_outbox_delivery_failures', webhooks), 0);

      // An OCMW's webhook at an address where nothing listens, and three events for it since.
      const ocmw = await partner(app, 'OCMW', 'OCMW Metrics');
      const other = await partner(app, 'OCMW', 'OCMW Pull');
      await expectOk(await app.call('PUT', `/api/v1/notifications/endpoints/${ocmw.organisation.id}`, { url: 'http://127.0.0.1:9/hooks/kbi' }), 201);
      await expectOk(
        await app.call('PUT', `/api/v1/notifications/endpoints/${other.organisation.id}`, { url: 'http://127.0.0.1:9/hooks/kbi', mode: 'PULL' }),
        201,
      );
      await inTransaction(app.database.db, 'test:decide', async (tx) => {
        for (const org of [ocmw, ocmw, ocmw, other])
          await sql`INSERT INTO outbox_events (organisation_id, type, subject_id, payload) VALUES (${org.organisation.id}, 'referral.decided', ${randomUUID()}, '{}')`.execute(
            tx,
          );
      });
      text = await scrape();
      assert.equal(sample(text, 'kbi_outbox_lag_events', webhooks), 3, "three events not pushed yet; the pull-only partner's event is not the relay's");
      assert.ok(sample(text, 'kbi_outbox_lag_seconds', webhooks)! < 60);

      // The relay tries: one delivery of the three, refused connection.
      const relay = startRelay(
        app.app.deps,
        { pollMs: 60_000, timeoutMs: 1000, retrySeconds: 3600, backoffMs: 60_000, maxBackoffSeconds: 60, leaseSeconds: 5, alertAfter: 3 },
        createLogger('silent'),
      );
      try {
        await waitFor('a failed attempt', async () => (await app.database.db.selectFrom('notification_attempts').select('id').execute()).length === 1);
      } finally {
        await relay.stop();
      }
      await inTransaction(app.database.db, 'test:clock', (tx) => sql`UPDATE outbox_events SET at = at - interval '10 minutes'`.execute(tx));
      text = await scrape();
      assert.equal(sample(text, 'kbi_outbox_delivery_failures', webhooks), 1, 'one failed attempt (a POST of three events)');
      assert.equal(sample(text, 'kbi_outbox_lag_events', webhooks), 3, 'still three behind');
      assert.ok(sample(text, 'kbi_outbox_lag_seconds', webhooks)! >= 600, 'the oldest waits for ten minutes: the lag alert fires');
      assert.equal(sample(text, 'kbi_metrics_collect_errors_total'), null);
    });
  });
}

test('request ids: a UUID X-Request-Id is kept and answered, anything else replaced; every request log line carries it', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const database = await TEST_DATABASES[0]!.open();
  const app = await buildApp({ config: loadConfig({ KBI_DEMO_PERSONS: '0', KBI_SERVE_WEB: 'false' }), database, logger: createLogger('info', sink) });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    await database.close();
  });
  const address = app.http.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const mine = randomUUID().toUpperCase();
  const kept = await fetch(`${base}/api/v1/persons/${randomUUID()}`, { headers: { 'x-request-id': mine } });
  assert.equal(kept.status, 401);
  assert.equal(kept.headers.get('x-request-id'), mine.toLowerCase());
  assert.equal((await kept.json()).instance, `urn:uuid:${mine.toLowerCase()}`, 'the problem names the same id');

  for (const bad of ['not-a-uuid', '1234', `${randomUUID()} x`, '../../etc', 'x'.repeat(200)]) {
    const replaced = await fetch(`${base}/api/health/live`, { headers: { 'x-request-id': bad } });
    const id = replaced.headers.get('x-request-id') ?? '';
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, bad);
  }
  const none = await fetch(`${base}/api/health/live`);
  const generated = none.headers.get('x-request-id')!;
  assert.match(generated, /^[0-9a-f-]{36}$/);

  const records = lines
    .join('')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const requestLines = records.filter((r) => r.msg === 'request');
  assert.ok(requestLines.length >= 7, `${requestLines.length} request lines`);
  for (const r of requestLines) {
    assert.match(r.reqId, /^[0-9a-f-]{36}$/, JSON.stringify(r));
    assert.ok(r.route && r.status && typeof r.ms === 'number' && r.level === 30 && r.time && r.service === 'kbi', JSON.stringify(r));
  }
  assert.ok(requestLines.some((r) => r.reqId === mine.toLowerCase() && r.status === 401));
  assert.ok(requestLines.some((r) => r.reqId === generated && r.route === '/api/health/live'));
  // The denial's own line carries it too.
  assert.ok(records.filter((r) => r.reqId === mine.toLowerCase()).length >= 1);
});

test('a request line or headers too large for the server is answered as problem+json, not a bare 431', async (t) => {
  const app = await startTestApp(t, TEST_DATABASES[0]!);
  const res = await fetch(`${app.base}/api/v1/persons/search?q=${'x'.repeat(20_000)}`);
  assert.equal(res.status, 431);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const body = await res.json();
  assert.equal(body.status, 431);
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.type, 'string');
  assert.equal((await app.anonymous('GET', '/api/health/live')).status, 200, 'the server still answers');
});
