/**
 * Issue 11, defect 5: an import run killed mid-way stayed `running` and blocked a re-send of its
 * batch for 10 minutes. The importing process holds the batch's lock, which dies with it: a re-send
 * goes ahead at once (the old run marked interrupted), a server start fails such runs, and a batch
 * a live process is importing still answers 409.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type TestApp } from '../support/app.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { batchLockKey } from '../../server/modules/imports/imports.service.ts';

const CSV = { 'content-type': 'text/csv; charset=utf-8' };

async function world(app: TestApp) {
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
  await expectOk(await app.call('POST', '/api/v1/courseModules', { courseId: course.id, code: 'BT1', name: 'Breakthrough 1', hours: 12, sequence: 1 }), 201);
  const person = await app.factories.person();
  const csv = (n: number) =>
    [
      'insz;trainingCode;courseStart;moduleCode;enrolmentNumber;enrolledOn;startDate;status;targetAttendanceRate',
      `${person.insz};NT2-RG1;2022-09-05;BT1;CVO-${n};2022-08-20;2022-09-05;LOPEND;80`,
    ].join('\n') + '\n';
  /** A run as a process killed in the middle of it leaves it: running, with a fresh sign of life. */
  const leftRunning = async (batchId: string) =>
    (
      await app.database.db
        .insertInto('import_batches')
        .values({
          organisation_id: cvo.organisation.id,
          kind: 'enrolments',
          batch_id: batchId,
          format: 'csv',
          status: 'running',
          started_by: 'partner:killed',
          rows_total: 500,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const statusOf = async (id: string) =>
    await app.database.db.selectFrom('import_batches').select(['status', 'errors']).where('id', '=', id).executeTakeFirstOrThrow();
  return { cvo, csv, leftRunning, statusOf };
}

for (const which of TEST_DATABASES) {
  describe(`interrupted imports (${which.name})`, () => {
    test('a run left running by a killed process does not block a re-send; a live import still does', async (t) => {
      const app = await startTestApp(t, which);
      const w = await world(app);

      const killed = await w.leftRunning('killed-1');
      const resent = await expectOk(await w.cvo.call('POST', '/api/exchange/v1/imports/enrolments?batchId=killed-1', w.csv(1), CSV));
      assert.equal(resent.status, 'succeeded', 'the re-send goes ahead at once');
      const old = await w.statusOf(killed);
      assert.equal(old.status, 'failed');
      assert.deepEqual(
        old.errors.map((e: any) => e.code),
        ['interrupted'],
      );

      // A batch that a live process is importing (it holds the batch's lock): 409, and nothing changes.
      const busy = await w.leftRunning('busy-1');
      const held = await app.database.tryLock(batchLockKey({ organisation_id: w.cvo.organisation.id, kind: 'enrolments', batch_id: 'busy-1' }));
      assert.ok(held);
      const refused = await w.cvo.call('POST', '/api/exchange/v1/imports/enrolments?batchId=busy-1', w.csv(2), CSV);
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal((await w.statusOf(busy)).status, 'running', 'the live run is left alone');
      await held.release();
      assert.equal((await expectOk(await w.cvo.call('POST', '/api/exchange/v1/imports/enrolments?batchId=busy-1', w.csv(2), CSV))).status, 'succeeded');
    });

    test('a server start marks runs left running by a killed process failed, not those a live process holds', async (t) => {
      const app = await startTestApp(t, which);
      const w = await world(app);
      const killed = await w.leftRunning('restart-1');
      const live = await w.leftRunning('restart-2');
      const held = await app.database.tryLock(batchLockKey({ organisation_id: w.cvo.organisation.id, kind: 'enrolments', batch_id: 'restart-2' }));
      const restarted = await buildApp({
        config: loadConfig({ KBI_LOG_LEVEL: 'silent', KBI_DEMO_PERSONS: '0', PORT: '0', KBI_SERVE_WEB: 'false' }),
        database: app.database,
      });
      try {
        const old = await w.statusOf(killed);
        assert.equal(old.status, 'failed');
        assert.deepEqual(
          old.errors.map((e: any) => e.code),
          ['interrupted'],
        );
        assert.equal((await w.statusOf(live)).status, 'running');
      } finally {
        await held?.release();
        await restarted.close();
      }
    });
  });
}
