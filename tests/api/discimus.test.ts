/**
 * DISCIMUS: KBI asks the education database, here the simulator running as a process of its own,
 * whether a minor is enrolled in a school. Answered, failed (the simulator down, killed, too slow)
 * and repeated queries are each kept with their answer (seed 000: never only the last one); a
 * failure reaches the caller as a 503 problem; roles and territory decide who may ask. And
 * `npm start` with demo data starts the simulator itself.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp, type TestApp } from '../support/app.ts';
import { startSimulator, type SimulatorProcess } from '../../server/modules/discimus/simulator.process.ts';
import { schoolYearOf } from '../../server/modules/discimus/discimus.service.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';

const thisYear = schoolYearOf(belgianToday());
const lastYear = `${Number(thisYear.slice(0, 4)) - 1}-${thisYear.slice(0, 4)}`;

const admin = (sim: SimulatorProcess, path: string, body: unknown = {}) =>
  fetch(`${sim.url}${path}`, {
    method: path.startsWith('/admin/stats') ? 'GET' : 'POST',
    ...(path.startsWith('/admin/stats') ? {} : { body: JSON.stringify(body) }),
  }).then((r) => r.json());

async function world(t: import('node:test').TestContext, which: (typeof TEST_DATABASES)[number]) {
  const sim = await startSimulator();
  t.after(() => sim.stop());
  const app = await startTestApp(t, which, { KBI_DISCIMUS_URL: sim.url, KBI_DISCIMUS_TIMEOUT_MS: '1500' });
  const birth = `${Number(belgianToday().slice(0, 4)) - 12}-03-14`;
  const minor = await app.factories.person({ insz: makeInsz({ birthDate: birth, serial: 211 }), givenNames: 'Yusuf' });
  const caseworker = await app.as('AGENCY_CASEWORKER', { organisationId: app.homeOrganisationId });
  return { sim, app, minor, caseworker };
}

const queriesIn = (app: TestApp) => app.database.db.selectFrom('discimus_queries').selectAll().orderBy('asked_at').execute();

for (const which of TEST_DATABASES) {
  describe(`DISCIMUS queries (${which.name})`, () => {
    test('answered, then asked again: both answers kept with their times, the earlier one unchanged', async (t) => {
      const { sim, app, minor, caseworker } = await world(t, which);
      const path = `/api/v1/persons/${minor.id}/discimusQueries`;

      await admin(sim, '/admin/enrolment', { insz: minor.insz, schoolYear: thisYear, status: 'UITGESCHREVEN' });
      const first = await expectOk(await caseworker.call('POST', path, {}), 201);
      assert.deepEqual(
        [first.status, first.schoolYear, first.enrolled, first.answer.status],
        ['answered', thisYear, false, 'UITGESCHREVEN'],
        'the current school year by default',
      );
      assert.ok(first.answer.enrolment.name && first.answer.reference, 'the answer as DISCIMUS gave it');
      assert.ok(Date.parse(first.askedAt) <= Date.parse(first.answeredAt));

      await admin(sim, '/admin/enrolment', { insz: minor.insz, schoolYear: thisYear, status: 'INGESCHREVEN' });
      const second = await expectOk(await caseworker.call('POST', path, { schoolYear: thisYear }), 201);
      assert.deepEqual([second.enrolled, second.answer.status], [true, 'INGESCHREVEN']);
      const past = await expectOk(await caseworker.call('POST', path, { schoolYear: lastYear }), 201);
      assert.equal(past.schoolYear, lastYear);

      const listed = await expectOk(await caseworker.call('GET', path));
      assert.deepEqual(
        listed.items.map((q: any) => q.id),
        [past.id, second.id, first.id],
        'every query, newest first',
      );
      assert.deepEqual(listed.items[2], first, 'the first answer ("not enrolled") is still there, as it was');
      const rows = await queriesIn(app);
      assert.equal(rows.length, 3);
      assert.ok(rows.every((r) => r.asked_by === first.askedBy && r.person_id === minor.id && r.status === 'answered'));
      assert.ok(
        rows.every((r) => !JSON.stringify(r.request).includes(minor.insz) && !JSON.stringify(r.answer).includes(minor.insz)),
        'the INSZ is not copied into the log',
      );
      assert.equal((await admin(sim, '/admin/stats')).queries, 3, 'DISCIMUS was really asked three times');

      const audits = await app.database.db.selectFrom('audit_log').selectAll().where('action', 'like', 'discimusQueries.%').orderBy('id').execute();
      assert.deepEqual(
        audits.map((a) => [a.action, a.person_id, a.result]),
        [
          ['discimusQueries.create', minor.id, 'allowed'],
          ['discimusQueries.create', minor.id, 'allowed'],
          ['discimusQueries.create', minor.id, 'allowed'],
          ['discimusQueries.list', minor.id, 'allowed'],
        ],
      );
      assert.deepEqual(audits[0]!.clusters, ['targetGroup']);
      const overwrite = await app.database.db
        .updateTable('discimus_queries')
        .set({ status: 'failed', error: 'x', answer: null, answered_at: null })
        .execute()
        .then(
          () => 'updated',
          () => 'refused',
        );
      assert.equal(overwrite, 'refused', 'the database keeps every answer: no update');
      const remove = await app.database.db
        .deleteFrom('discimus_queries')
        .execute()
        .then(
          () => 'deleted',
          () => 'refused',
        );
      assert.equal(remove, 'refused', '… and no delete');

      // A retry with the same Idempotency-Key does not ask DISCIMUS again.
      const key = { 'idempotency-key': 'discimus-retry-0001' };
      const once = await caseworker.call('POST', path, { schoolYear: thisYear }, key);
      const again = await caseworker.call('POST', path, { schoolYear: thisYear }, key);
      assert.deepEqual([once.status, again.status], [201, 201]);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, once.body);
      assert.equal((await queriesIn(app)).length, 4);
      assert.equal((await admin(sim, '/admin/stats')).queries, 4);
    });

    test('DISCIMUS down, too slow or gone: 503 for the caller, and the failed query recorded', async (t) => {
      const { sim, app, minor, caseworker } = await world(t, which);
      const path = `/api/v1/persons/${minor.id}/discimusQueries`;
      const expectUnavailable = async (error: RegExp) => {
        const res = await caseworker.call('POST', path, {});
        assert.equal(res.status, 503);
        assert.equal(res.body.code, 'serviceUnavailable');
        assert.match(res.body.detail, /DISCIMUS did not answer/);
        const row = await app.database.db.selectFrom('discimus_queries').selectAll().where('id', '=', res.body.queryId).executeTakeFirstOrThrow();
        assert.deepEqual([row.status, row.answer, row.answered_at, row.person_id], ['failed', null, null, minor.id]);
        assert.match(row.error ?? '', error);
        return row;
      };

      await admin(sim, '/admin/down');
      await expectUnavailable(/HTTP 503: DISCIMUS is temporarily unavailable/);
      await admin(sim, '/admin/up');
      await admin(sim, '/admin/delay', { ms: 4000 });
      await expectUnavailable(/no answer within 1500 ms/);
      await admin(sim, '/admin/delay', { ms: 0 });
      const ok = await expectOk(await caseworker.call('POST', path, {}), 201);
      assert.equal(ok.status, 'answered', 'up again: answered');
      await sim.stop(); // the process is gone
      await expectUnavailable(/could not reach DISCIMUS/);

      const listed = await expectOk(await caseworker.call('GET', path));
      assert.deepEqual(
        listed.items.map((q: any) => q.status),
        ['failed', 'answered', 'failed', 'failed'],
        'failures are kept with the answers',
      );
      assert.ok(listed.items.filter((q: any) => q.status === 'failed').every((q: any) => q.enrolled === null && q.error));
      const audits = await app.database.db.selectFrom('audit_log').select('detail').where('action', '=', 'discimusQueries.create').orderBy('id').execute();
      assert.deepEqual(
        audits.map((a) => a.detail.status),
        ['failed', 'failed', 'answered', 'failed'],
        'each query is audited with its outcome',
      );
    });

    test('who may ask: roles that write the dossier, inside their territory; bad input stores nothing', async (t) => {
      const { app, minor, caseworker } = await world(t, which);
      const path = `/api/v1/persons/${minor.id}/discimusQueries`;
      const before = await app.rowCounts('discimus_queries');

      for (const role of ['HOUSE_OF_DUTCH', 'MONITORING_ANALYST', 'OCMW_SOCIAL_WORKER', 'PRIVACY_OFFICER']) {
        const { call } = await app.as(role, { organisationId: app.homeOrganisationId });
        const res = await call('POST', path, {});
        assert.equal(res.status, 403, role);
        const audit = await app.database.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
        assert.deepEqual([audit.result, audit.action, audit.person_id], ['denied', 'targetGroup.create', minor.id], `${role}: the refusal is audited`);
      }
      const lead = await app.as('TEAM_LEAD', { organisationId: app.homeOrganisationId });
      await expectOk(await lead.call('POST', path, {}), 201);
      const elsewhere = await app.as('AGENCY_CASEWORKER', { organisationId: (await app.factories.organisation({ name: 'Elders' })).id });
      const outside = await elsewhere.call('POST', path, {});
      assert.equal(outside.status, 404, 'outside the territory the person does not exist');
      assert.equal((await elsewhere.call('GET', path)).status, 404);
      const denied = await app.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'discimusQueries.list')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(denied.result, 'denied');

      const adult = await app.factories.person({ insz: makeInsz({ birthDate: '1990-06-01', serial: 417 }) });
      const tooOld = await caseworker.call('POST', `/api/v1/persons/${adult.id}/discimusQueries`, {});
      assert.equal(tooOld.status, 422, 'DISCIMUS is asked about minors only');
      assert.equal(tooOld.body.issues[0].name, 'schoolYear');
      for (const schoolYear of ['2025-2027', '2025/2026', '1990-1991', `${Number(thisYear.slice(0, 4)) + 5}-${Number(thisYear.slice(0, 4)) + 6}`]) {
        const res = await caseworker.call('POST', path, { schoolYear });
        assert.equal(res.status, 400, schoolYear);
        assert.deepEqual(
          res.body.issues.map((i: any) => i.name),
          ['schoolYear'],
          schoolYear,
        );
      }
      assert.equal((await caseworker.call('POST', path, { schoolYear: thisYear, insz: minor.insz })).status, 400, 'no other fields');
      assert.equal((await caseworker.call('POST', '/api/v1/persons/not-a-uuid/discimusQueries', {})).status, 400);
      assert.equal((await caseworker.call('POST', '/api/v1/persons/00000000-0000-4000-8000-000000000000/discimusQueries', {})).status, 404);
      assert.equal((await app.rowCounts('discimus_queries')).discimus_queries, before.discimus_queries! + 1, "only the team lead's query was stored");
    });
  });
}

test('without KBI_DISCIMUS_URL a query is refused with 503 and nothing is stored', async (t) => {
  const app = await startTestApp(t, TEST_DATABASES[0]!);
  const minor = await app.factories.person({ insz: makeInsz({ birthDate: `${Number(belgianToday().slice(0, 4)) - 10}-01-20`, serial: 91 }) });
  const res = await app.call('POST', `/api/v1/persons/${minor.id}/discimusQueries`, {});
  assert.equal(res.status, 503);
  assert.match(res.body.detail, /not configured/);
  assert.equal((await app.rowCounts('discimus_queries')).discimus_queries, 0);
});

test('npm start with demo data starts the DISCIMUS simulator as a child process, serves `kbi export dvz`, and stops both', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kbi-serve-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const server = spawn(process.execPath, ['bin/kbi.js', 'serve'], {
    env: {
      ...process.env,
      KBI_DATA_DIR: dir,
      KBI_DATABASE_URL: '',
      KBI_DISCIMUS_URL: '',
      KBI_DEMO_PERSONS: '3',
      PORT: '0',
      KBI_SERVE_WEB: 'false',
      KBI_LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 90_000);
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /DISCIMUS\s+(http:\/\/\S+)\s+\(simulator, a child process\)/.exec(out);
      if (m && /Demo data ready/.test(out)) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server.once('exit', () => reject(new Error(`the server stopped: ${out}`)));
  });
  const health = await fetch(`${url}/health`).then((r) => r.json());
  assert.deepEqual(health, { status: 'up' }, 'the simulator the banner names answers');

  // While the server holds the embedded data directory, `kbi export dvz` asks it to do the work (operator route).
  const csvFile = join(dir, 'dvz.csv');
  const cli = spawn(process.execPath, ['bin/kbi.js', 'export', 'dvz', '--out', csvFile], {
    env: { ...process.env, KBI_DATA_DIR: dir, KBI_DATABASE_URL: '', KBI_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let cliErr = '';
  cli.stderr!.on('data', (c: Buffer) => {
    cliErr += c.toString();
  });
  assert.equal(await new Promise((resolve) => cli.once('exit', resolve)), 0, cliErr);
  assert.match(cliErr, /asking it to do the work/);
  assert.match(cliErr, /\d+ persons \(\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\) written/);
  assert.match(readFileSync(csvFile, 'utf8'), /^naam,voornaam,rijksregisternummer,inburgeringscontract_ondertekend,inburgeringsattest_behaald\n/);
  server.kill('SIGTERM');
  assert.equal(await exited, 0);
  const after = await fetch(`${url}/health`).then(
    () => 'up',
    () => 'gone',
  );
  assert.equal(after, 'gone', 'the simulator stops with the server');
});
