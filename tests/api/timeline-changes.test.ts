/**
 * The history says what changed (issue 14): an update carries each changed field before and after,
 * with who made it and from where (a staff member's screen, a partner, the system); a role sees the
 * history of the clusters it may read only — no more than the dossier itself.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';

for (const which of TEST_DATABASES) {
  describe(`history with before and after (${which.name})`, () => {
    test('an update names its changed fields; a role sees only the clusters it reads', async (t) => {
      const app = await startTestApp(t, which);
      const agency = await app.factories.organisation({ kind: 'AGENCY' });
      const office = await app.factories.office(agency.id);
      const person = await app.factories.person();
      await app.factories.add(person.id, 'caseLead', { managingOfficeId: office.id, openedOn: '2023-01-02' });
      await app.factories.add(person.id, 'advice', { source: 'HOUSE_OF_DUTCH', adviceType: 'CVO_STANDAARD', givenOn: '2023-01-15', givenById: agency.id });
      const contract = await app.factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: '2023-02-01', registeredOn: '2023-02-05' });
      const caseworker = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
      await expectOk(
        await caseworker.call(
          'PATCH',
          `/api/v1/contracts/${contract.id}`,
          { signedOn: '2023-02-03', endDate: '2024-02-01' },
          { 'If-Match': `"${contract.version}"` },
        ),
      );

      const items = (await expectOk(await caseworker.call('GET', `/api/v1/persons/${person.id}/timeline`))).items;
      const update = items.find((i: { recordId: string; version: number }) => i.recordId === contract.id && i.version === 2);
      assert.deepEqual([update.change, update.cluster, update.source], ['updated', 'contracts', 'screen']);
      assert.deepEqual(update.changes, [
        { field: 'signedOn', before: '2023-02-01', after: '2023-02-03' },
        { field: 'endDate', before: null, after: '2024-02-01' },
      ]);
      const created = items.find((i: { recordId: string; version: number }) => i.recordId === contract.id && i.version === 1);
      assert.equal(created.changes, undefined, 'a creation has no before');

      // A House of Dutch reads the advice, not the contract: its history holds no contract.
      const house = await app.as('HOUSE_OF_DUTCH', { organisationId: agency.id });
      const theirs = (await expectOk(await house.call('GET', `/api/v1/persons/${person.id}/timeline`))).items;
      assert.ok(theirs.some((i: { resource: string }) => i.resource === 'advice'));
      assert.equal(theirs.filter((i: { resource: string }) => i.resource === 'contracts').length, 0);
    });
  });
}
