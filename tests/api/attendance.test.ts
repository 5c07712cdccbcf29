/**
 * A person's attendance against the 80 % rule over real HTTP: per component and per enrolment, as
 * known on a day, under the version of the rule in force that day; excused absences and suspended
 * lessons leave the base; roles without the components cluster are refused; every read audited.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';

for (const which of TEST_DATABASES) {
  describe(`attendance against the rule (${which.name})`, () => {
    test('per component and enrolment, as known on a day, with excused absences and suspensions', async (t) => {
      const app = await startTestApp(t, which);
      const { factories: f } = app;
      const provider = await f.organisation({ kind: 'CVO', name: 'CVO Gent' });
      const { course, module, lessons } = await f.course(provider.id, 4); // 5, 12, 19 and 26 September 2022, 180 minutes each
      const person = await f.person();
      const trajectory = await f.add(person.id, 'trajectories', { type: 'TT_IBVP', startDate: '2022-08-01', status: 'OP', statusSince: '2022-08-01' });
      const component = await f.add(person.id, 'trajectoryComponents', {
        trajectoryId: trajectory.id,
        type: 'TO_A2',
        startDate: '2022-09-01',
        status: 'TO_STA_31',
        statusSince: '2022-09-01',
      });
      const enrolment = await f.add(person.id, 'enrolments', {
        courseId: course.id,
        moduleId: module.id,
        componentId: component.id,
        enrolledOn: '2022-08-20',
        status: 'LOPEND',
      });
      const marks = ['PRESENT', 'PRESENT', 'PRESENT', 'ABSENT'];
      const participations = [];
      for (const [i, lesson] of lessons.entries())
        participations.push(await f.add(person.id, 'participations', { enrolmentId: enrolment.id, lessonId: lesson.id, attendance: marks[i] }));
      const read = async (on: string) => expectOk(await app.call('GET', `/api/v1/persons/${person.id}/attendance?on=${on}`));

      const early = await read('2022-09-20');
      assert.equal(early.outcome, 'REGULAR', 'on 20 September three lessons were held, all present');
      assert.equal(early.components[0].figures.lessons, 3);

      const later = await read('2022-10-01');
      assert.equal(later.rule.id, 'attendance-2022');
      assert.deepEqual([later.outcome, later.infringementType], ['NOT_REGULAR', 'NIET_REGELMATIG_DEELGENOMEN']);
      const c = later.components[0];
      assert.deepEqual([c.componentId, c.type, c.figures.presentPercent, c.figures.status], [component.id, 'TO_A2', 75, 'BELOW_REGULAR']);
      assert.deepEqual([c.enrolments[0].enrolmentId, c.enrolments[0].presentMinutes, c.enrolments[0].absentMinutes], [enrolment.id, 540, 180]);

      // The absence turns out to be excused: it leaves the base.
      const last = participations[3];
      await expectOk(await app.call('PATCH', `/api/v1/participations/${last.id}`, { attendance: 'ABSENT_JUSTIFIED' }, { 'If-Match': `"${last.version}"` }));
      const excused = await read('2022-10-01');
      assert.deepEqual([excused.outcome, excused.components[0].figures.justifiedMinutes, excused.components[0].figures.presentPercent], ['REGULAR', 180, 100]);

      // Back to unexcused, but a suspension ran that week: the lesson does not count either.
      await expectOk(await app.call('PATCH', `/api/v1/participations/${last.id}`, { attendance: 'ABSENT' }, { 'If-Match': `"${last.version + 1}"` }));
      assert.equal((await read('2022-10-01')).outcome, 'NOT_REGULAR');
      await f.add(person.id, 'componentSuspensions', { componentId: component.id, startDate: '2022-09-24', endDate: '2022-09-30', reason: 'MEDISCH' });
      const suspended = await read('2022-10-01');
      assert.deepEqual([suspended.outcome, suspended.components[0].figures.suspendedMinutes], ['REGULAR', 180]);

      const audited = await app.database.db.selectFrom('audit_log').select(['action', 'person_id']).where('action', '=', 'attendance.read').execute();
      assert.equal(audited.length, 5, 'every read audited');
      assert.ok(audited.every((a) => a.person_id === person.id));
    });

    test('bad days are refused, roles that may not read the components are refused, unknown persons are 404', async (t) => {
      const app = await startTestApp(t, which);
      const person = await app.factories.person();
      for (const on of ['2022-13-01', 'yesterday', '2003-01-01']) {
        const res = await app.call('GET', `/api/v1/persons/${person.id}/attendance?on=${on}`);
        assert.equal(res.status, 400, on);
        assert.equal(res.body.issues?.[0]?.name, 'on');
      }
      const house = await app.as('HOUSE_OF_DUTCH', { organisationId: app.homeOrganisationId });
      assert.equal((await house.call('GET', `/api/v1/persons/${person.id}/attendance`)).status, 403);
      assert.equal((await app.call('GET', '/api/v1/persons/00000000-0000-4000-8000-000000000000/attendance')).status, 404);
    });
  });
}
