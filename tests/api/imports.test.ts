/**
 * Course feeds over real HTTP with partner tokens: CSV, JSON Lines and JSON-array batches of
 * enrolments and participations; the same batch twice is a no-op; one bad row (or broken JSON)
 * and nothing is imported, with a row-level report; only CVO, CBE, AHOVOKS and Houses of Dutch
 * may send; and a large file imports with flat memory (CSV: 1,000,000 rows on PostgreSQL, 50,000
 * on PGlite; a JSON array: 200,000 rows).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type TestApp } from '../support/app.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';
import { inTransaction, openDatabase } from '../../server/platform/db.ts';
import { migrateToLatest } from '../../server/platform/migrate.ts';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

const CSV = { 'content-type': 'text/csv; charset=utf-8' };
const NDJSON = { 'content-type': 'application/x-ndjson' };
const JSON_ARRAY = { 'content-type': 'application/json' };
const LESSON_TIMES = ['2022-09-05T09:00:00+02:00', '2022-09-07T09:00:00+02:00', '2022-09-12T09:00:00+02:00', '2022-09-14T09:00:00+02:00'];

/** A CVO with its partner token, one course (training code + start date) with one module of four lessons, three persons. */
async function world(app: TestApp) {
  const cvo = await partner(app, 'CVO', 'CVO Gent');
  const post = async (path: string, body: unknown) => expectOk(await app.call('POST', path, body), 201);
  const course = await post('/api/v1/courses', {
    providerId: cvo.organisation.id,
    courseType: 'NT2',
    name: 'NT2 richtgraad 1',
    trainingCode: 'NT2-RG1',
    startDate: '2022-09-05',
    endDate: '2022-12-20',
  });
  const module = await post('/api/v1/courseModules', { courseId: course.id, code: 'BT1', name: 'Breakthrough 1', hours: 12, sequence: 1 });
  const lessons = [];
  for (const startsAt of LESSON_TIMES) lessons.push(await post('/api/v1/lessons', { moduleId: module.id, startsAt, durationMinutes: 180 }));
  const persons = [await app.factories.person(), await app.factories.person(), await app.factories.person()];
  return { cvo, course, module, lessons, persons };
}

const enrolmentCsv = (persons: { insz: string }[], status = 'LOPEND') =>
  [
    'insz;trainingCode;courseStart;moduleCode;enrolmentNumber;enrolledOn;startDate;status;targetAttendanceRate',
    ...persons.map((p, i) => `${p.insz};NT2-RG1;2022-09-05;BT1;CVO-${i + 1};2022-08-20;2022-09-05;${status};80`),
  ].join('\n') + '\n';

/** One row per person per lesson, comma-separated, lesson start in Belgian local time. */
const participationCsv = (persons: { insz: string }[], attendance = (p: number, l: number) => ((p + l) % 3 === 0 ? 'ABSENT' : 'PRESENT')) => {
  const lines = ['insz,trainingCode,courseStart,moduleCode,lessonStart,enrolmentNumber,attendance'];
  persons.forEach((p, i) => LESSON_TIMES.forEach((t, l) => lines.push(`${p.insz},NT2-RG1,2022-09-05,BT1,${t.slice(0, 16)},CVO-${i + 1},${attendance(i, l)}`)));
  return lines.join('\r\n') + '\r\n';
};

/** The rows of a feed CSV as one JSON array, one key per column, pretty-printed (so elements and lines differ). */
const asJsonArray = (csv: string, delimiter: string) => {
  const [header, ...rows] = csv
    .trimEnd()
    .split(/\r?\n/)
    .map((line) => line.split(delimiter));
  return JSON.stringify(
    rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, name === 'targetAttendanceRate' ? Number(row[i]) : row[i]]))),
    null,
    2,
  );
};

async function enrolled(app: TestApp) {
  const w = await world(app);
  const res = await w.cvo.call('POST', '/api/exchange/v1/imports/enrolments?batchId=enrol-1', enrolmentCsv(w.persons), CSV);
  const run = await expectOk(res);
  assert.equal(run.status, 'succeeded');
  return w;
}

const participationState = (app: TestApp) =>
  app.database.db.selectFrom('participations').select(['id', 'attendance', 'version', 'sys_from']).orderBy('id').execute();

/** The large files, by format: persons × lessons on each database, and how far the JS heap may grow (MB). */
const LARGE_FILES = [
  {
    name: 'a large participation file imports with flat memory',
    format: 'csv',
    headers: CSV,
    size: { postgres: [1000, 300], pglite: [500, 100] },
    maxHeapGrowth: 100,
  }, // 300,000 rows (23 MB) on PostgreSQL — held in memory they would take several times the heap allowed — and 50,000 on PGlite
  {
    name: 'a large JSON array of participations imports with flat memory',
    format: 'json',
    headers: JSON_ARRAY,
    size: { postgres: [1000, 200], pglite: [1000, 200] },
    maxHeapGrowth: 50,
  }, // 200,000 rows: held whole, they would take more
] as const;

