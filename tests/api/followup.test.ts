/**
 * The follow-up lists over real HTTP (issue 13): obliged newcomers whose registration term runs out
 * within two weeks or ran out, without a registration — not those with time left, registered, or
 * entitled only; and running components below the attendance threshold — not those above it. Only
 * the caller's territory; counted on the start page; every read audited.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp, type TestApp } from '../support/app.ts';
import { addDays } from '../../server/platform/calendar.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';

async function invited(app: TestApp, officeId: string, daysAgo: number, type = 'PLICHT') {
  const today = belgianToday();
  const person = await app.factories.person();
  await app.factories.add(person.id, 'caseLead', { managingOfficeId: officeId, openedOn: addDays(today, -400) });
  await app.factories.add(person.id, 'targetGroupDeterminations', {
    determinedOn: addDays(today, -daysAgo - 5),
    determined: true,
    type,
    subtype: type === 'PLICHT' ? 'VOL_PROG' : 'RECHT',
  });
  const invitation = await app.factories.add(person.id, 'invitations', { officeId, sentOn: addDays(today, -daysAgo), registeredLetter: true, status: 'SENT' });
  return { person, invitation };
}

for (const which of TEST_DATABASES) {
  describe(`follow-up lists (${which.name})`, () => {
    test('registration terms running out or run out, and components below the attendance threshold', async (t) => {
      const app = await startTestApp(t, which);
      const agency = await app.factories.organisation({ kind: 'AGENCY' });
      const office = await app.factories.office(agency.id);
      const other = await app.factories.office(agency.id);
      const today = belgianToday();
      const caseworker = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
      const colleague = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [other.id] });

      const late = await invited(app, office.id, 150); // the three months ran out
      const soon = await invited(app, office.id, 82); // runs out within two weeks
      await invited(app, office.id, 30); // two months left: not yet
      const registered = await invited(app, office.id, 150);
      await app.factories.add(registered.person.id, 'registrations', { registeredOn: addDays(today, -100), officeId: office.id, type: 'EA', reason: '11' });
      await invited(app, office.id, 150, 'RECHT'); // entitled: no term

      const list = (await expectOk(await caseworker.call('GET', '/api/v1/worklist/registrations'))).items;
      assert.deepEqual(
        list.map((i: { personId: string; overdue: boolean }) => [i.personId, i.overdue]),
        [
          [late.person.id, true],
          [soon.person.id, false],
        ],
        'the late one first, then the one running out',
      );
      assert.ok(list[1].dueOn >= today && list[1].dueOn <= addDays(today, 14));
      assert.equal((await expectOk(await colleague.call('GET', '/api/v1/worklist/registrations'))).items.length, 0, 'another office');

      // A running component: 1 of 4 lessons present is below the threshold; another with all present is not.
      const provider = await app.factories.organisation({ kind: 'CVO' });
      const component = async (person: { id: string }, marks: string[]) => {
        const { course, module, lessons } = await app.factories.course(provider.id, marks.length);
        const trajectory = await app.factories.add(person.id, 'trajectories', {
          type: 'TT_IBVP',
          startDate: '2022-08-01',
          status: 'OP',
          statusSince: '2022-08-01',
        });
        const c = await app.factories.add(person.id, 'trajectoryComponents', {
          trajectoryId: trajectory.id,
          type: 'TO_A2',
          startDate: '2022-09-01',
          status: 'TO_STA_31',
          statusSince: '2022-09-01',
        });
        const e = await app.factories.add(person.id, 'enrolments', {
          courseId: course.id,
          moduleId: module.id,
          componentId: c.id,
          enrolledOn: '2022-08-20',
          status: 'LOPEND',
        });
        for (const [i, lesson] of lessons.entries())
          await app.factories.add(person.id, 'participations', { enrolmentId: e.id, lessonId: lesson.id, attendance: marks[i] });
        return c;
      };
      const below = await component(late.person, ['PRESENT', 'ABSENT', 'ABSENT', 'ABSENT']);
      await component(soon.person, ['PRESENT', 'PRESENT', 'PRESENT', 'PRESENT']);
      const attendance = (await expectOk(await caseworker.call('GET', '/api/v1/worklist/attendance'))).items;
      assert.deepEqual(
        attendance.map((i: { componentId: string; presentPercent: number; status: string }) => [i.componentId, i.presentPercent, i.status]),
        [[below.id, 25, 'BELOW_REGULAR']],
      );
      assert.equal((await expectOk(await colleague.call('GET', '/api/v1/worklist/attendance'))).items.length, 0);

      const lists = (await expectOk(await caseworker.call('GET', '/api/v1/worklist/summary'))).lists;
      assert.deepEqual(
        lists.filter((l: { list: string }) => ['registrations', 'attendance'].includes(l.list)),
        [
          { list: 'registrations', count: 2, oldest: list[0].dueOn, overdue: 1 },
          { list: 'attendance', count: 1, oldest: '2022-09-01', overdue: 0 },
        ],
      );
      const audit = await app.database.db.selectFrom('audit_log').select('action').where('action', 'like', 'followUp.%').execute();
      assert.equal(audit.length, 4, 'each list read audited; the counts on the start page name nobody');
      const house = await app.as('HOUSE_OF_DUTCH', { organisationId: agency.id });
      assert.equal((await house.call('GET', '/api/v1/worklist/registrations')).status, 403);
    });
  });
}
