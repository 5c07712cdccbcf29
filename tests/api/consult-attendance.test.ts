/**
 * Attendance for a partner (issue 13, seed 001): an OCMW consults its integrated client's attendance
 * against the 80 % rule as KBI judges it — through the consultation screen and through the partner
 * API — the same figures the caseworker's dossier shows; a partner whose authorisations lack the
 * courses or components cluster, or a person not in the OCMW's register, is refused and audited.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp } from '../support/app.ts';

const PURPOSE = 'BEGELEIDING_OCMW_CLIENT';

for (const which of TEST_DATABASES) {
  describe(`attendance for partners (${which.name})`, () => {
    test("an OCMW sees its client's attendance as KBI judges it; others are refused", async (t) => {
      const app = await startTestApp(t, which);
      const { factories: f } = app;
      const provider = await f.organisation({ kind: 'CVO', name: 'CVO Gent' });
      const { course, module, lessons } = await f.course(provider.id, 4);
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
      for (const [i, lesson] of lessons.entries())
        await f.add(person.id, 'participations', { enrolmentId: enrolment.id, lessonId: lesson.id, attendance: i < 3 ? 'PRESENT' : 'ABSENT' });

      const ocmw = await partner(app, 'OCMW', 'OCMW Gent');
      const ask = (call: typeof ocmw.call, path = '/api/exchange/v1/dossiers/attendance') => call('POST', path, { insz: person.insz, purpose: PURPOSE });
      assert.equal((await ask(ocmw.call)).status, 403, 'not in the integration register yet');
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1' }), 201);

      const answer = await expectOk(await ask(ocmw.call));
      const own = await expectOk(await app.call('GET', `/api/v1/persons/${person.id}/attendance`));
      assert.equal(answer.known, true);
      assert.deepEqual(answer.attendance, own, "the same judgement as the caseworker's");
      assert.deepEqual([answer.attendance.outcome, answer.attendance.components[0].figures.presentPercent], ['NOT_REGULAR', 75]);

      // The consultation screen: a social worker of the same OCMW.
      const worker = await app.as('OCMW_SOCIAL_WORKER', { organisationId: ocmw.organisation.id });
      const screen = await expectOk(await ask(worker.call, '/api/v1/consultations/attendance'));
      assert.deepEqual(screen.attendance.components, own.components);

      // A partner whose authorisation lacks the clusters is refused.
      const vmsw = await partner(app, 'VMSW', 'VMSW');
      const refused = await vmsw.call('POST', '/api/exchange/v1/dossiers/attendance', { insz: person.insz, purpose: 'WOONCODE_TAALKENNIS' });
      assert.equal(refused.status, 403);
      const audit = await app.database.db
        .selectFrom('audit_log')
        .select(['result', 'person_id'])
        .where('action', '=', 'exchange.consultAttendance')
        .orderBy('at')
        .execute();
      assert.deepEqual(
        audit.map((a) => a.result),
        ['denied', 'allowed', 'allowed', 'denied'],
      );
      assert.equal(audit[1]!.person_id, person.id);
    });
  });
}