for (const which of TEST_DATABASES) {
  describe(`course feeds (${which.name})`, () => {
    test('a good CSV batch imports: enrolments, then participation lesson by lesson', async (t) => {
      const app = await startTestApp(t, which);
      const w = await world(app);
      const e = await expectOk(await w.cvo.call('POST', '/api/exchange/v1/imports/enrolments?batchId=enrol-1', enrolmentCsv(w.persons), CSV));
      assert.deepEqual([e.status, e.rowsTotal, e.rowsInserted, e.rowsUpdated, e.errorCount], ['succeeded', 3, 3, 0, 0]);
      assert.match(e.contentHash, /^[0-9a-f]{64}$/);
      const enrolments = await app.database.db.selectFrom('enrolments').selectAll().orderBy('external_id').execute();
      assert.deepEqual(
        enrolments.map((r) => [r.person_id, r.course_id, r.module_id, r.external_id, r.status, Number(r.target_attendance_rate)]),
        w.persons.map((p, i) => [p.id, w.course.id, w.module.id, `CVO-${i + 1}`, 'LOPEND', 80]),
      );

      const p = await expectOk(
        await w.cvo.call('POST', '/api/exchange/v1/imports/participations', participationCsv(w.persons), { ...CSV, 'idempotency-key': 'lessons-2022-09' }),
      );
      assert.deepEqual([p.status, p.batchId, p.rowsTotal, p.rowsWritten, p.rowsInserted], ['succeeded', 'lessons-2022-09', 12, 12, 12]);
      const rows = await app.database.db
        .selectFrom('participations as p')
        .innerJoin('lessons as l', 'l.id', 'p.lesson_id')
        .innerJoin('enrolments as e', 'e.id', 'p.enrolment_id')
        .select(['p.person_id', 'e.external_id', 'l.starts_at', 'p.attendance', 'p.recorded_by'])
        .orderBy('e.external_id')
        .orderBy('l.starts_at')
        .execute();
      assert.equal(rows.length, 12);
      rows.forEach((r, k) => {
        const i = Math.floor(k / 4),
          l = k % 4;
        assert.equal(r.person_id, w.persons[i]!.id);
        assert.equal(new Date(r.starts_at).getTime(), new Date(LESSON_TIMES[l]!).getTime(), 'local time is Belgian time');
        assert.equal(r.attendance, (i + l) % 3 === 0 ? 'ABSENT' : 'PRESENT');
        assert.match(r.recorded_by, /^partner:/, 'recorded as written by the partner client');
      });

      // The partner follows its batch; the administrator sees every run; both audited as one access each.
      const mine = await expectOk(await w.cvo.call('GET', '/api/exchange/v1/imports/lessons-2022-09'));
      assert.deepEqual([mine.status, mine.rowsTotal, mine.attempts, mine.errors], ['succeeded', 12, 1, []]);
      const other = await partner(app, 'CVO', 'CVO elders');
      assert.equal((await other.call('GET', '/api/exchange/v1/imports/lessons-2022-09')).status, 404, 'another partner does not see it');
      const list = await expectOk(await app.call('GET', '/api/v1/imports'));
      assert.deepEqual(
        list.items.map((r: any) => r.batchId),
        ['lessons-2022-09', 'enrol-1'],
      );
      const { call: caseworker } = await app.as('AGENCY_CASEWORKER');
      assert.equal((await caseworker('GET', '/api/v1/imports')).status, 403);
      const audit = await app.database.db
        .selectFrom('audit_log')
        .select(['action', 'detail'])
        .where('action', 'like', 'imports.%')
        .where('result', '=', 'allowed')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['imports.enrolments', 'imports.participations'],
      );
    });

    test('the same batch twice changes nothing; the same batchId with other content is refused; a new batch updates only what changed', async (t) => {
      const app = await startTestApp(t, which);
      const w = await enrolled(app);
      const body = participationCsv(w.persons);
      const first = await expectOk(await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=week-36', body, CSV));
      const before = await participationState(app);
      const history = await app.rowCounts('participations_history', 'enrolments_history');
      await new Promise((r) => setTimeout(r, 20));

      const again = await expectOk(await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=week-36', body, CSV));
      assert.deepEqual([again.status, again.replayOf, again.rowsWritten, again.contentHash], ['replayed', first.id, 0, first.contentHash]);
      assert.deepEqual(await participationState(app), before, 'no row touched: same versions, same sys_from');
      assert.deepEqual(await app.rowCounts('participations_history', 'enrolments_history'), history);

      const changed = participationCsv(w.persons, () => 'PRESENT');
      const refused = await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=week-36', changed, CSV);
      assert.equal(refused.status, 409);
      assert.deepEqual(await participationState(app), before);

      // Under a new batchId the same facts are not written again; only the changed attendances get a new version.
      const corrected = await expectOk(await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=week-36-correction', changed, CSV));
      const absences = before.filter((r) => r.attendance === 'ABSENT').length;
      assert.ok(absences > 0);
      assert.deepEqual([corrected.status, corrected.rowsTotal, corrected.rowsInserted, corrected.rowsUpdated], ['succeeded', 12, 0, absences]);
      const after = await participationState(app);
      assert.ok(after.every((r) => r.attendance === 'PRESENT'));
      assert.equal(after.filter((r) => r.version === 2).length, absences);
      assert.equal((await app.rowCounts('participations_history')).participations_history, absences, 'the old attendance is kept in the history');
      const attempts = await expectOk(await w.cvo.call('GET', '/api/exchange/v1/imports/week-36'));
      assert.deepEqual([attempts.status, attempts.attempts], ['replayed', 2]);
    });

    test('a batch with 3 bad rows imports nothing and reports each bad row by line, column and reason', async (t) => {
      const app = await startTestApp(t, which);
      const w = await enrolled(app);
      const lines = participationCsv(w.persons).trimEnd().split('\r\n');
      // line 1 is the header; lines 2..13 the 12 good rows
      const badInsz = w.persons[0]!.insz.slice(0, 10) + String((Number(w.persons[0]!.insz[10]) + 1) % 10);
      lines[2] = lines[2]!.replace(w.persons[0]!.insz, badInsz); // line 3: wrong check digits
      lines[5] = lines[5]!.replace(/PRESENT|ABSENT$/, 'LATE'); // line 6: not in the code list
      lines[8] = lines[2 - 1]!; // line 9: repeats line 2
      const before = await app.rowCounts('participations', 'participations_history', 'enrolments');
      const res = await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=bad-1', lines.join('\n') + '\n', CSV);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal(res.body.errorCount, 3);
      assert.deepEqual(
        res.body.errors.map((e: any) => [e.line, e.column]),
        [
          [3, 'insz'],
          [6, 'attendance'],
          [9, 'lessonStart'],
        ],
      );
      assert.match(res.body.errors[0].reason, /check digits/);
      assert.match(res.body.errors[1].reason, /code list attendance/);
      assert.match(res.body.errors[2].reason, /already on line 2/);
      assert.deepEqual(
        res.body.errors.map((e: any) => [e.code, e.params?.line ?? null]),
        [
          ['invalidInsz', null],
          ['unknownCode', null],
          ['duplicateAttendance', 2],
        ],
        'each reason has its stable code',
      );
      assert.ok(!JSON.stringify(res.body).includes(badInsz), 'the report never repeats the values');
      assert.deepEqual(await app.rowCounts('participations', 'participations_history', 'enrolments'), before, 'nothing imported, not even the good rows');
      assert.equal(res.body.run.status, 'failed');
      const seen = await expectOk(await w.cvo.call('GET', '/api/exchange/v1/imports/bad-1'));
      assert.deepEqual([seen.status, seen.errorCount, seen.errors.length, seen.rowsTotal], ['failed', 3, 3, 12]);

      // Unknown person, unknown lesson, wrong header: each named; a failed batch may be sent again, corrected.
      const stranger = makeInsz({ birthDate: '1985-03-04', serial: 321 });
      const wrong = [
        'insz,trainingCode,courseStart,moduleCode,lessonStart,attendance',
        `${stranger},NT2-RG1,2022-09-05,BT1,2022-09-05T09:00,PRESENT`,
        `${w.persons[1]!.insz},NT2-RG1,2022-09-05,BT1,2022-09-06T09:00,PRESENT`,
        `${w.persons[1]!.insz},NT2-XX,2022-09-05,BT1,2022-09-05T09:00,PRESENT`,
        `${w.persons[1]!.insz},NT2-RG1,2022-09-05,BT1,2022-09-05 9h,PRESENT`,
      ].join('\n');
      const r2 = await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=bad-1', wrong, CSV);
      assert.equal(r2.status, 400);
      assert.deepEqual(
        r2.body.errors.map((e: any) => [e.line, e.column]),
        [
          [5, 'lessonStart'],
          [2, 'insz'],
          [3, 'lessonStart'],
          [4, 'trainingCode'],
        ],
      );
      const header = await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=bad-2', 'insz;lesson;attendance\n1;2;3\n', CSV);
      assert.equal(header.status, 400);
      assert.deepEqual(
        header.body.errors.map((e: any) => [e.line, e.column]),
        [
          [1, 'lesson'],
          [1, 'trainingCode'],
          [1, 'courseStart'],
          [1, 'moduleCode'],
          [1, 'lessonStart'],
        ],
      );
      const fixed = await expectOk(await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=bad-1', participationCsv(w.persons), CSV));
      assert.deepEqual([fixed.status, fixed.rowsInserted], ['succeeded', 12]);
      assert.equal((await expectOk(await w.cvo.call('GET', '/api/exchange/v1/imports/bad-1'))).attempts, 3);
    });

    test('JSON Lines: enrolments updated by enrolment number, participations without one', async (t) => {
      const app = await startTestApp(t, which);
      const w = await enrolled(app);
      const jsonl = w.persons
        .map((p, i) =>
          JSON.stringify({
            insz: p.insz,
            trainingCode: 'NT2-RG1',
            courseStart: '2022-09-05',
            moduleCode: 'BT1',
            enrolmentNumber: `CVO-${i + 1}`,
            enrolledOn: '2022-08-20',
            startDate: '2022-09-05',
            endDate: i === 2 ? '2022-09-14' : null,
            status: i === 2 ? 'UITGESCHREVEN' : 'LOPEND',
            targetAttendanceRate: 80,
            exitReason: i === 2 ? 'WERK' : null,
          }),
        )
        .join('\n');
      const e = await expectOk(await w.cvo.call('POST', '/api/exchange/v1/imports/enrolments?batchId=enrol-2', jsonl, NDJSON));
      assert.deepEqual([e.format, e.rowsTotal, e.rowsInserted, e.rowsUpdated], ['ndjson', 3, 0, 1]);
      const third = await app.database.db.selectFrom('enrolments').selectAll().where('external_id', '=', 'CVO-3').executeTakeFirstOrThrow();
      assert.deepEqual([third.status, third.exit_reason, third.end_date, third.version], ['UITGESCHREVEN', 'WERK', '2022-09-14', 2]);

      const p = w.persons[0]!;
      const lines = LESSON_TIMES.map((t, l) =>
        JSON.stringify({
          insz: p.insz,
          trainingCode: 'NT2-RG1',
          courseStart: '2022-09-05',
          moduleCode: 'BT1',
          lessonStart: t,
          attendance: l === 1 ? 'ABSENT_JUSTIFIED' : 'PRESENT',
        }),
      );
      const ok = await expectOk(await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=jsonl-1', `\ufeff${lines.join('\n')}\n\n`, NDJSON));
      assert.deepEqual([ok.status, ok.rowsInserted], ['succeeded', 4]);
      const stored = await app.database.db.selectFrom('participations').select('attendance').where('person_id', '=', p.id).execute();
      assert.deepEqual(stored.map((s) => s.attendance).sort(), ['ABSENT_JUSTIFIED', 'PRESENT', 'PRESENT', 'PRESENT']);

      const bad = await w.cvo.call(
        'POST',
        '/api/exchange/v1/imports/participations?batchId=jsonl-2',
        ['{"insz": 1}', 'not json', JSON.stringify({ ...JSON.parse(lines[0]!), colour: 'blue' })].join('\n'),
        NDJSON,
      );
      assert.equal(bad.status, 400);
      assert.deepEqual(
        bad.body.errors.slice(0, 2).map((e: any) => [e.line, e.column, e.reason]),
        [
          [1, 'insz', 'must be text'],
          [1, 'trainingCode', 'required'],
        ],
      );
      assert.ok(bad.body.errors.some((e: any) => e.line === 2 && e.reason === 'not valid JSON'));
      assert.ok(bad.body.errors.some((e: any) => e.line === 3 && e.column === 'colour'));
      assert.equal((await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=json-1', 'x', { 'content-type': 'text/plain' })).status, 415);
    });

    test('a JSON array imports the same enrolments and participations as the same rows in CSV', async (t) => {
      const fromCsv = await startTestApp(t, which),
        fromJson = await startTestApp(t, which);
      /** What is stored, by the person's place in the world, so that two databases compare. */
      const stored = async (app: TestApp, persons: { id: string }[]) => {
        const who = (id: string) => persons.findIndex((p) => p.id === id);
        const enrolments = await app.database.db
          .selectFrom('enrolments')
          .select([
            'person_id',
            'external_id',
            'module_id',
            'status',
            'enrolled_on',
            'start_date',
            'end_date',
            'target_attendance_rate',
            'exit_reason',
            'result',
            'version',
          ])
          .orderBy('external_id')
          .execute();
        const participations = await app.database.db
          .selectFrom('participations as p')
          .innerJoin('lessons as l', 'l.id', 'p.lesson_id')
          .innerJoin('enrolments as e', 'e.id', 'p.enrolment_id')
          .select(['p.person_id', 'e.external_id', 'l.starts_at', 'p.attendance', 'p.version'])
          .orderBy('e.external_id')
          .orderBy('l.starts_at')
          .execute();
        return {
          enrolments: enrolments.map(({ person_id, module_id, target_attendance_rate, ...r }) => ({
            ...r,
            person: who(person_id),
            module: module_id !== null,
            rate: Number(target_attendance_rate),
          })),
          participations: participations.map(({ person_id, starts_at, ...r }) => ({
            ...r,
            person: who(person_id),
            startsAt: new Date(starts_at).toISOString(),
          })),
        };
      };
      const results = [];
      for (const [app, send] of [
        [fromCsv, false],
        [fromJson, true],
      ] as const) {
        const w = await world(app);
        const enrolments = enrolmentCsv(w.persons),
          participations = participationCsv(w.persons);
        const e = await expectOk(
          await w.cvo.call(
            'POST',
            '/api/exchange/v1/imports/enrolments?batchId=enrol-1',
            send ? asJsonArray(enrolments, ';') : enrolments,
            send ? JSON_ARRAY : CSV,
          ),
        );
        const p = await expectOk(
          await w.cvo.call(
            'POST',
            '/api/exchange/v1/imports/participations?batchId=lessons-1',
            send ? asJsonArray(participations, ',') : participations,
            send ? JSON_ARRAY : CSV,
          ),
        );
        assert.deepEqual([e.status, e.rowsInserted, p.status, p.rowsInserted, p.format], ['succeeded', 3, 'succeeded', 12, send ? 'ndjson' : 'csv']);
        results.push(await stored(app, w.persons));
      }
      assert.equal(results[1]!.participations.length, 12);
      assert.deepEqual(results[1], results[0], 'the same rows stored, whichever format brought them');
    });

    test('a JSON array: a bad element is reported by its position and nothing is imported; the same array again changes nothing', async (t) => {
      const app = await startTestApp(t, which);
      const w = await enrolled(app);
      const elements = JSON.parse(asJsonArray(participationCsv(w.persons), ','));
      const badInsz = w.persons[0]!.insz.slice(0, 10) + String((Number(w.persons[0]!.insz[10]) + 1) % 10);
      const bad = [...elements];
      bad[2] = { ...bad[2], insz: badInsz }; // element 3: wrong check digits
      bad[5] = 'PRESENT'; // element 6: not an object
      bad[8] = bad[1]; // element 9: repeats element 2
      const before = await app.rowCounts('participations', 'participations_history', 'enrolments');
      const res = await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=json-bad', JSON.stringify(bad, null, 2), JSON_ARRAY);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.errors.map((e: any) => [e.line, e.column, e.code, e.params?.line ?? null]),
        [
          [3, 'insz', 'invalidInsz', null],
          [6, null, 'elementNotAnObject', null],
          [9, 'lessonStart', 'duplicateAttendance', 2],
        ],
        'line = the position in the array',
      );
      assert.equal(res.body.errors[1].reason, 'each element of the array must be one JSON object');
      assert.ok(!JSON.stringify(res.body).includes(badInsz), 'the report never repeats the values');
      assert.deepEqual(await app.rowCounts('participations', 'participations_history', 'enrolments'), before, 'nothing imported, not even the good elements');

      // Corrected, it imports; the same bytes again are a replay that touches nothing.
      const body = JSON.stringify(elements);
      const first = await expectOk(await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=json-bad', body, JSON_ARRAY));
      assert.deepEqual([first.status, first.rowsTotal, first.rowsInserted], ['succeeded', 12, 12]);
      const state = await participationState(app);
      const history = await app.rowCounts('participations_history', 'enrolments_history');
      const again = await expectOk(await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=json-bad', body, JSON_ARRAY));
      assert.deepEqual([again.status, again.replayOf, again.rowsWritten, again.contentHash], ['replayed', first.id, 0, first.contentHash]);
      assert.deepEqual(await participationState(app), state, 'no row touched');
      assert.deepEqual(await app.rowCounts('participations_history', 'enrolments_history'), history);
    });

    test('broken JSON arrays are refused whole: not closed, something after the end, a syntax error', async (t) => {
      const app = await startTestApp(t, which);
      const w = await enrolled(app);
      const body = JSON.stringify(JSON.parse(asJsonArray(participationCsv(w.persons), ',')), null, 2);
      const before = await app.rowCounts('participations', 'participations_history');
      const cases: [string, string, [number | null, string]][] = [
        ['truncated', body.slice(0, Math.floor(body.length / 2)), [null, 'truncatedJson']],
        ['unclosed', body.slice(0, body.lastIndexOf(']')), [null, 'truncatedJson']],
        ['trailing', `${body}\n{"insz": "x"}\n`, [null, 'trailingJson']],
        ['syntax', body.replace(/\},\s*\{/, '} {'), [2, 'invalidJson']],
      ];
      for (const [name, text, [line, code]] of cases) {
        const res = await w.cvo.call('POST', `/api/exchange/v1/imports/participations?batchId=broken-${name}`, text, JSON_ARRAY);
        assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
        assert.deepEqual(
          res.body.errors.map((e: any) => [e.line, e.code]),
          [[line, code]],
          name,
        );
        assert.equal(res.body.run.status, 'failed');
      }
      assert.deepEqual(await app.rowCounts('participations', 'participations_history'), before, 'nothing stored');
      const empty = await w.cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=broken-empty', ' [ ]\n', JSON_ARRAY);
      assert.deepEqual([empty.status, empty.body.errors?.[0]?.code], [400, 'noRows']);
    });

    test('only CVO, CBE, AHOVOKS and Houses of Dutch send course feeds, each for the courses it may name', async (t) => {
      const app = await startTestApp(t, which);
      const w = await enrolled(app);
      const before = await app.rowCounts('import_batches', 'participations');
      for (const kind of ['OCMW', 'VDAB', 'VMSW', 'AGENCY', 'DVZ']) {
        const other = await partner(app, kind);
        for (const feed of ['participations', 'enrolments']) {
          const res = await other.call('POST', `/api/exchange/v1/imports/${feed}?batchId=x-1`, participationCsv(w.persons), CSV);
          assert.equal(res.status, 403, `${kind} may not send ${feed}`);
        }
      }
      assert.deepEqual(await app.rowCounts('import_batches', 'participations'), before);
      const denied = await app.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('result', '=', 'denied')
        .where('action', 'like', 'imports.%')
        .execute();
      assert.equal(denied.length, 10, 'every refusal audited');
      assert.equal((await app.anonymous('POST', '/api/exchange/v1/imports/participations?batchId=x-1', 'a', CSV)).status, 401);

      // Another CVO may not send for this CVO's course; AHOVOKS may, naming the provider; and a House of Dutch too.
      const cvoNumber = w.cvo.organisation.enterpriseNumber as string;
      const withProvider = participationCsv(w.persons)
        .replace(/^insz,/, 'provider,insz,')
        .replace(/\r\n(?=\d)/g, `\r\n${cvoNumber},`);
      const rival = await partner(app, 'CVO', 'CVO rivaal');
      const r = await rival.call('POST', '/api/exchange/v1/imports/participations?batchId=p-1', withProvider, CSV);
      assert.equal(r.status, 400);
      assert.equal(r.body.errorCount, 12);
      assert.deepEqual(new Set(r.body.errors.map((e: any) => `${e.column}: ${e.reason}`)), new Set(['provider: you may only send for your own courses']));
      const ahovoks = await partner(app, 'AHOVOKS');
      const a = await expectOk(await ahovoks.call('POST', '/api/exchange/v1/imports/participations?batchId=p-1', withProvider, CSV));
      assert.deepEqual([a.status, a.rowsInserted], ['succeeded', 12]);
      const house = await partner(app, 'HOUSE_OF_DUTCH');
      const withAgency = withProvider.replaceAll(cvoNumber, (await app.factories.organisation({ kind: 'AGENCY' })).enterpriseNumber);
      const h = await house.call('POST', '/api/exchange/v1/imports/participations?batchId=p-1', withAgency, CSV);
      assert.equal(h.status, 400);
      assert.match(h.body.errors[0].reason, /not an adult-education centre/);
    });

    for (const large of LARGE_FILES)
      test(large.name, { timeout: 600_000 }, async (t) => {
        const app = await startTestApp(t, which);
        const postgres = which.name === 'postgres';
        const [persons, lessons] = large.size[which.name];
        const { cvo, header } = await largeWorld(app, persons, lessons);
        const dir = mkdtempSync(join(tmpdir(), 'kbi-import-'));
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        const file = join(dir, `participations.${large.format}`);
        await writeLargeFile(file, large.format, header, persons, lessons);
        const size = statSync(file).size;

        // The server runs in this process: its RSS and JS heap are sampled during the import, each sample
        // after a full garbage collection, so that what is measured is the memory the import keeps, not
        // garbage V8 has not collected yet. On PGlite
        // the in-memory database itself lives in this process too (WebAssembly memory), so its RSS also
        // grows with the rows stored; there the bound is on the JS heap only.
        const gc = collector();
        gc();
        const before = process.memoryUsage();
        let peakRss = before.rss,
          peakHeap = before.heapUsed;
        const sampler = setInterval(() => {
          gc();
          const m = process.memoryUsage();
          peakRss = Math.max(peakRss, m.rss);
          peakHeap = Math.max(peakHeap, m.heapUsed);
        }, 500);
        const started = Date.now();
        let during: any = null;
        const poll = postgres
          ? setTimeout(async () => {
              during = (await cvo.call('GET', '/api/exchange/v1/imports/big-1')).body;
            }, 3000)
          : null;
        const res = await fetch(`${app.base}/api/exchange/v1/imports/participations?batchId=big-1`, {
          method: 'POST',
          headers: { ...large.headers, authorization: cvo.authorization, 'content-length': String(size) },
          body: Readable.toWeb(createReadStream(file)) as ReadableStream,
          duplex: 'half',
        } as RequestInit);
        const run = await res.json();
        clearInterval(sampler);
        if (poll) clearTimeout(poll);
        const seconds = (Date.now() - started) / 1000;
        assert.equal(res.status, 200, JSON.stringify(run).slice(0, 2000));
        assert.deepEqual([run.status, run.rowsTotal, run.rowsInserted, run.bytesRead], ['succeeded', persons * lessons, persons * lessons, size]);
        assert.equal((await app.rowCounts('participations')).participations, persons * lessons);
        const mb = (n: number) => n / 1024 / 1024;
        const rssGrowth = mb(peakRss - before.rss),
          heapGrowth = mb(peakHeap - before.heapUsed);
        t.diagnostic(
          `${persons * lessons} rows (${(size / 1e6).toFixed(0)} MB) in ${seconds.toFixed(1)} s = ${Math.round((persons * lessons) / seconds)} rows/s; ` +
            `peak growth: RSS ${rssGrowth.toFixed(0)} MB, JS heap ${heapGrowth.toFixed(0)} MB`,
        );
        assert.ok(heapGrowth < large.maxHeapGrowth, `the JS heap grew by ${heapGrowth.toFixed(0)} MB`);
        if (postgres) assert.ok(rssGrowth < 150, `peak RSS grew by ${rssGrowth.toFixed(0)} MB`);
        if (postgres) {
          assert.equal(during?.status, 'running', 'on PostgreSQL the partner sees the run while it runs');
          assert.ok(during.rowsTotal > 0 && during.rowsTotal < persons * lessons, 'with its progress');
        }
      });
  });
}

/** A function that runs a full garbage collection (node:test does not start node with --expose-gc). */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Reference data for the large file, written directly (it is not what is under test): one course of 5 modules, persons enrolled in it. */
async function largeWorld(app: TestApp, persons: number, lessons: number) {
  const cvo = await partner(app, 'CVO', 'CVO Groot');
  await inTransaction(app.database.db, 'test:setup', async (tx) => {
    const [course] = (
      await sql<{ id: string }>`INSERT INTO courses (provider_id, course_type, name, training_code, start_date)
      VALUES (${cvo.organisation.id}, 'NT2', 'NT2 groot', 'NT2-BIG', '2023-01-02') RETURNING id`.execute(tx)
    ).rows;
    await sql`INSERT INTO course_modules (course_id, code, name, sequence) SELECT ${course!.id}, 'M' || m, 'Module ' || m, m FROM generate_series(1, 5) m`.execute(
      tx,
    );
    await sql`INSERT INTO lessons (module_id, starts_at, duration_minutes)
      SELECT m.id, timestamptz '2023-01-02 08:00+00' + ((m.sequence - 1) * ${lessons / 5} + l) * interval '1 day', 180
        FROM course_modules m, generate_series(0, ${lessons / 5 - 1}) l WHERE m.course_id = ${course!.id}`.execute(tx);
    await sql`INSERT INTO persons (insz, family_name, given_names, gender, nationality)
      SELECT insz, 'Groot' || n, 'Test', '1', 'SYR' FROM unnest(${Array.from({ length: persons }, (_, n) => largeInsz(n))}::text[]) WITH ORDINALITY AS u(insz, n)`.execute(
      tx,
    );
    await sql`INSERT INTO enrolments (person_id, course_id, enrolled_on, status, external_id)
      SELECT p.id, ${course!.id}, '2022-12-15', 'LOPEND', 'E-' || p.insz FROM persons p WHERE p.family_name LIKE 'Groot%'`.execute(tx);
  });
  return { cvo, header: 'insz;trainingCode;courseStart;moduleCode;lessonStart;enrolmentNumber;attendance' };
}

const largeInsz = (n: number) =>
  makeInsz({
    birthDate: `19${60 + (n % 40)}-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`,
    serial: 1 + Math.floor(n / 480) * 2 + (n % 2),
  });

/** Writes the file as a stream (never whole in memory): every person at every lesson, as CSV or as one JSON array. */
async function writeLargeFile(file: string, format: 'csv' | 'json', header: string, persons: number, lessons: number) {
  const out = createWriteStream(file);
  const perModule = lessons / 5;
  const columns = header.split(';');
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(format === 'csv' ? header + '\n' : '[\n');
  for (let p = 0; p < persons; p++) {
    const insz = largeInsz(p);
    let block = '';
    for (let l = 0; l < lessons; l++) {
      const m = Math.floor(l / perModule) + 1;
      const day = new Date(Date.UTC(2023, 0, 2 + l, 8)).toISOString().slice(0, 19) + 'Z';
      const values = [insz, 'NT2-BIG', '2023-01-02', `M${m}`, day, `E-${insz}`, (p + l) % 7 === 0 ? 'ABSENT' : 'PRESENT'];
      block +=
        format === 'csv' ? values.join(';') + '\n' : `${p || l ? ',\n' : ''}${JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, values[i]])))}`;
    }
    await write(block);
  }
  if (format === 'json') await write('\n]\n');
  out.end();
  await once(out, 'finish');
}

test('`kbi import` with a progress bar: directly on an embedded directory, and through the server that holds it', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kbi-import-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = {
    ...process.env,
    KBI_DATA_DIR: join(dir, 'data'),
    KBI_DATABASE_URL: '',
    KBI_LOG_LEVEL: 'silent',
    KBI_DEMO_PERSONS: '0',
    KBI_SERVE_WEB: 'false',
    PORT: '0',
  };
  const kbi = (...args: string[]) => spawnSync(process.execPath, ['bin/kbi.js', ...args], { encoding: 'utf8', env, timeout: 120_000 });

  // A CVO, its course of four lessons and one enrolled person, written straight into the directory.
  const database = await openDatabase({ url: null, dataDir: env.KBI_DATA_DIR });
  await migrateToLatest(database.db);
  const insz = makeInsz({ birthDate: '1991-05-06', serial: 77 });
  let cvoId = '';
  await inTransaction(database.db, 'test:setup', async (tx) => {
    cvoId = (await sql<{ id: string }>`INSERT INTO organisations (kind, name) VALUES ('CVO', 'CVO CLI') RETURNING id`.execute(tx)).rows[0]!.id;
    const course = (
      await sql<{
        id: string;
      }>`INSERT INTO courses (provider_id, course_type, name, training_code, start_date) VALUES (${cvoId}, 'NT2', 'NT2', 'NT2-RG1', '2022-09-05') RETURNING id`.execute(
        tx,
      )
    ).rows[0]!.id;
    const module = (
      await sql<{ id: string }>`INSERT INTO course_modules (course_id, code, name) VALUES (${course}, 'BT1', 'Breakthrough 1') RETURNING id`.execute(tx)
    ).rows[0]!.id;
    for (const at of LESSON_TIMES) await sql`INSERT INTO lessons (module_id, starts_at, duration_minutes) VALUES (${module}, ${at}, 180)`.execute(tx);
    const person = (
      await sql<{
        id: string;
      }>`INSERT INTO persons (insz, family_name, given_names, gender, nationality) VALUES (${insz}, 'Cli', 'Test', '1', 'SYR') RETURNING id`.execute(tx)
    ).rows[0]!.id;
    await sql`INSERT INTO enrolments (person_id, course_id, module_id, enrolled_on, status, external_id) VALUES (${person}, ${course}, ${module}, '2022-08-20', 'LOPEND', 'CVO-1')`.execute(
      tx,
    );
  });
  await database.close();
  const file = join(dir, 'week.csv');
  writeFileSync(file, participationCsv([{ insz }]));

  const first = kbi('import', file, '--kind', 'participations', '--batch-id', 'cli-1', '--as-organisation', cvoId);
  assert.equal(first.status, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /batch cli-1: 4 rows, 4 new, 0 changed/);
  assert.match(first.stderr, /read \d+\/\d+ bytes/, 'progress of the bytes read (a bar on a terminal)');
  const again = kbi('import', file, '--kind', 'participations', '--batch-id', 'cli-1', '--as-organisation', cvoId);
  assert.equal(again.status, 0);
  assert.match(again.stdout, /already imported .*nothing changed/);
  // A .json file is JSON: the same rows as one array are the same facts, so nothing is written again.
  const json = join(dir, 'week.json');
  writeFileSync(json, asJsonArray(participationCsv([{ insz }]), ','));
  const asArray = kbi('import', json, '--kind', 'participations', '--batch-id', 'cli-json', '--as-organisation', cvoId);
  assert.equal(asArray.status, 0, asArray.stdout + asArray.stderr);
  assert.match(asArray.stdout, /batch cli-json: 4 rows, 0 new, 0 changed, 4 already so/);

  // With the server running, the command goes through its operator API, file streamed.
  const server = spawn(process.execPath, ['bin/kbi.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (server.exitCode === null) server.kill('SIGTERM');
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 90_000);
    server.stdout!.on('data', (d) => {
      out += d;
      if (/is running at/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  const bad = participationCsv([{ insz }]).replace(/(PRESENT|ABSENT)\r\n$/, 'LATE\r\n');
  writeFileSync(file, bad);
  const rejected = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const c = spawn(process.execPath, ['bin/kbi.js', 'import', file, '--kind', 'participations', '--batch-id', 'cli-2', '--as-organisation', cvoId], { env });
    let o = '',
      e = '';
    c.stdout.on('data', (d) => {
      o += d;
    });
    c.stderr.on('data', (d) => {
      e += d;
    });
    c.on('exit', (status) => resolve({ status, stdout: o, stderr: e }));
  });
  assert.equal(rejected.status, 1, rejected.stdout + rejected.stderr);
  assert.match(rejected.stderr, /the server \(pid \d+\) holds/);
  assert.match(rejected.stdout, /REJECTED: 1 error\(s\) in the batch; nothing was imported\n  line 5, attendance: not in code list attendance/);
  const wrongKind = await new Promise<string>((resolve) => {
    const c = spawn(process.execPath, ['bin/kbi.js', 'import', file, '--kind', 'participations', '--batch-id', 'cli-3'], { env });
    let o = '';
    c.stdout.on('data', (d) => {
      o += d;
    });
    c.on('exit', () => resolve(o));
  });
  assert.match(wrongKind, /REJECTED: name the sending organisation/);
  server.kill('SIGTERM');
  await once(server, 'exit');
});
