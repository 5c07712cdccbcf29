/**
 * Who handles a work item, over real HTTP (issue 13): a caseworker takes an item, hands it to a
 * colleague of the same office, or lets it go; a colleague outside the person's area of competence
 * or of another organisation is refused at the field; a stale version and an outsider change
 * nothing; every change is audited and kept in the item's history.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';

for (const which of TEST_DATABASES) {
  describe(`work item owners (${which.name})`, () => {
    test('take, hand over and let go; refused owners and versions change nothing', async (t) => {
      const app = await startTestApp(t, which);
      const agency = await app.factories.organisation({ kind: 'AGENCY' });
      const elsewhere = await app.factories.organisation({ kind: 'AGENCY' });
      const office = await app.factories.office(agency.id);
      const other = await app.factories.office(agency.id);
      const person = await app.factories.person();
      await app.factories.add(person.id, 'caseLead', { managingOfficeId: office.id, openedOn: belgianToday() });
      const theCase = await app.factories.add(person.id, 'infringementCases', { openedOn: belgianToday(), status: 'OPEN' });
      const me = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
      const colleague = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
      const otherOffice = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [other.id] });
      const stranger = await app.as('AGENCY_CASEWORKER', { organisationId: elsewhere.id, officeIds: [] });
      const path = `/api/v1/worklist/infringementCases/${theCase.id}/owner`;
      const owner = async () =>
        await app.database.db.selectFrom('infringement_cases').select(['owner_id', 'version']).where('id', '=', theCase.id).executeTakeFirstOrThrow();

      const taken = await expectOk(await me.call('PUT', path, { ownerId: me.userId }, { 'If-Match': `"${theCase.version}"` }));
      assert.equal(taken.ownerId, me.userId);
      const listed = await expectOk(await me.call('GET', '/api/v1/worklist/infringementCases'));
      assert.equal(listed.items[0].ownerId, me.userId, 'the list shows who has it');

      for (const [ownerId, why] of [
        [otherOffice.userId, 'outside the area of competence'],
        [stranger.userId, 'another organisation'],
        [theCase.id, 'no such account'],
      ] as const) {
        const res = await me.call('PUT', path, { ownerId }, { 'If-Match': `"${taken.version}"` });
        assert.deepEqual([res.status, res.body.issues?.[0]?.name], [400, 'ownerId'], why);
      }
      assert.equal((await me.call('PUT', path, { ownerId: colleague.userId }, { 'If-Match': `"${theCase.version}"` })).status, 412, 'stale');
      assert.equal(
        (await otherOffice.call('PUT', path, { ownerId: otherOffice.userId }, { 'If-Match': `"${taken.version}"` })).status,
        404,
        'not in my territory',
      );
      assert.deepEqual(await owner(), { owner_id: me.userId, version: taken.version }, 'refused: unchanged');

      const handed = await expectOk(await me.call('PUT', path, { ownerId: colleague.userId }, { 'If-Match': `"${taken.version}"` }));
      assert.equal(handed.ownerId, colleague.userId);
      const released = await expectOk(await colleague.call('PUT', path, { ownerId: null }, { 'If-Match': `"${handed.version}"` }));
      assert.equal(released.ownerId, null);

      const names = (await expectOk(await me.call('GET', '/api/v1/worklist/colleagues'))).items.map((c: { id: string }) => c.id);
      assert.ok(names.includes(colleague.userId) && !names.includes(stranger.userId), 'colleagues of my organisation only');
      const audit = await app.database.db.selectFrom('audit_log').select(['result']).where('action', '=', 'worklist.assign').execute();
      assert.equal(audit.filter((a) => a.result === 'allowed').length, 3);
      const history = await app.database.db.selectFrom('infringement_cases_history').select('owner_id').where('id', '=', theCase.id).execute();
      assert.equal(history.length, 3, 'every earlier owner kept');
    });
  });
}
