/**
 * The target-group assistant over real HTTP (issue 13): it reads what the dossier knows, takes the
 * caseworker's answers, proposes with reasons and the legal source, and the caseworker confirms it
 * or records another determination, which then needs a reason. Bad answers change nothing; a person
 * outside the territory is not found; every proposal is audited.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';
import { addDays } from '../../server/platform/calendar.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';

for (const which of TEST_DATABASES) {
  describe(`target-group assistant (${which.name})`, () => {
    test('proposes from the dossier and the answers; confirmed as is, or overridden with a reason', async (t) => {
      const app = await startTestApp(t, which);
      const agency = await app.factories.organisation({ kind: 'AGENCY' });
      const office = await app.factories.office(agency.id);
      const other = await app.factories.office(agency.id);
      const today = belgianToday();
      const person = await app.factories.person({ nationality: 'SYR', postcode: '9000' });
      await app.factories.add(person.id, 'caseLead', { managingOfficeId: office.id, openedOn: addDays(today, -30) });
      const caseworker = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
      const outsider = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [other.id] });
      const path = `/api/v1/persons/${person.id}/targetGroupProposal`;
      const answers = {
        firstRegisteredOn: addDays(today, -60),
        firstRegisteredRegion: 'FLANDERS',
        firstLongResidence: true,
        temporaryStay: false,
        ministerOfReligion: false,
        seriousIllness: false,
        dutchDiploma: false,
      };

      const unanswered = await expectOk(await caseworker.call('POST', path, {}));
      assert.deepEqual(
        [unanswered.known.nationalityGroup, unanswered.known.region, unanswered.known.inNationalRegister, unanswered.known.birthDate],
        ['THIRD_COUNTRY', 'FLANDERS', true, person.birthDate],
        'what the dossier tells',
      );
      assert.equal(unanswered.proposal.outcome, 'RECHT');
      assert.ok(unanswered.proposal.missing.includes('firstRegisteredOn'), 'asks for what it needs');

      const advice = await expectOk(await caseworker.call('POST', path, { answers }));
      assert.deepEqual([advice.proposal.outcome, advice.proposal.subtype, advice.proposal.rule.id], ['PLICHT', 'VOL_PROG', 'target-group-2022']);
      assert.ok(advice.proposal.reasons.some((r: { key: string }) => r.key === 'newcomer'));
      assert.match(advice.proposal.rule.source, /Decreet/);

      const counts = () => app.rowCounts('target_group_determinations');
      const before = await counts();
      for (const body of [{ answers: { ...answers, born: true } }, { answers: { ...answers, firstRegisteredOn: addDays(today, 1) } }, { on: '2003-01-01' }]) {
        const res = await caseworker.call('POST', path, body);
        assert.equal(res.status, 400, JSON.stringify(body));
      }
      assert.equal((await outsider.call('POST', path, { answers })).status, 404, 'outside the territory');

      const determine = (body: Record<string, unknown>) =>
        caseworker.call('POST', `/api/v1/persons/${person.id}/targetGroupDeterminations`, {
          determinedOn: today,
          determined: true,
          proposedOutcome: 'PLICHT',
          proposalRuleId: advice.proposal.rule.id,
          ...body,
        });
      const overridden = await determine({ type: 'RECHT', subtype: 'RECHT' });
      assert.equal(overridden.status, 422);
      assert.equal(overridden.body.issues[0].name, 'overrideReason');
      assert.deepEqual(await counts(), before, 'refused: nothing stored');
      await expectOk(await determine({ type: 'PLICHT', subtype: 'VOL_PROG' }), 201);
      const other2 = await expectOk(await determine({ type: 'RECHT', subtype: 'RECHT', overrideReason: 'Verblijfskaart van minder dan drie maanden.' }), 201);
      assert.equal(other2.overrideReason, 'Verblijfskaart van minder dan drie maanden.');
      const notInGroup = await determine({ determined: false, noTargetGroupReason: '02' });
      assert.equal(notInGroup.status, 422, 'not in the target group differs from the proposal too');

      const audit = await app.database.db.selectFrom('audit_log').select(['result']).where('action', '=', 'targetGroup.propose').execute();
      assert.ok(audit.filter((a) => a.result === 'allowed').length >= 2 && audit.some((a) => a.result === 'denied'));
    });
  });
}
