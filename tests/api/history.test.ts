/**
 * KBI never forgets: a contract, a trajectory decision and an attendance record change at three
 * moments, and the dossier "as known at" each moment between them shows exactly the state of then.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Tx } from '../../server/platform/db.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';

/** A moment strictly between two recorded times (recorded times carry microseconds). */
const pause = () => sleep(15);
const now = () => new Date().toISOString();

for (const which of TEST_DATABASES) {
  describe(`history and asOf (${which.name})`, () => {
    test('the dossier as known at each of three moments shows exactly the state of that moment', async (t) => {
      const { call, factories } = await startTestApp(t, which);
      const agency = await factories.organisation();
      const office = await factories.office(agency.id);
      const person = await factories.person();
      const { course, module, lessons } = await factories.course(agency.id, 3);

      const contract = await factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: '2022-08-01', registeredOn: '2022-08-02', officeId: office.id });
      const trajectory = await factories.add(person.id, 'trajectories', {
        type: 'TT_IBVP',
        startDate: '2022-08-01',
        status: 'OP',
        statusSince: '2022-08-01',
        managingOfficeId: office.id,
      });
      const enrolment = await factories.add(person.id, 'enrolments', {
        courseId: course.id,
        moduleId: module.id,
        enrolledOn: '2022-08-15',
        status: 'INGESCHREVEN',
      });
      const attendance = await factories.add(person.id, 'participations', { enrolmentId: enrolment.id, lessonId: lessons[0].id, attendance: 'ABSENT' });
      await pause();
      const t0 = now();
      await pause();

      // Moment 1: the contract gets an end date.
      const c1 = await expectOk(await call('PATCH', `/api/v1/contracts/${contract.id}`, { endDate: '2023-08-01' }, { 'if-match': '"1"' }));
      assert.equal(c1.version, 2);
      await pause();
      const t1 = now();
      await pause();

      // Moment 2: the trajectory gets its decision.
      await expectOk(
        await call(
          'PATCH',
          `/api/v1/trajectories/${trajectory.id}`,
          { decision: 'JA_IB', decisionDate: '2023-06-30', status: 'GS', statusSince: '2023-06-30' },
          { 'if-match': '"1"' },
        ),
      );
      await pause();
      const t2 = now();
      await pause();

      // Moment 3: the absence turns out to be justified, and the contract end date is corrected.
      await expectOk(await call('PATCH', `/api/v1/participations/${attendance.id}`, { attendance: 'ABSENT_JUSTIFIED' }, { 'if-match': '"1"' }));
      await expectOk(await call('PATCH', `/api/v1/contracts/${contract.id}`, { endDate: '2023-09-15' }, { 'if-match': '"2"' }));

      const at = async (asOf?: string) => expectOk(await call('GET', `/api/v1/persons/${person.id}/dossier${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`));
      const [d0, d1, d2, dNow] = [await at(t0), await at(t1), await at(t2), await at()];

      assert.equal(d0.contracts[0].endDate, undefined, 'at t0 the contract had no end date');
      assert.equal(d0.contracts[0].version, 1);
      assert.equal(d0.trajectories[0].decision, undefined);
      assert.equal(d0.trajectories[0].status, 'OP');
      assert.equal(d0.participations[0].attendance, 'ABSENT');

      assert.equal(d1.contracts[0].endDate, '2023-08-01', 'at t1 the first end date');
      assert.equal(d1.trajectories[0].decision, undefined, 'at t1 no decision yet');
      assert.equal(d1.participations[0].attendance, 'ABSENT');

      assert.equal(d2.contracts[0].endDate, '2023-08-01');
      assert.equal(d2.trajectories[0].decision, 'JA_IB', 'at t2 the decision is known');
      assert.equal(d2.trajectories[0].status, 'GS');
      assert.equal(d2.participations[0].attendance, 'ABSENT', 'at t2 the absence was not yet justified');

      assert.equal(dNow.contracts[0].endDate, '2023-09-15');
      assert.equal(dNow.contracts[0].version, 3);
      assert.equal(dNow.participations[0].attendance, 'ABSENT_JUSTIFIED');

      // Each earlier state is exact: the whole record equals the version that was current then.
      const versions = (await expectOk(await call('GET', `/api/v1/contracts/${contract.id}/versions`))).items;
      assert.deepEqual(
        versions.map((v: any) => v.version),
        [1, 2, 3],
      );
      const strip = ({ supersededAt, supersededBy, ...rest }: any) => rest;
      assert.deepEqual(d0.contracts[0], strip(versions[0]));
      assert.deepEqual(d1.contracts[0], strip(versions[1]));
      assert.deepEqual(dNow.contracts[0], versions[2]);

      // Before the person existed, KBI did not know them.
      const before = await call('GET', `/api/v1/persons/${person.id}/dossier?asOf=2000-01-01T00:00:00Z`);
      assert.equal(before.status, 404);
    });

    test('a removed record stays in the history: asOf before the removal still shows it', async (t) => {
      const { call, factories } = await startTestApp(t, which);
      const person = await factories.person();
      const advice = await factories.add(person.id, 'advice', {
        source: 'HOUSE_OF_DUTCH',
        adviceType: await firstCode(call, 'advice_type'),
        givenOn: '2023-01-10',
        text: 'NT2 richtgraad 2',
      });
      await pause();
      const before = now();
      await pause();
      assert.equal((await call('DELETE', `/api/v1/advice/${advice.id}`, undefined, { 'if-match': '"1"' })).status, 204);
      assert.equal((await call('GET', `/api/v1/advice/${advice.id}`)).status, 404);
      const then = await expectOk(await call('GET', `/api/v1/persons/${person.id}/dossier?asOf=${encodeURIComponent(before)}`));
      assert.equal(then.advice.length, 1);
      assert.equal(then.advice[0].text, 'NT2 richtgraad 2');
      const nowDoc = await expectOk(await call('GET', `/api/v1/persons/${person.id}/dossier`));
      assert.equal(nowDoc.advice.length, 0);
      const timeline = (await expectOk(await call('GET', `/api/v1/persons/${person.id}/timeline`))).items;
      assert.deepEqual(
        timeline.filter((e: any) => e.resource === 'advice').map((e: any) => e.change),
        ['deleted', 'created'],
      );
    });

    test('the database itself refuses an anonymous change and any rewrite of history', async (t) => {
      const { database, factories } = await startTestApp(t, which);
      const person = await factories.person();
      await assert.rejects(sql`UPDATE persons SET family_name = 'X' WHERE id = ${person.id}`.execute(database.db), /who made it/);
      const asSomeone = (fn: (tx: Tx) => Promise<unknown>) =>
        database.db.transaction().execute(async (tx) => {
          await sql`SELECT set_config('kbi.actor', 'test:someone', true)`.execute(tx);
          await fn(tx);
        });
      await asSomeone((tx) => sql`UPDATE persons SET family_name = 'Nieuw' WHERE id = ${person.id}`.execute(tx));
      await assert.rejects(
        asSomeone((tx) => sql`UPDATE persons_history SET family_name = 'Vervalst'`.execute(tx)),
        /cannot be changed/,
      );
      await assert.rejects(
        asSomeone((tx) => sql`DELETE FROM persons_history`.execute(tx)),
        /cannot be changed/,
      );
      const rows = await database.db.selectFrom('persons_history').select(['family_name', 'ended_by']).execute();
      assert.deepEqual(rows, [{ family_name: person.familyName, ended_by: 'test:someone' }]);
    });
  });
}

async function firstCode(call: (m: string, p: string) => Promise<{ body: any }>, list: string): Promise<string> {
  return (await call('GET', `/api/v1/codeLists/${list}`)).body.items[0].code;
}
