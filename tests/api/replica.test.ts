/**
 * A read replica (KBI_REPLICA_URL): a second local PostgreSQL cluster, started here as a hot standby
 * of the test server (tests/support/standby.ts), serves the statistics and the partners' event feed
 * through the real HTTP API with the same figures as the primary, while every write goes to the
 * primary. With the standby's replay paused, the replica is provably behind: a server that allows
 * that lag answers from it — the old figures, and a feed that says up to when it is complete and
 * never skips an event —, one that allows no lag answers from the primary, and a read "as known at"
 * a moment the replica has not reached goes to the primary too. A stopped replica costs nothing but
 * the fallback. `kbi audit verify` runs on the standby itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { TEST_DATABASES, type TestDatabase } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type Call, type Res } from '../support/app.ts';
import { startStandby } from '../support/standby.ts';
import { buildApp } from '../../server/app.ts';
import { ConfigError, loadConfig } from '../../server/platform/config.ts';
import { inTransaction } from '../../server/platform/db.ts';
import { generateDemoData } from '../../server/modules/demo/generator.ts';
import { computeResult } from '../../server/modules/statistics/statistics.service.ts';
import { verifyAuditChain } from '../../server/modules/audit/audit.verify.ts';
import { belgianToday, dayOffset } from '../../server/modules/integrations/integrations.service.ts';
import { OPERATOR } from '../../server/platform/access.ts';

const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');
const skip = postgres ? false : 'needs PostgreSQL (set KBI_TEST_DATABASE_URL; CI does): the replica is a second PostgreSQL cluster streaming from it';
const METRICS_TOKEN = 'metrics-token-of-the-replica-test-0123456789';

test('KBI_REPLICA_URL is a PostgreSQL URL and needs KBI_DATABASE_URL', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };
  assert.match(problems({ KBI_REPLICA_URL: 'postgres://replica/kbi' }).join('\n'), /KBI_REPLICA_URL needs KBI_DATABASE_URL/);
  assert.match(problems({ KBI_DATABASE_URL: 'postgres://primary/kbi', KBI_REPLICA_URL: 'mysql://replica/kbi' }).join('\n'), /postgres:\/\//);
  assert.match(
    problems({ KBI_DATABASE_URL: 'postgres://primary/kbi', KBI_REPLICA_URL: 'postgres://replica/kbi', KBI_REPLICA_MAX_LAG_SECONDS: '-1' }).join('\n'),
    /KBI_REPLICA_MAX_LAG_SECONDS/,
  );
  const ok = loadConfig({ KBI_DATABASE_URL: 'postgres://primary/kbi', KBI_REPLICA_URL: 'postgres://replica/kbi' });
  assert.deepEqual([ok.replicaUrl, ok.replicaMaxLagSeconds], ['postgres://replica/kbi', 10]);
});

/** A caller of another server on the same database (the same session cookie or bearer token opens it). */
const callerAt =
  (base: string, headers: Record<string, string>): Call =>
  async (method, path, body, extra = {}) => {
    const res = await fetch(base + path, { method, headers: { ...headers, ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text } as Res;
  };

test(
  'statistics and the event feed read from a streaming replica, with the primary’s figures; a lagging or lost replica falls back',
  { skip, timeout: 240_000 },
  async (t) => {
    const started = Date.now();
    const primaryUrl = process.env.KBI_TEST_DATABASE_URL!;
    const opened = await postgres!.open();
    const dbName = new URL(opened.url!).pathname.slice(1);
    // The base backup runs while a small demo population is written on the primary (it streams to the standby).
    const starting = startStandby(primaryUrl);
    t.after(async () => (await starting.catch(() => null))?.stop());
    const [standby] = await Promise.all([starting, generateDemoData(opened, { persons: 60, seed: 11 })]);
    t.diagnostic(`standby on port ${standby.port} in ${Date.now() - started} ms (${JSON.stringify(standby.timing)})`);
    const replicaUrl = standby.url(dbName);
    const same: TestDatabase = { name: 'postgres', open: async () => opened };
    const env = { KBI_DATABASE_URL: opened.url!, KBI_REPLICA_URL: replicaUrl, KBI_METRICS_TOKEN: METRICS_TOKEN };
    // This server lets the replica be an hour behind; the strict one below, not at all.
    const app = await startTestApp(t, same, { ...env, KBI_REPLICA_MAX_LAG_SECONDS: '3600' });
    const strict = await buildApp({
      config: loadConfig({
        KBI_LOG_LEVEL: 'silent',
        KBI_DEMO_PERSONS: '0',
        KBI_SERVE_WEB: 'false',
        KBI_USER_RATE_LIMIT_PER_MINUTE: '0',
        ...env,
        KBI_REPLICA_MAX_LAG_SECONDS: '0',
      }),
      database: app.database,
    });
    t.after(() => strict.close());
    await strict.http.listen({ port: 0, host: '127.0.0.1' });
    const strictBase = `http://127.0.0.1:${(strict.http.server.address() as { port: number }).port}`;

    // More data on the primary: an OCMW with a client whose dossier changes twice.
    const agency = await app.factories.organisation({ kind: 'AGENCY' });
    const office = await app.factories.office(agency.id);
    const client = await app.factories.person();
    await app.factories.add(client.id, 'caseLead', { managingOfficeId: office.id, openedOn: dayOffset(belgianToday(), -30) });
    const ocmw = await partner(app, 'OCMW', 'OCMW Gent');
    await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: client.insz, capacityCode: '1' }), 201);
    const change = () =>
      inTransaction(app.database.db, 'test:change', (tx) => sql`UPDATE dossiers SET opened_on = opened_on WHERE person_id = ${client.id}::uuid`.execute(tx));
    await change();
    await change();
    const analyst = await app.as('MONITORING_ANALYST');
    const strictAnalyst = callerAt(strictBase, { cookie: analyst.cookie });
    const strictOcmw = callerAt(strictBase, { authorization: ocmw.authorization });
    const setUp = Date.now();
    await standby.waitCaughtUp();
    t.diagnostic(`data written and the standby caught up in ${Date.now() - started} ms (waited ${Date.now() - setUp} ms for the standby)`);

    const ctx = { actor: OPERATOR, requestId: 'replica-test' };
    const onPrimary = async (asOf?: string) => computeResult(app.database.db, ctx, { setId: 'reach', year: 2024, ...(asOf ? { asOf } : {}) });
    const figures = (result: any) => result.breakdowns.map((b: any) => ({ id: b.id, total: b.total, cells: b.cells.map((c: any) => [c.key, c.values]) }));
    const reach = async (call: Call, asOf?: string) =>
      expectOk(await call('GET', `/api/v1/statistics/sets/reach/result?year=2024${asOf ? `&asOf=${encodeURIComponent(asOf)}` : ''}`));
    const feed = async (call: Call) => expectOk(await call('GET', '/api/exchange/v1/events?after=0'));
    const counts = () => app.app.deps.reads!.counts();

    // 1. Caught up: the replica answers, with exactly the primary's figures, now and as known on a date.
    const before = counts();
    const now1 = await reach(analyst.call);
    const primary1 = await onPrimary();
    assert.ok(primary1.breakdowns[0]!.total.persons! > 0, 'the demo world has newcomers in 2024');
    assert.deepEqual(figures(now1), figures(primary1), 'the same figures as on the primary');
    const cutOff = '2025-06-30';
    assert.deepEqual(figures(await reach(analyst.call, cutOff)), figures(await onPrimary(cutOff)), 'as known on a date too');
    const events1 = await feed(ocmw.call);
    assert.equal(events1.items.length, 2, 'both dossier changes are in the feed');
    assert.ok(Date.parse(events1.consistentAt) >= Date.parse(events1.items[1].at), 'the feed says up to when it is complete');
    assert.equal(counts().replica - before.replica, 3, 'all three reads went to the replica');
    // The replica's own view: KBI's readers are connected to the test database on the standby, which is in recovery.
    const readers = await standby.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'kbi-replica-reader' AND datname = $1`,
      [dbName],
    );
    assert.ok(readers[0]!.n >= 1, 'KBI reads the test database on the standby');
    const [recovery] = await standby.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    assert.equal(recovery?.standby, true);
    // The audit rows of those reads are written on the primary (a standby cannot write), saying where the figures came from.
    const audited = await sql<{
      source: string;
    }>`SELECT detail->>'source' AS source FROM audit_log WHERE action = 'statistics.compute' AND request_id <> 'replica-test'`.execute(app.database.db);
    assert.deepEqual(
      audited.rows.map((r) => r.source),
      ['replica', 'replica'],
    );

    // 2. The replica stops replaying; the primary moves on: a newcomer of 2024 is added through the API, the client's dossier changes again.
    await standby.pauseReplay();
    const paused = new Date().toISOString();
    await app.factories.person({ firstExtractionDate: '2024-03-01' });
    await change();
    const primary2 = await onPrimary();
    assert.equal(primary2.breakdowns[0]!.total.persons, primary1.breakdowns[0]!.total.persons! + 1, 'the primary counts the newcomer');

    // The lenient server still reads the replica: the figures as the primary had them, and says as of when.
    const now2 = await reach(analyst.call);
    assert.deepEqual(figures(now2), figures(primary1), 'the replica is behind: the figures before the newcomer');
    assert.ok(now2.current && Date.parse(now2.asOf) <= Date.parse(paused), `its "now" is the replica's position (${now2.asOf}), not later than the pause`);
    assert.deepEqual(figures(await onPrimary(now2.asOf)), figures(now2), 'what the primary had at that moment');
    // A cut-off the replica has not reached goes to the primary.
    const asOfNow = new Date().toISOString();
    assert.deepEqual(figures(await reach(analyst.call, asOfNow)), figures(await onPrimary(asOfNow)), 'a cut-off past the replica is answered by the primary');
    // The feed from the replica: the first two events, the third not yet, and a consistentAt before it.
    const events2 = await feed(ocmw.call);
    const third = await app.database.db
      .selectFrom('outbox_events')
      .select(['seq', 'at'])
      .where('organisation_id', '=', ocmw.organisation.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      events2.items.map((e: any) => e.seq),
      events1.items.map((e: any) => e.seq),
      'a prefix of the events, nothing skipped',
    );
    assert.ok(Date.parse(events2.consistentAt) < Date.parse(third.at as unknown as string), 'consistentAt is before the event not yet there');
    assert.equal(events2.next, events1.next, 'the cursor does not move past what was not seen');

    // The strict server (KBI_REPLICA_MAX_LAG_SECONDS=0) reads the primary while the replica is behind.
    const strictBefore = strict.deps.reads!.counts();
    assert.deepEqual(figures(await reach(strictAnalyst)), figures(primary2), 'no lag allowed: the primary answers, newcomer included');
    const strictEvents = await feed(strictOcmw);
    assert.equal(strictEvents.items.length, 3, 'the feed from the primary has the third event');
    assert.deepEqual(strict.deps.reads!.counts(), { replica: strictBefore.replica, primary: strictBefore.primary + 2 });
    const metrics = await (await fetch(`${strictBase}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    assert.match(metrics, /kbi_replica_reads_total\{source="primary"[^}]*\} [1-9]/);
    const lag = Number(/kbi_replica_lag_seconds\{[^}]*\} ([-0-9.e]+)/.exec(metrics)?.[1]);
    assert.ok(lag > 0, `the replica's lag is reported (${lag} s)`);

    // 3. Replay resumes: the replica catches up and answers with the primary's new figures and the third event.
    await standby.resumeReplay();
    await standby.waitCaughtUp();
    assert.deepEqual(figures(await reach(analyst.call)), figures(await onPrimary()), 'caught up: the same figures again');
    const events3 = await feed(ocmw.call);
    assert.deepEqual(
      events3.items.map((e: any) => e.seq),
      [...events1.items.map((e: any) => e.seq), Number(third.seq)],
    );

    // 4. `kbi audit verify` runs on the standby itself (read-only: nothing to migrate there) and finds the primary's trail intact.
    const onReplica = spawnSync(process.execPath, ['bin/kbi.js', 'audit', 'verify'], {
      encoding: 'utf8',
      env: { ...process.env, KBI_DATABASE_URL: replicaUrl, KBI_REPLICA_URL: '', KBI_LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    assert.equal(onReplica.status, 0, onReplica.stdout + onReplica.stderr);
    const trail = await verifyAuditChain(app.database.db);
    assert.ok(trail.ok);
    // The primary may have audited more since (the reads above): the replica's trail is its prefix, intact.
    const verified = Number(/intact: (\d+) records/.exec(onReplica.stdout)?.[1]);
    assert.ok(verified > 0 && verified <= trail.rows, `the standby's trail is intact (${verified} of ${trail.rows} records)`);

    // 5. The replica goes away: the same requests are answered by the primary.
    await standby.stop();
    assert.deepEqual(figures(await reach(analyst.call)), figures(await onPrimary()), 'without the replica, the primary answers');
    assert.equal((await feed(ocmw.call)).items.length, 3);
    t.diagnostic(`whole test ${Date.now() - started} ms`);
  },
);
