/**
 * Certificates to issue over real HTTP (issue 13): the re-evaluation proposes the integration
 * certificate once the trajectory's components are completed as the rules require — not before,
 * and once only; the caseworker of the person's office issues it (the certificate and the
 * trajectory's decision are recorded together) or dismisses it with a reason; refused steps change nothing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';
import { addDays } from '../../server/platform/calendar.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { evaluateRules } from '../../server/modules/rules/evaluation.service.ts';

for (const which of TEST_DATABASES) {
  describe(`certificates to issue (${which.name})`, () => {
    test('proposed when the components are done, once; issued with the trajectory decision, or dismissed with a reason', async (t) => {
      const app = await startTestApp(t, which);
      const agency = await app.factories.organisation({ kind: 'AGENCY' });
      const office = await app.factories.office(agency.id);
      const other = await app.factories.office(agency.id);
      const today = belgianToday();
      const caseworker = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
      const colleague = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [other.id] });
      const run = (personIds?: string[]) => evaluateRules(app.database.db, { on: today, actor: 'system:test', personIds: personIds ?? null });

      const person = await app.factories.person();
      await app.factories.add(person.id, 'caseLead', { managingOfficeId: office.id, openedOn: addDays(today, -300) });
      const trajectory = await app.factories.add(person.id, 'trajectories', {
        type: 'TT_IBVP',
        startDate: addDays(today, -250),
        status: 'OP',
        statusSince: addDays(today, -250),
      });
      const component = (type: string, done: boolean) =>
        app.factories.add(person.id, 'trajectoryComponents', {
          trajectoryId: trajectory.id,
          type,
          startDate: addDays(today, -240),
          status: done ? 'TO_STA_99' : 'TO_STA_31',
          statusSince: addDays(today, -10),
          ...(done ? { decision: 'VO', decisionDate: addDays(today, -10), endDate: addDays(today, -10) } : {}),
        });
      await component('TO_OB_MO', true);
      const nt2 = await component('TO_A2', false);
      assert.equal((await run()).certificates, 0, 'NT2 still running: not yet');

      await expectOk(
        await caseworker.call(
          'PATCH',
          `/api/v1/trajectoryComponents/${nt2.id}`,
          { status: 'TO_STA_99', decision: 'VO', decisionDate: addDays(today, -1), endDate: addDays(today, -1) },
          { 'If-Match': `"${nt2.version}"` },
        ),
      );
      assert.equal((await run([person.id])).certificates, 1, 'both parts met: proposed');
      assert.equal((await run()).certificates, 0, 'once per trajectory');

      const list = await expectOk(await caseworker.call('GET', '/api/v1/worklist/certificateProposals'));
      assert.equal(list.items.length, 1);
      const p = list.items[0];
      assert.deepEqual([p.personId, p.trajectoryId, p.ruleId, p.overdue], [person.id, trajectory.id, 'certificate-2022', false]);
      assert.deepEqual(
        p.facts.parts.map((x: { part: string; done: boolean }) => [x.part, x.done]),
        [
          ['MO', true],
          ['NT2', true],
        ],
      );
      assert.equal((await expectOk(await colleague.call('GET', '/api/v1/worklist/certificateProposals'))).items.length, 0, 'not in the other office');
      const summary = (await expectOk(await caseworker.call('GET', '/api/v1/worklist/summary'))).lists.find((l: { list: string }) => l.list === 'certificates');
      assert.deepEqual(summary, { list: 'certificates', count: 1, oldest: today, overdue: 0 });

      const path = `/api/v1/certificateProposals/${p.id}/decision`;
      const counts = () => app.rowCounts('certificates', 'certificate_proposals_history');
      const before = await counts();
      const dismiss = await caseworker.call('POST', path, { decision: 'DISMISS' }, { 'If-Match': `"${p.version}"` });
      assert.deepEqual([dismiss.status, dismiss.body.issues[0].name], [400, 'reason']);
      assert.equal((await caseworker.call('POST', path, { decision: 'ISSUE' }, { 'If-Match': '"5"' })).status, 412);
      assert.equal((await colleague.call('POST', path, { decision: 'ISSUE' }, { 'If-Match': `"${p.version}"` })).status, 404);
      assert.deepEqual(await counts(), before, 'refused decisions change nothing');

      const issued = await expectOk(await caseworker.call('POST', path, { decision: 'ISSUE' }, { 'If-Match': `"${p.version}"` }));
      assert.equal(issued.status, 'ISSUED');
      const certificate = await app.database.db.selectFrom('certificates').selectAll().where('id', '=', issued.certificateId).executeTakeFirstOrThrow();
      assert.deepEqual(
        [certificate.person_id, certificate.kind, certificate.document_type, certificate.office_id],
        [person.id, 'INTEGRATION', 'ICO13G', office.id],
      );
      const decided = await app.database.db
        .selectFrom('trajectories')
        .select(['decision', 'decision_date'])
        .where('id', '=', trajectory.id)
        .executeTakeFirstOrThrow();
      assert.equal(decided.decision, 'JA_IB');
      assert.equal((await caseworker.call('POST', path, { decision: 'DISMISS', reason: 'x' }, { 'If-Match': `"${issued.version}"` })).status, 409);
      assert.equal((await counts()).certificate_proposals_history, before.certificate_proposals_history! + 1, 'the open version kept in the history');
      const audit = await app.database.db.selectFrom('audit_log').select('result').where('action', '=', 'certificateProposals.decide').orderBy('at').execute();
      assert.deepEqual(
        audit.map((a) => a.result),
        ['denied', 'allowed'],
      );
    });
  });
}
