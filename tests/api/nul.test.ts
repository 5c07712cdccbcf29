/**
 * Issue 11, defect 2: a NUL character (U+0000) in a text field answered 500 with a stack trace in
 * the log, even on the log-in and token endpoints. PostgreSQL text cannot hold it: it is a 400
 * naming the field, everywhere, and nothing is stored.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type Res } from '../support/app.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { createLogger } from '../../server/platform/logger.ts';

const NUL = '\u0000';
const CSV = { 'content-type': 'text/csv; charset=utf-8' };

function assertNamed(res: Res, name: string, what: string) {
  assert.equal(res.status, 400, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.ok(
    res.body.issues?.some((i: any) => i.name === name && /NUL/.test(i.detail)),
    `${what} names ${name}: ${JSON.stringify(res.body.issues)}`,
  );
}

for (const which of TEST_DATABASES) {
  describe(`NUL characters (${which.name})`, () => {
    test('a NUL in any field is a 400 naming it: log-in, token, create, change, query; nothing stored', async (t) => {
      const app = await startTestApp(t, which);
      assertNamed(await app.anonymous('POST', '/api/v1/session', { username: `admin${NUL}`, password: 'x' }), 'username', 'log-in');
      assertNamed(
        await app.anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials', client_id: `a${NUL}b`, client_secret: 'x' }),
        'client_id',
        'token (JSON)',
      );
      assertNamed(
        await app.anonymous('POST', '/api/exchange/v1/oauth/token', `grant_type=client_credentials&client_id=a%00b&client_secret=x`, {
          'content-type': 'application/x-www-form-urlencoded',
        }),
        'client_id',
        'token (form)',
      );

      const before = await app.rowCounts('persons', 'audit_log');
      const person = await app.factories.person();
      const counted = await app.rowCounts('persons');
      assertNamed(
        await app.call('POST', '/api/v1/persons', { insz: '85073003328', familyName: `Jans${NUL}sens`, givenNames: 'An', gender: '2', nationality: 'BEL' }),
        'familyName',
        'create',
      );
      const read = await app.call('GET', `/api/v1/persons/${person.id}`);
      assertNamed(
        await app.call(
          'PATCH',
          `/api/v1/persons/${person.id}`,
          { municipality: `Gent${NUL}` },
          { 'if-match': read.headers.get('etag')!, 'content-type': 'application/merge-patch+json' },
        ),
        'municipality',
        'change',
      );
      assertNamed(await app.call('POST', '/api/v1/persons/search', { familyName: `x${NUL}` }), 'familyName', 'search');
      assertNamed(await app.call('GET', `/api/v1/organisations?name=a%00b`), 'name', 'query string');
      assertNamed(
        await app.call('POST', '/api/v1/persons', { insz: '85073003328', familyName: 'J', givenNames: 'An', gender: '2', nationality: 'BEL', [`x${NUL}`]: 1 }),
        'x\\u0000',
        'a field name',
      );
      assert.deepEqual(await app.rowCounts('persons'), counted, 'nothing stored');
      const after = await expectOk(await app.call('GET', `/api/v1/persons/${person.id}`));
      assert.equal(after.version, read.body.version, 'the person is unchanged');
      assert.ok((await app.rowCounts('persons')).persons === before.persons! + 1);
    });

    test('a NUL in a course-feed row is a row error naming line and column; nothing is imported', async (t) => {
      const app = await startTestApp(t, which);
      const cvo = await partner(app, 'CVO', 'CVO Gent');
      const course = await expectOk(
        await app.call('POST', '/api/v1/courses', {
          providerId: cvo.organisation.id,
          courseType: 'NT2',
          name: 'NT2 richtgraad 1',
          trainingCode: 'NT2-RG1',
          startDate: '2022-09-05',
          endDate: '2022-12-20',
        }),
        201,
      );
      await expectOk(
        await app.call('POST', '/api/v1/courseModules', { courseId: course.id, code: 'BT1', name: 'Breakthrough 1', hours: 12, sequence: 1 }),
        201,
      );
      const [a, b] = [await app.factories.person(), await app.factories.person()];
      const csv =
        [
          'insz;trainingCode;courseStart;moduleCode;enrolmentNumber;enrolledOn;startDate;status;targetAttendanceRate',
          `${a.insz};NT2-RG1;2022-09-05;BT1;CVO-1;2022-08-20;2022-09-05;LOPEND;80`,
          `${b.insz};NT2-RG1;2022-09-05;BT1;CVO${NUL}2;2022-08-20;2022-09-05;LOPEND;80`,
        ].join('\n') + '\n';
      const before = await app.rowCounts('enrolments');
      const res = await cvo.call('POST', '/api/exchange/v1/imports/enrolments?batchId=nul-1', csv, CSV);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.errors.map((e: any) => [e.line, e.column, e.code]),
        [[3, 'enrolmentNumber', 'controlCharacter']],
      );
      assert.deepEqual(await app.rowCounts('enrolments'), before);
      const json = await cvo.call(
        'POST',
        '/api/exchange/v1/imports/enrolments?batchId=nul-2',
        JSON.stringify([
          { insz: a.insz, trainingCode: `NT2${NUL}`, courseStart: '2022-09-05', enrolmentNumber: 'CVO-1', enrolledOn: '2022-08-20', status: 'LOPEND' },
        ]),
        { 'content-type': 'application/json' },
      );
      assert.equal(json.status, 400, JSON.stringify(json.body));
      assert.deepEqual(
        json.body.errors.map((e: any) => [e.line, e.column, e.code]),
        [[1, 'trainingCode', 'controlCharacter']],
      );
    });
  });
}

test('a NUL leaves no stack trace and no error in the log', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const database = await TEST_DATABASES[0]!.open();
  const app = await buildApp({ config: loadConfig({ KBI_DEMO_PERSONS: '0', KBI_SERVE_WEB: 'false' }), database, logger: createLogger('debug', sink) });
  t.after(async () => {
    await app.close();
    await database.close();
  });
  for (const payload of [
    { username: `a${NUL}`, password: 'x' },
    { username: 'a', password: `x${NUL}` },
  ]) {
    const res = await app.http.inject({ method: 'POST', url: '/api/v1/session', payload });
    assert.equal(res.statusCode, 400);
  }
  const all = lines.join('');
  assert.ok(!/unexpected_error|"level":50|stack/.test(all), all.slice(0, 2000));
});
